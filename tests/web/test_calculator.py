"""The calculator in a browser: the worked examples typed into the form and pasted as JSON give
the totals ``openentry score`` prints; keyboard only; errors beside their field; axe-core."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.web.conftest import Site, examples, screenshot

LANGUAGE_FIELDS = ("test", "reading", "writing", "listening", "speaking", "test_date")


def cli_totals(profiles: list[dict[str, Any]], on: str) -> dict[str, int]:
    """``openentry score --on DAY`` run as a process over the profiles: id -> total."""
    completed = subprocess.run(
        [sys.executable, "-m", "openentry.cli.main", "score", "--on", on, "-"],
        input="".join(json.dumps(profile) + "\n" for profile in profiles),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in completed.stdout.splitlines()]
    return {line["id"]: line["total"] for line in lines}


def field_id(path: str) -> str:
    return "#field-" + path.replace(".", "-")


def fill_form(page: Any, profile: dict[str, Any], on: str) -> None:
    """Answer the questionnaire as a person would, in its order (selects, boxes, text)."""
    order = [
        "marital_status",
        "spouse_canadian",
        "spouse_accompanying",
        "age",
        "birth_date",
        "education",
        "canadian_education",
        "first_language",
        "second_language",
        "canadian_work_years",
        "foreign_work_years",
        "certificate_of_qualification",
        "job_offer",
        "provincial_nomination",
        "sibling_in_canada",
        "spouse_education",
        "spouse_canadian_work_years",
        "spouse_language",
    ]
    assert set(profile) - {"id"} <= set(order), f"the helper cannot type {set(profile) - set(order)}"
    for name in order:
        if name not in profile:
            continue
        value = profile[name]
        if isinstance(value, dict):
            page.select_option(field_id(f"{name}.test"), value["test"])
            for key in LANGUAGE_FIELDS[1:]:
                if key in value:
                    page.fill(field_id(f"{name}.{key}"), str(value[key]))
        elif isinstance(value, bool):
            page.set_checked(field_id(name), value)
        elif name in ("marital_status", "education", "canadian_education", "job_offer", "spouse_education"):
            page.select_option(field_id(name), value)
        else:
            page.fill(field_id(name), str(value))
    page.fill("#field-on", on)


def shown_total(page: Any) -> int:
    total = page.locator("#crs-total")
    total.wait_for()
    return int(total.get_attribute("data-total"))


def test_worked_examples_typed_and_pasted_give_the_command_line_totals(site: Site, page: Any) -> None:
    cases = examples()
    on = cases[0]["on"]
    assert {case["on"] for case in cases} == {on}
    expected = cli_totals([case["profile"] for case in cases], on)
    typed: dict[str, int] = {}
    pasted: dict[str, int] = {}
    for case in cases:
        profile = case["profile"]
        page.goto("/")
        fill_form(page, profile, on)
        page.click("p.actions button[name=action][value=form]")
        page.wait_for_selector("#crs-total")
        typed[profile["id"]] = shown_total(page)
        if profile["id"] == "E4":
            page.wait_for_selector("#timeline .chart[data-drawn]")
            screenshot(page, "calculator-e4-typed")
        page.goto("/")
        page.click("details.paste summary")
        page.fill("#field-profile_json", json.dumps(profile))
        page.fill("#field-on", on)
        page.click("button[name=action][value=paste]")
        page.wait_for_selector("#crs-total")
        pasted[profile["id"]] = shown_total(page)
    assert typed == expected
    assert pasted == expected
    assert expected == {case["profile"]["id"]: case["expected"]["total"] for case in cases}
