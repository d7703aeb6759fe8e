"""How the documentation's examples are read and compared (tests/docs/examples.py): a page's
```console blocks, JSON compared as JSON with "..." standing for any value, a line "..." for
any lines, and the exit status."""

from __future__ import annotations

from pathlib import Path

from tests.docs.examples import examples_of, output_matches, same_json

PAGE = """# A page

```console
$ openentry score a.json
{"id": "a", "total": 1}
```

Text, and a block that is not run:

```sh
openentry demo
```

````console
$ openentry rules show x
# x
```yaml
a: 1
```
$ openentry score missing.json
openentry: cannot read missing.json: no such file
[exit status 2]

````
"""


def test_examples_are_the_dollar_lines_of_console_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    found = [
        (example.line, example.command, example.expected, example.status) for example in examples_of(page)
    ]
    assert found == [
        (4, "openentry score a.json", ('{"id": "a", "total": 1}',), 0),
        (15, "openentry rules show x", ("# x", "```yaml", "a: 1", "```"), 0),
        (20, "openentry score missing.json", ("openentry: cannot read missing.json: no such file",), 2),
    ]


def test_json_is_compared_as_json_and_pretty_printing_does_not_matter() -> None:
    shown = ("{", '  "id": "a",', '  "total": 1', "}")
    assert output_matches(shown, '{"id": "a", "total": 1}\n')
    assert not output_matches(shown, '{"id": "a", "total": 2}\n')
    assert not output_matches(shown, '{"total": 1, "id": "a"}\n')  # the order shown is the order printed


def test_dots_stand_for_any_value_and_only_where_written() -> None:
    assert same_json({"rules": {"sha": "..."}}, {"rules": {"sha": "cc7658"}})
    assert same_json({"rules": "..."}, {"rules": {"sha": "cc7658"}})
    assert not same_json({"rules": {"sha": "..."}}, {"rules": {"sha": "cc7658", "more": 1}})
    assert not same_json({"total": 7}, {"total": 7.0})
    assert not same_json({"flag": 1}, {"flag": True})


def test_a_line_of_dots_stands_for_any_lines() -> None:
    shown = ('{"n": 1}', "...")
    assert output_matches(shown, '{"n": 1}\n{"n": 2}\n{"n": 3}\n')
    assert output_matches(shown, '{"n": 1}\n')
    assert not output_matches(shown, '{"n": 2}\n{"n": 1}\n')
    assert not output_matches(('{"n": 1}',), '{"n": 1}\n{"n": 2}\n')


def test_the_first_lines_of_a_pretty_printed_document_are_compared_as_text() -> None:
    printed = '{\n  "a": 1,\n  "b": 2\n}\n'
    assert output_matches(("{", '  "a": 1,', "..."), printed)
    assert not output_matches(("{", '  "a": 2,', "..."), printed)


def test_text_is_compared_line_by_line_without_trailing_spaces() -> None:
    assert output_matches(("┃ pool ┃",), "┃ pool ┃   \n")
    assert not output_matches(("┃ pool ┃",), "┃ pools ┃\n")
