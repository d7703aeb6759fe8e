"""``services.timeline``: the days a profile's total, programs or categories change by themselves.

The days of issue 11, exact; then the whole timeline held equal, day by day, to scoring and
assessing the profile on each day with ``openentry score`` and ``openentry eligibility``
(through 29 February 2028, with jobs crossing the first days of their work windows).
"""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest

from openentry.services import timeline as timeline_service
from openentry.services.eligibility import eligibility_profiles
from openentry.services.scoring import RawProfile, score_profiles
from openentry.services.timeline import timeline_profiles

CLB9 = {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9}
# Single, 30, bachelor's, CLB 9 x4: core 105 + 120 + 124 = 349, transferability 25 (E1 at 30).
SINGLE: dict[str, Any] = {
    "age": 30,
    "marital_status": "never_married",
    "education": "bachelors",
    "first_language": CLB9,
}


def _timeline(profile: dict[str, Any], start: str, months: int = 24) -> dict[str, Any]:
    (line,) = timeline_profiles([RawProfile(profile)], datetime.date.fromisoformat(start), months)
    return line


def _event(line: dict[str, Any], day: str) -> dict[str, Any]:
    (event,) = [event for event in line["events"] if event["on"] == day]
    return event


def test_a_birthday_lowers_age_points() -> None:
    # Single, bachelor's, CLB 9 x4 (E1 without the age): 29 -> 379; 30 on 2026-05-10: age points
    # 110 -> 105 (crs-and-programs.md §1.2, w/o); 31 on 2027-05-10: 105 -> 99.
    profile = {key: value for key, value in SINGLE.items() if key != "age"} | {"birth_date": "1996-05-10"}
    line = _timeline(profile, "2026-01-01")
    assert line["total"] == 379
    assert [(event["on"], event["total"], event["delta"]) for event in line["events"]] == [
        ("2026-05-10", 374, -5),
        ("2027-05-10", 368, -6),
    ]
    assert _event(line, "2026-05-10") == {
        "on": "2026-05-10",
        "total": 374,
        "delta": -5,
        "why": ["turns 30", "age: 110 to 105 points"],
        "lines": {"core.age": -5},
        "gained": [],
        "lost": [],
        "in_pool": False,
    }
    totals = {month["on"]: month["total"] for month in line["months"]}
    assert len(totals) == 24
    assert (totals["2026-05-01"], totals["2026-06-01"], totals["2027-05-01"], totals["2027-06-01"]) == (
        379,
        374,
        374,
        368,
    )
    assert (line["from"], line["until"]) == ("2026-01-01", "2028-01-01")


def test_a_result_stops_counting_two_years_after_its_date() -> None:
    # Single, 35, bachelor's, IELTS 7 / 7 / 8 / 7 (CLB 9 x4) of 2024-06-01, 1 year in Canada
    # (CEC): 77 + 120 + 124 + 40 = 361, transferability 25 + 13 = 38: 399. On 2026-06-01 the result
    # is 2 years old (crs-and-programs.md §2): first-language points 124 -> 0; transferability
    # keeps education with 1 year in Canada (13), loses education with CLB 9+ (25); CEC lost:
    # 399 - 149 = 250.
    profile = {
        "age": 35,
        "marital_status": "never_married",
        "education": "bachelors",
        "canadian_work_years": 1,
        "first_language": {
            "test": "ielts",
            "reading": 7,
            "writing": 7,
            "listening": 8,
            "speaking": 7,
            "test_date": "2024-06-01",
        },
    }
    line = _timeline(profile, "2026-01-01")
    assert line["total"] == 399
    assert line["meets"] == ["cec"]
    assert [event["on"] for event in line["events"]] == ["2026-06-01"]
    event = _event(line, "2026-06-01")
    assert (event["total"], event["delta"], event["lost"], event["in_pool"]) == (250, -149, ["cec"], False)
    assert event["why"][0] == "the first-language result of 2024-06-01 is 2 years old: it no longer counts"
    assert event["lines"] == {
        "core.first_language": -124,
        "transferability.education": -25,
    }


def test_a_spouse_result_stops_counting() -> None:
    # With spouse: the spouse's CLB 7 x4 of 2024-09-30 gives 3 x 4 = 12 until 2026-09-30.
    profile = {
        "age": 30,
        "marital_status": "married",
        "spouse_accompanying": True,
        "education": "bachelors",
        "first_language": CLB9,
        "spouse_language": {
            **CLB9,
            "reading": 7,
            "writing": 7,
            "listening": 7,
            "speaking": 7,
            "test_date": "2024-09-30",
        },
    }
    line = _timeline(profile, "2026-01-01")
    event = _event(line, "2026-09-30")
    assert (event["delta"], event["lines"]) == (-12, {"spouse.language": -12})
    assert event["why"][0] == "the spouse's language result of 2024-09-30 is 2 years old: it no longer counts"


def test_an_open_canadian_job_adds_its_first_year() -> None:
    # An open full-time Canadian job from 2025-03-01: the engine counts work in hours
    # (rules/eligibility/work.py: 30 hours a week counted, 1,560 hours = 1 year, both ends of a
    # job inclusive), so the first year is complete after 52 weeks, on 2026-02-27 (364 days);
    # issue 11 expects the calendar anniversary, 2026-03-01 (see the report). That day: core 0 -> 40
    # (w/o), transferability education T1 25 + 13; CEC gained.
    profile = {
        **SINGLE,
        "age": 28,
        "primary_noc": "21231",
        "work_history": [{"noc": "21231", "start": "2025-03-01", "hours_per_week": 37.5, "in_canada": True}],
    }
    line = _timeline(profile, "2026-01-01")
    first = line["events"][0]
    assert (first["on"], first["delta"], first["gained"]) == ("2026-02-27", 53, ["cec"])
    assert first["lines"] == {"core.canadian_work": 40, "transferability.education": 13}
    assert first["why"][0] == "1 year of Canadian skilled work counted (work history)"
    declared = {**profile, "work_history": [], "canadian_work_years": 1}
    (scored,) = score_profiles([RawProfile(declared)], datetime.date(2026, 2, 27))
    assert scored["total"] == first["total"]
    second = next(event for event in line["events"] if event["on"].startswith("2027-02"))
    assert (second["on"], second["delta"]) == ("2027-02-26", 13 + 12)


def test_the_profile_leaves_the_pool_twelve_months_after_it_was_submitted() -> None:
    profile = {**SINGLE, "canadian_work_years": 1, "submitted_at": "2025-09-15T10:00:00Z"}
    line = _timeline(profile, "2026-01-01")
    assert line["in_pool"] is True
    assert line["events"] == [
        {
            "on": "2026-09-15",
            "total": line["total"],
            "delta": 0,
            "why": ["leaves the pool at 2026-09-15T10:00:00Z: 12 months after it was submitted"],
            "lines": {},
            "gained": [],
            "lost": [],
            "in_pool": False,
        }
    ]
    in_pool = {month["on"]: month["in_pool"] for month in line["months"]}
    assert (in_pool["2026-09-01"], in_pool["2026-10-01"]) == (True, False)


def test_a_profile_submitted_inside_the_window_enters_the_pool_that_day() -> None:
    profile = {**SINGLE, "canadian_work_years": 1, "submitted_at": "2026-03-10T23:30:00-05:00"}
    line = _timeline(profile, "2026-01-01")
    assert line["in_pool"] is False
    # 23:30 in UTC-5 is 04:30 UTC on 2026-03-11: a day is a UTC day.
    assert [(event["on"], event["in_pool"], event["why"]) for event in line["events"]] == [
        ("2026-03-11", True, ["enters the pool: submitted at 2026-03-11T04:30:00Z"]),
        ("2027-03-11", False, ["leaves the pool at 2027-03-11T04:30:00Z: 12 months after it was submitted"]),
    ]


def test_a_change_of_the_law_on_its_day() -> None:
    # 2025-03-25: arranged-employment points removed (crs-and-programs.md §5): an offer in TEER
    # 0 major group 00 loses its 200 points that day.
    profile = {**SINGLE, "job_offer": "teer0_major_group_00"}
    line = _timeline(profile, "2025-01-01", months=6)
    event = _event(line, "2025-03-25")
    assert (event["delta"], event["lines"]) == (-200, {"additional.arranged_employment": -200})
    assert event["why"][0].startswith("the law changes on 2025-03-25: ")
    assert "crs.additional.arranged_employment" in event["why"][0]


def test_errors_are_those_of_score_on_the_first_day() -> None:
    born_later = {
        "birth_date": "2026-03-01",
        "marital_status": "never_married",
        "education": "bachelors",
        "first_language": CLB9,
        "id": "later",
    }
    start = datetime.date(2026, 1, 1)
    lines = timeline_profiles([RawProfile(born_later), RawProfile({"id": 3})], start, 24, require_id=True)
    scored = score_profiles([RawProfile(born_later), RawProfile({"id": 3})], start, require_id=True)
    assert lines == scored
    assert lines[0] == {
        "id": "later",
        "error": {"field": "birth_date", "message": "2026-03-01 is after the scoring date 2026-01-01"},
    }


# --- day by day -------------------------------------------------------------------------------

START = datetime.date(2027, 12, 1)
MONTHS = 4  # through 2028-03-31: 29 February 2028, and the first of March on both sides
NOCS = ("31301", "72310", "21231", "31102", "63200")


def _edge_day(generator: random.Random, year: int) -> datetime.date:
    """A day within a few days of the end of February (where windows of whole years differ)."""
    return datetime.date(year, 2, 20) + datetime.timedelta(days=generator.randint(0, 14))


def career(generator: random.Random, number: int) -> dict[str, Any]:
    """A profile whose jobs start and end around the end of February of earlier years, so that
    they cross the first days of their work windows (3, 5, 10 years) around 29 February 2028."""
    jobs: list[dict[str, Any]] = []
    for _ in range(generator.randint(1, 3)):
        start = _edge_day(generator, generator.randint(2016, 2026))
        end: datetime.date | None = _edge_day(generator, generator.randint(start.year + 1, start.year + 4))
        if end is not None and end >= START:
            end = None
        jobs.append(
            {
                "noc": generator.choice(NOCS),
                "start": start.isoformat(),
                "end": end.isoformat() if end else None,
                "hours_per_week": generator.choice((10, 15, 20, 25, 30, 37.5, 45)),
                "in_canada": generator.random() < 0.6,
            }
        )
    partnered = generator.random() < 0.4
    return {
        "id": f"career-{number}",
        "birth_date": _edge_day(generator, generator.randint(1980, 2000)).isoformat(),
        "marital_status": "married" if partnered else "never_married",
        "spouse_accompanying": partnered,
        "education": generator.choice(("secondary", "two_year_post_secondary", "bachelors", "masters")),
        "first_language": {
            "test": "clb",
            **{
                ability: generator.choice((5, 7, 8, 9, 10))
                for ability in ("reading", "writing", "listening", "speaking")
            },
            "test_date": "2027-06-01",
        },
        "certificate_of_qualification": generator.random() < 0.3,
        "settlement_funds_cad": 60000,
        "primary_noc": jobs[0]["noc"],
        "work_history": jobs,
    }


def _met(line: dict[str, Any]) -> set[str]:
    decisions = {**line["programs"], **line["categories"]}
    return {key for key, decision in decisions.items() if decision["eligible"]}


def test_every_day_equals_scoring_on_that_day() -> None:
    generator = random.Random(2028)
    profiles = [career(generator, number) for number in range(40)]
    raw = [RawProfile(profile) for profile in profiles]
    lines = timeline_profiles(raw, START, MONTHS, require_id=True)
    assert all("error" not in line for line in lines)
    states = [(line["total"], set(line["meets"])) for line in lines]
    events = [{event["on"]: event for event in line["events"]} for line in lines]
    changed_at_the_edge = 0
    day = START
    while day < datetime.date(2028, 4, 1):
        for index in range(len(profiles)):
            event = events[index].get(day.isoformat())
            if event is not None:
                meets = (states[index][1] | set(event["gained"])) - set(event["lost"])
                states[index] = (event["total"], meets)
                changed_at_the_edge += datetime.date(2028, 2, 26) <= day <= datetime.date(2028, 3, 3)
        scored = score_profiles(raw, day, require_id=True)
        decided = eligibility_profiles(raw, day, require_id=True)
        for index, profile in enumerate(profiles):
            assert states[index] == (scored[index]["total"], _met(decided[index])), (profile, day)
        day += datetime.timedelta(days=1)
    assert changed_at_the_edge >= 5


def test_chunks_of_profiles_give_the_same_timelines(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = random.Random(7)
    raw = [RawProfile(career(generator, number)) for number in range(6)]
    whole = timeline_profiles(raw, START, 3, require_id=True)
    monkeypatch.setattr(timeline_service, "ROWS_PER_PASS", 200)
    assert timeline_profiles(raw, START, 3, require_id=True) == whole


def test_a_rule_overlay_is_a_change_of_the_law_on_its_date_even_after_the_law_was_read() -> None:
    """The law's dates are read once per tree: a timeline under an overlay, in a process that
    already drew one under the law, still sees the overlay's date (mid-month, so no other candidate
    day falls on it). The sample profile (married, 3 years of Canadian work) gets 80 points for
    them from 2027-01-15 instead of 56."""
    import json
    from pathlib import Path

    from openentry import rules
    from openentry.rules.overlay import parse_overlay

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    profile = json.loads((examples / "profile.json").read_text(encoding="utf-8"))
    start = datetime.date(2026, 12, 1)
    [law] = timeline_profiles([RawProfile(profile)], start, 3)
    assert [event["on"] for event in law["events"]] == []  # type: ignore[union-attr]
    text = (examples / "overlays" / "canadian_work.yaml").read_text(encoding="utf-8")
    overlay = parse_overlay(text.replace("2027-01-01", "2027-01-15").encode(), "mid-month.yaml")
    with rules.using_tree(overlay.tree):
        [changed] = timeline_profiles([RawProfile(profile)], start, 3)
    assert changed["events"] == [
        {
            "on": "2027-01-15",
            "total": 507,
            "delta": 24,
            "why": [
                "the law changes on 2027-01-15: crs.core.canadian_work",
                "Canadian work experience: 56 to 80 points",
            ],
            "lines": {"core.canadian_work": 24},
            "gained": [],
            "lost": [],
            "in_pool": False,
        }
    ]


def test_a_profile_out_of_the_pool_already_does_not_leave_it_again() -> None:
    """maria-santos, submitted 2025-06-02, is out of the pool from 2026-06-02 (12 months); when
    her first-language result expires on 2027-04-26 she stops meeting every program, said as
    such, not as leaving the pool."""
    import json
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    profile = json.loads((examples / "profile.json").read_text(encoding="utf-8"))
    [line] = timeline_profiles([RawProfile(profile)], datetime.date(2027, 4, 1), 1)
    [event] = [event for event in line["events"] if event["on"] == "2027-04-26"]  # type: ignore[union-attr]
    assert event["why"][-2:] == ["no longer meets FSW", "meets none of FSW, CEC, FST"]
    assert event["in_pool"] is False
