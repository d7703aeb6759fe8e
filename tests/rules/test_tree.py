"""The parameter loader refuses a malformed tree, naming the file and what is wrong; every dated
value carries sources a reader can follow; the rules version hashes every file that decides a
result."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest

from openentry import rules
from openentry.rules.tree import (
    PARAMETERS_DIRECTORY,
    ParameterError,
    Source,
    load_tree,
    parse_sources,
    rule_data_files,
)

# The references of the two dates of GOOD, as they appear in the text, for the cases below.
FIRST = """  2015-01-01:
    - title: Instrument A
      url: https://example.org/a
"""
SECOND = """  2016-11-19:
    - title: Instrument B
      url: https://example.org/b
      note: section 2
    - title: A transcription of B
      url: http://example.org/copy
      secondary: true
"""
GOOD = f"""description: a quantity
unit: points
reference:
{FIRST}{SECOND}values:
  2015-01-01: 600
  2016-11-19: 200
"""

WHERE = "parameters/crs/offer.yaml: reference for 2016-11-19"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _with_second(sources: str) -> str:
    """GOOD with the sources of 2016-11-19 replaced by ``sources`` (YAML lines below the date)."""
    return GOOD.replace(SECOND, "  2016-11-19:" + sources)


def test_a_value_is_the_newest_not_after_the_day(tmp_path: Path) -> None:
    tree = load_tree(_tree(tmp_path, {"crs/offer.yaml": GOOD}))
    parameter = tree["crs.offer"]
    assert parameter.value_at(datetime.date(2016, 11, 18)) == 600
    assert parameter.value_at(datetime.date(2016, 11, 19)) == 200
    entry = parameter.entry_at(datetime.date(2030, 1, 1))
    assert entry.sources == (
        Source("Instrument B", "https://example.org/b", secondary=False, note="section 2"),
        Source("A transcription of B", "http://example.org/copy", secondary=True, note=None),
    )
    assert (
        entry.reference
        == "Instrument B <https://example.org/b>; A transcription of B <http://example.org/copy>"
    )
    with pytest.raises(ParameterError, match="no value before 2015-01-01"):
        parameter.value_at(datetime.date(2014, 12, 31))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace("unit: points\n", ""),
            "parameters/crs/offer.yaml: missing keys ['unit'], unknown keys []",
        ),
        (
            GOOD.replace(SECOND, ""),
            "parameters/crs/offer.yaml: value of 2016-11-19 has no reference (its source)",
        ),
        (
            GOOD.replace("  2015-01-01: 600\n  2016-11-19: 200\n", "  2016-11-19: 200\n  2015-01-01: 600\n"),
            "parameters/crs/offer.yaml: effective dates must increase (2015-01-01 after 2016-11-19)",
        ),
        (GOOD + "extra: 1\n", "parameters/crs/offer.yaml: missing keys [], unknown keys ['extra']"),
        (
            GOOD.replace(
                "values:", "  2017-01-01:\n    - title: Orphan\n      url: https://example.org/o\nvalues:"
            ),
            "parameters/crs/offer.yaml: references for dates with no value: [datetime.date(2017, 1, 1)]",
        ),
        (
            GOOD.replace("values:\n  2015-01-01", "values:\n  2015-13-01"),
            "parameters/crs/offer.yaml: not valid YAML or not a date: month must be in 1..12",
        ),
    ],
)
def test_a_malformed_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ParameterError) as raised:
        load_tree(_tree(tmp_path, {"crs/offer.yaml": text}))
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (
            " Instrument B, section 2\n",
            f"{WHERE}: must be a non-empty list of sources, each a mapping with title and url, "
            "not 'Instrument B, section 2'",
        ),
        (" []\n", f"{WHERE}: must be a non-empty list of sources, each a mapping with title and url, not []"),
        (
            "\n    - Instrument B\n",
            f"{WHERE}, source 1: must be a mapping with keys title and url (optional: secondary, note), "
            "not str 'Instrument B'",
        ),
        (
            "\n    - title: Instrument B\n      url: https://example.org/b\n      page: 4\n",
            f"{WHERE}, source 1: unknown keys ['page'] (allowed: title, url, secondary, note)",
        ),
        (
            "\n    - title: Instrument B\n",
            f"{WHERE}, source 1: missing keys ['url'] (title and url are required)",
        ),
        (
            "\n    - title: Instrument B\n      url: https://example.org/b\n    - url: https://example.org/c\n",
            f"{WHERE}, source 2: missing keys ['title'] (title and url are required)",
        ),
        (
            "\n    - title: ' '\n      url: https://example.org/b\n",
            f"{WHERE}, source 1: 'title' must be a non-empty text, not ' '",
        ),
        (
            "\n    - title: 2016\n      url: https://example.org/b\n",
            f"{WHERE}, source 1: 'title' must be a non-empty text, not 2016",
        ),
        (
            "\n    - title: Instrument B\n      url: www.example.org/b\n",
            f"{WHERE}, source 1: 'url' must be one web address starting with https:// or http://, "
            "not 'www.example.org/b'",
        ),
        (
            "\n    - title: Instrument B\n      url: ftp://example.org/b\n",
            f"{WHERE}, source 1: 'url' must be one web address starting with https:// or http://, "
            "not 'ftp://example.org/b'",
        ),
        (
            "\n    - title: Instrument B\n      url: https://\n",
            f"{WHERE}, source 1: 'url' must be one web address starting with https:// or http://, not 'https://'",
        ),
        (
            "\n    - title: Instrument B\n      url: https://example.org/b and https://example.org/c\n",
            f"{WHERE}, source 1: 'url' must be one web address starting with https:// or http://, "
            "not 'https://example.org/b and https://example.org/c'",
        ),
        (
            "\n    - title: Instrument B\n      url: null\n",
            f"{WHERE}, source 1: 'url' must be one web address starting with https:// or http://, not None",
        ),
        (
            "\n    - title: Instrument B\n      url: https://example.org/b\n      secondary: maybe\n",
            f"{WHERE}, source 1: 'secondary' must be true or false, not 'maybe'",
        ),
        (
            "\n    - title: Instrument B\n      url: https://example.org/b\n      note: ''\n",
            f"{WHERE}, source 1: 'note' must be a non-empty text when given, not ''",
        ),
        (
            "\n    - title: A copy\n      url: https://example.org/copy\n      secondary: true\n"
            "    - title: Instrument B\n      url: https://example.org/b\n",
            f"{WHERE}, source 2 ('Instrument B'): a primary source may not follow a secondary one; "
            "list the primary sources first",
        ),
    ],
)
def test_a_malformed_source_is_refused_naming_file_date_and_item(
    tmp_path: Path, sources: str, message: str
) -> None:
    with pytest.raises(ParameterError) as raised:
        load_tree(_tree(tmp_path, {"crs/offer.yaml": _with_second(sources)}))
    assert str(raised.value) == message


def test_a_long_value_is_cut_in_the_error() -> None:
    with pytest.raises(ParameterError) as raised:
        parse_sources("x" * 200, "somewhere")
    assert str(raised.value) == (
        "somewhere: must be a non-empty list of sources, each a mapping with title and url, not '"
        + "x" * 56
        + "..."
    )


def test_a_plain_text_is_one_source_without_address_only_when_allowed() -> None:
    assert parse_sources("  A proposal in words ", "overlay", allow_text=True) == (
        Source("A proposal in words", None),
    )
    assert parse_sources([{"title": "T", "url": "https://example.org"}], "overlay", allow_text=True) == (
        Source("T", "https://example.org"),
    )
    with pytest.raises(ParameterError) as raised:
        parse_sources("", "overlay", allow_text=True)
    assert str(raised.value) == (
        "overlay: must be a text or a non-empty list of sources, each a mapping with title and url, not ''"
    )


def test_every_file_starts_on_the_same_first_day(tmp_path: Path) -> None:
    late = GOOD.replace(FIRST, "").replace("  2015-01-01: 600\n", "")
    with pytest.raises(ParameterError, match=r"crs\.late \(2016-11-19\)"):
        load_tree(_tree(tmp_path, {"crs/offer.yaml": GOOD, "crs/late.yaml": late}))


def test_the_package_tree_is_valid_and_its_version_is_stable() -> None:
    tree = rules.default_tree()
    snapshot = rules.at(datetime.date(2026, 1, 5))
    # The era is the newest day any rule changed (the physicians category, 2025-12-08).
    assert snapshot.era == datetime.date(2025, 12, 8)
    assert snapshot.version == {"effective": "2025-12-08", "parameters_sha256": tree.digest[:16]}
    assert load_tree().digest == tree.digest
    assert rules.at(datetime.date(2020, 10, 27)).crs.additional.bilingual == 50
    assert rules.at(datetime.date(2020, 10, 26)).crs.additional.bilingual == 30
    with pytest.raises(ValueError, match="read-only"):
        snapshot.crs.core.age[0, 20] = 0


# --- the real tree's sources --------------------------------------------------------------------

ALL_ENTRIES = [
    (name, entry) for name, parameter in rules.default_tree().items() for entry in parameter.history
]


def test_every_file_of_the_real_tree_loads_with_sources() -> None:
    assert len(rules.default_tree()) == len(list(PARAMETERS_DIRECTORY.rglob("*.yaml"))) == 80
    assert all(entry.sources for _, entry in ALL_ENTRIES)


def test_every_source_has_a_title_and_an_http_address() -> None:
    for name, entry in ALL_ENTRIES:
        for source in entry.sources:
            assert source.title, (name, entry.effective)
            assert source.url is not None and re.fullmatch(r"https?://\S+", source.url), (name, source)


def test_no_reference_names_the_developers_folder() -> None:
    for name, entry in ALL_ENTRIES:
        for source in entry.sources:
            texts = (source.title, source.url or "", source.note or "")
            assert not any("shared/" in text for text in texts), (name, entry.effective, source)
    for path in PARAMETERS_DIRECTORY.rglob("*.yaml"):
        assert "shared/" not in path.read_text(encoding="utf-8"), path


def test_the_first_source_of_each_date_is_primary_where_any_is() -> None:
    only_secondary = []
    for name, entry in ALL_ENTRIES:
        if any(not source.secondary for source in entry.sources):
            assert not entry.sources[0].secondary, (name, entry.effective)
        else:
            only_secondary.append((name, entry.effective))
            # Where only secondary sources exist, a note says the primary source was not found.
            assert any("not found" in (source.note or "") for source in entry.sources), (
                name,
                entry.effective,
            )
    assert len(only_secondary) == 11


# --- the rules version --------------------------------------------------------------------------


def test_the_digest_covers_the_data_files_the_rules_read() -> None:
    assert [path.name for path in rule_data_files()] == ["noc2021.csv", "ee_category_nocs.csv"]
    assert all(path.is_file() for path in rule_data_files())


@pytest.fixture
def copied_rules(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A copy of the parameter tree and of the data files the rules read."""
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS_DIRECTORY, parameters)
    data = []
    for path in rule_data_files():
        copy = tmp_path / "data" / path.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
        data.append(copy)
    return parameters, data


def _change_one_byte(path: Path) -> None:
    """Swap the case of the file's last ASCII letter: one byte differs, and the YAML still loads."""
    content = bytearray(path.read_bytes())
    last = max(index for index, byte in enumerate(content) if chr(byte).isascii() and chr(byte).isalpha())
    content[last] = ord(chr(content[last]).swapcase())
    path.write_bytes(bytes(content))


@pytest.mark.parametrize(
    "changed",
    ["parameters/crs/core/age.yaml", "data/noc2021.csv", "data/ee_category_nocs.csv"],
)
def test_changing_any_file_that_decides_a_result_changes_the_digest(
    copied_rules: tuple[Path, list[Path]], changed: str
) -> None:
    parameters, data = copied_rules
    assert load_tree(parameters, data).digest == rules.default_tree().digest
    _change_one_byte(parameters.parent / changed)
    assert load_tree(parameters, data).digest != rules.default_tree().digest


def test_membership_answers_without_raising() -> None:
    tree = load_tree()
    assert ("crs.core.age" in tree, "crs.core.no_such_parameter" in tree, 7 in tree) == (True, False, False)
