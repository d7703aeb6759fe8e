"""``openentry rules list|show`` and ``openentry schema profile`` (issue 10 §3).

The rules are read from the parameter tree and written by one renderer (rules/document.py), the
one the documentation's page of the rules is built with; the profile's JSON Schema comes from
the pydantic model, with a description and one example for every field, and the sample profile
shipped in docs/examples/ validates against it.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import jsonschema
import pytest

from openentry.cli import main
from openentry.profiles.document import JSON_SCHEMA_DIALECT, fields_markdown, profile_json_schema
from openentry.profiles.schema import parse_profile
from openentry.rules import default_tree
from openentry.rules.document import parameter_markdown, rules_page
from openentry.rules.tree import DatedValue, Parameter, Source

DOCS_EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def _run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *arguments: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["openentry", *arguments])
    monkeypatch.setenv("COLUMNS", "240")
    with pytest.raises(SystemExit) as done:
        main.run()
    captured = capsys.readouterr()
    return int(done.value.code or 0), captured.out, captured.err


# --- schema profile


def _objects(schema: dict[str, object]) -> list[dict[str, object]]:
    definitions = schema["$defs"]
    assert isinstance(definitions, dict)
    return [schema, *definitions.values()]


def test_schema_profile_prints_the_schema_of_the_model(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "schema", "profile")
    assert (code, err) == (0, "")
    printed = json.loads(out)
    assert printed == profile_json_schema()
    assert printed["$schema"] == JSON_SCHEMA_DIALECT
    assert sorted(printed["$defs"]) == ["Job", "LanguageResult"]
    jsonschema.Draft202012Validator.check_schema(printed)


def test_every_field_has_a_description_and_an_example_the_schema_accepts() -> None:
    schema = profile_json_schema()
    for model in _objects(schema):
        properties = model["properties"]
        assert isinstance(properties, dict)
        for name, described in properties.items():
            assert described.get("description"), name
            assert len(described.get("examples", [])) == 1, name
            field_schema = {**described, "$defs": schema["$defs"]}
            jsonschema.Draft202012Validator(field_schema).validate(described["examples"][0])


def test_the_sample_profiles_validate_against_the_schema_and_the_model() -> None:
    validator = jsonschema.Draft202012Validator(profile_json_schema())
    sample = json.loads((DOCS_EXAMPLES / "profile.json").read_text(encoding="utf-8"))
    validator.validate(sample)
    assert parse_profile(sample, require_id=True).id == "maria-santos"
    batch = [
        json.loads(line)
        for line in (DOCS_EXAMPLES / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [profile["id"] for profile in batch] == ["maria-santos", "E1", "typo-1"]
    for profile in batch:  # typo-1's IELTS 7.3 is a score no schema can refuse: the scorer does
        validator.validate(profile)


def test_the_schema_refuses_what_the_model_refuses_by_shape() -> None:
    validator = jsonschema.Draft202012Validator(profile_json_schema())
    sample = json.loads((DOCS_EXAMPLES / "profile.json").read_text(encoding="utf-8"))
    for broken in (
        {**sample, "marital_status": "single"},
        {**sample, "unknown_field": 1},
        {**sample, "primary_noc": "3130"},
        {**sample, "family_size": 0},
        {key: value for key, value in sample.items() if key != "education"},
    ):
        assert not validator.is_valid(broken), broken


def test_the_profile_page_tables_have_a_row_per_field_with_its_example() -> None:
    tables = fields_markdown()
    schema = profile_json_schema()
    for model in _objects(schema):
        properties = model["properties"]
        assert isinstance(properties, dict)
        for name, described in properties.items():
            example = json.dumps(described["examples"][0], ensure_ascii=False)
            assert f"| `{name}` |" in tables and f"| `{example}` |" in tables, name
    assert "| `family_size` | integer ≥ 1, ≤ 30 | `1` |" in tables
    assert "| `provinces_of_interest` | list of one of `ALL`" in tables and '| `["ALL"]` |' in tables
    assert "| `marital_status` | one of `never_married` `married`" in tables


# --- rules list


def test_rules_list_json_names_every_parameter_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "rules", "list", "--json")
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    tree = default_tree()
    assert [line["name"] for line in lines] == list(tree)
    sibling = next(line for line in lines if line["name"] == "crs.additional.sibling")
    assert sibling == {
        "name": "crs.additional.sibling",
        "unit": "points",
        "description": tree["crs.additional.sibling"].description,
        "latest_effective": "2017-06-06",
    }


def test_rules_list_table_shows_name_unit_latest_change_and_first_sentence(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "rules", "list")
    assert (code, err) == (0, "")
    assert f"Parameters of the rules ({len(default_tree())})" in out
    row = next(line for line in out.splitlines() if "crs.additional.sibling " in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")][:3] == [
        "crs.additional.sibling",
        "points",
        "2017-06-06",
    ]
    assert "CRS additional points for a brother or sister" in row


# --- rules show


def test_rules_show_prints_the_markdown_of_the_documentation(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "rules", "show", "crs.additional.sibling")
    assert (code, err) == (0, "")
    parameter = default_tree()["crs.additional.sibling"]
    assert out == parameter_markdown(parameter)
    assert out.startswith("# crs.additional.sibling\n")
    assert "**From 2015-01-01 to 2017-06-05**\n\nValue: not in force.\n" in out
    assert "**From 2017-06-06**\n\nValue: `15`\n" in out
    assert parameter_markdown(parameter, heading="###") in rules_page(default_tree())


@pytest.mark.parametrize(
    ("day", "effective", "until", "value"),
    [("2017-06-05", "2015-01-01", "2017-06-05", None), ("2017-06-06", "2017-06-06", None, 15)],
)
def test_rules_show_on_a_day_gives_the_value_in_force(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    day: str,
    effective: str,
    until: str | None,
    value: int | None,
) -> None:
    code, out, err = _run(
        capsys, monkeypatch, "rules", "show", "crs.additional.sibling", "--on", day, "--json"
    )
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert shown["on"] == day
    assert [(entry["effective"], entry["until"], entry["value"]) for entry in shown["values"]] == [
        (effective, until, value)
    ]
    entry = default_tree()["crs.additional.sibling"].entry_at(datetime.date.fromisoformat(day))
    assert shown["values"][0]["sources"] == [
        {"title": source.title, "url": source.url, "secondary": source.secondary, "note": source.note}
        for source in entry.sources
    ]


def test_rules_show_json_gives_every_dated_value(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "rules", "show", "crs.core.age", "--json")
    assert (code, err) == (0, "")
    shown = json.loads(out)
    parameter = default_tree()["crs.core.age"]
    assert [entry["effective"] for entry in shown["values"]] == [
        entry.effective.isoformat() for entry in parameter.history
    ]
    first = shown["values"][0]["value"]
    assert (first["with_spouse"]["18"], first["without_spouse"]["20"]) == (90, 110)


def test_rules_show_markdown_on_a_day(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(
        capsys, monkeypatch, "rules", "show", "crs.additional.sibling", "--on", "2020-01-01"
    )
    assert (code, err) == (0, "")
    assert "**In force on 2020-01-01 (from 2017-06-06)**\n\nValue: `15`\n" in out
    assert "2015-01-01" not in out.split("**In force")[1].split("Source")[0]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["rules", "show", "crs.core.agee"],
            "openentry: no parameter named 'crs.core.agee'; close names: crs.core.age, crs.core.cap, "
            "crs.core.first_language, crs.core.second_language, crs.core.education\n",
        ),
        (
            ["rules", "show", "nothing.like.it"],
            "openentry: no parameter named 'nothing.like.it'; see openentry rules list\n",
        ),
        (
            ["rules", "show", "crs.core.age", "--on", "2024-13-01"],
            "openentry: --on: '2024-13-01' is not a date (YYYY-MM-DD)\n",
        ),
        (
            ["rules", "show", "crs.core.age", "--on", "2014-12-31"],
            "openentry: --on: 2014-12-31 is before Express Entry began (2015-01-01)\n",
        ),
    ],
)
def test_rules_show_refuses_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, arguments: list[str], message: str
) -> None:
    assert _run(capsys, monkeypatch, *arguments) == (2, "", message)


# --- the renderer


def _parameter(*history: DatedValue) -> Parameter:
    return Parameter("test.example", "Points for an example. Second sentence", "points", history)


def test_the_renderer_writes_sources_values_and_periods() -> None:
    primary = Source(
        "Ministerial Instructions [2017-1]", "https://example.org/mi", note="in force 2017-06-06"
    )
    secondary = Source("A <blog> post", "https://example.org/blog", secondary=True)
    untitled = Source("Stated in words", None)
    parameter = _parameter(
        DatedValue(datetime.date(2015, 1, 1), None, (untitled,)),
        DatedValue(datetime.date(2017, 6, 6), {"with_spouse": {18: 90, 19: 95}}, (primary, secondary)),
    )
    assert parameter_markdown(parameter, heading="##") == (
        "## test.example\n\n"
        "Points for an example. Second sentence.\n\n"
        "Unit: points.\n\n"
        "**From 2015-01-01 to 2017-06-05**\n\n"
        "Value: not in force.\n\n"
        "Source:\n\n"
        "- Stated in words\n\n"
        "**From 2017-06-06**\n\n"
        "```yaml\n"
        "with_spouse: {18: 90, 19: 95}\n"
        "```\n\n"
        "Sources:\n\n"
        "- [Ministerial Instructions \\[2017-1\\]](https://example.org/mi): in force 2017-06-06\n"
        "- [A \\<blog> post](https://example.org/blog) (secondary)\n"
    )
    assert parameter_markdown(parameter, on=datetime.date(2016, 3, 1)).split("\n\n")[3] == (
        "**In force on 2016-03-01 (from 2015-01-01 to 2017-06-05)**"
    )
