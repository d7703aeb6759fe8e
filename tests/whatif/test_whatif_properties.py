"""Properties of ``openentry whatif`` over hypothesis profiles on days across every era.

1. Applying a change's ``edits`` to the profile and scoring it on the same day gives the change's
   ``total`` (interfaces.md §7); its gain is that total less the profile's; every listed change
   gains at least a point; the programs and categories it says it gains or loses are those
   ``openentry eligibility`` finds before and after the edits.
2. The best change is never beaten by any single change of issue 11's list, each built here by
   brute force from its own definition and scored by the plain reference implementation
   (tests/reference/crs_reference.py): the two lists hold the same changes with the same gains.
"""

from __future__ import annotations

import datetime
import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings

from openentry import rules
from openentry.rules import codes
from openentry.services.eligibility import eligibility_profiles
from openentry.services.scoring import RawProfile, score_profiles
from openentry.services.whatif import apply_edits, whatif_profiles
from tests.reference.crs_reference import ability_level, reference_score
from tests.strategies import dated_profile, seeded_case


def _met(line: dict[str, Any]) -> set[str]:
    programs = line["programs"]
    categories = line["categories"]
    return {key for key, decision in (*programs.items(), *categories.items()) if decision["eligible"]}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_profile())
def test_applying_the_edits_gives_the_total(case: tuple[datetime.date, dict[str, Any]]) -> None:
    on, profile = case
    (line,) = whatif_profiles([RawProfile(profile)], on)
    (scored,) = score_profiles([RawProfile(profile)], on)
    if "error" in scored:
        assert line == {"id": None, "error": scored["error"]}
        return
    assert line["total"] == scored["total"]
    changes = [*line["changes"], *line["eligibility_only"]]
    assert [change["gain"] for change in line["changes"]] == sorted(
        (change["gain"] for change in line["changes"]), reverse=True
    )
    assert all(change["gain"] >= 1 for change in line["changes"])
    assert all(change["gain"] == 0 and change["eligibility"]["gained"] for change in line["eligibility_only"])
    edited = [RawProfile(apply_edits(profile, change["edits"])) for change in changes]
    for change, result in zip(changes, score_profiles(edited, on), strict=True):
        assert result["total"] == change["total"] == line["total"] + change["gain"], change
    before, *after = eligibility_profiles([RawProfile(profile), *edited], on)
    for change, decided in zip(changes, after, strict=True):
        assert set(change["eligibility"]["gained"]) == _met(decided) - _met(before), change
        assert set(change["eligibility"]["lost"]) == _met(before) - _met(decided), change
        assert change["fsw_points"] == decided["programs"]["fsw"]["points"]


# --- brute force ------------------------------------------------------------------------------


def _scores(test: str, ability: str, test_date: str | None, on: datetime.date) -> list[float]:
    """Every score of one ability of a test, lowest first (the scale the parameter files declare
    for the table of the result's date)."""
    day = datetime.date.fromisoformat(test_date) if test_date else on
    table = next(
        era.table
        for era in reversed(rules.at(on).language.tests[test])
        if era.effective <= day and era.table is not None
    )
    return table.abilities[codes.ABILITIES.index(ability)].grid.tolist()


def _lowest_reaching(result: dict[str, Any], ability: str, level: int, on: datetime.date) -> float | None:
    for score in _scores(result["test"], ability, result.get("test_date"), on):
        if ability_level({**result, ability: score}, ability) >= level:
            return score
    return None


def _all_four(slot: str, result: dict[str, Any], level: int, on: datetime.date) -> dict[str, Any] | None:
    edits: dict[str, Any] = {}
    for ability in codes.ABILITIES:
        if ability_level(result, ability) >= level:
            continue
        score = _lowest_reaching(result, ability, level, on)
        if score is None:
            return None
        edits[f"{slot}.{ability}"] = score
    return edits or None


def _added(french: bool, level: int, on: datetime.date) -> dict[str, Any]:
    levels = dict.fromkeys(codes.ABILITIES, level)
    return {"test": "nclc" if french else "clb", **levels, "test_date": on.isoformat()}


def brute_force_changes(profile: dict[str, Any], on: datetime.date) -> list[tuple[dict[str, Any], int]]:
    """Every single change of issue 11's list, each by its own definition, with its gain."""
    base = reference_score(profile, on)["total"]

    def gain(edits: dict[str, Any]) -> int:
        return int(reference_score(apply_edits(profile, edits), on)["total"]) - base

    changes: list[tuple[dict[str, Any], int]] = []

    def first_gaining(candidates: list[dict[str, Any]]) -> None:
        for edits in candidates:
            if gain(edits) >= 1:
                changes.append((edits, gain(edits)))
                return

    first = profile["first_language"]
    first_is_french = first["test"] in codes.FRENCH_TESTS
    # Each first-language ability raised to the next level that earns points: the lowest score
    # above its own that gains.
    for ability in codes.ABILITIES:
        scores = _scores(first["test"], ability, first.get("test_date"), on)
        first_gaining([{f"first_language.{ability}": score} for score in scores if score > first[ability]])
    for level in (9, 10):
        edits = _all_four("first_language", first, level, on)
        if edits is not None:
            changes.append((edits, gain(edits)))
    second = profile.get("second_language")
    for level in (5, 7, 9):
        if second is None:
            edits = {"second_language": _added(not first_is_french, level, on)}
        else:
            edits = _all_four("second_language", second, level, on)  # type: ignore[assignment]
        if edits is not None:
            changes.append((edits, gain(edits)))
    position = codes.EDUCATION_LEVELS.index(profile["education"])
    first_gaining([{"education": level} for level in codes.EDUCATION_LEVELS[position + 1 :]])
    position = codes.CANADIAN_EDUCATION_LEVELS.index(profile.get("canadian_education", "none"))
    for level in codes.CANADIAN_EDUCATION_LEVELS[position + 1 :]:
        changes.append(({"canadian_education": level}, gain({"canadian_education": level})))
    if profile.get("canadian_work_years", 0) < 10:
        edits = {"canadian_work_years": profile.get("canadian_work_years", 0) + 1}
        changes.append((edits, gain(edits)))
    if profile["marital_status"] in ("married", "common_law"):
        spouse = profile.get("spouse_language")
        for level in (5, 7, 9):
            if spouse is None:
                edits = {"spouse_language": _added(first_is_french, level, on)}
            else:
                edits = _all_four("spouse_language", spouse, level, on)  # type: ignore[assignment]
            if edits is not None:
                changes.append((edits, gain(edits)))
        position = codes.EDUCATION_LEVELS.index(profile.get("spouse_education", "less_than_secondary"))
        first_gaining([{"spouse_education": level} for level in codes.EDUCATION_LEVELS[position + 1 :]])
        if profile.get("spouse_canadian_work_years", 0) < 10:
            edits = {"spouse_canadian_work_years": profile.get("spouse_canadian_work_years", 0) + 1}
            changes.append((edits, gain(edits)))
    if not profile.get("provincial_nomination", False):
        changes.append(({"provincial_nomination": True}, gain({"provincial_nomination": True})))
    if second is not None:
        edits = {"first_language": second, "second_language": first}
        changes.append((edits, gain(edits)))
    return changes


def _key(edits: dict[str, Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {name: plain(item) for name, item in value.items() if item is not None}
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    return json.dumps(plain(edits), sort_keys=True)


def test_the_best_change_is_never_beaten() -> None:
    generator = random.Random(11)
    checked = 0
    for _ in range(40):
        on, profile = seeded_case(generator)
        (line,) = whatif_profiles([RawProfile(profile)], on)
        if "error" in line:
            continue
        checked += 1
        brute = [(edits, gain) for edits, gain in brute_force_changes(profile, on) if gain >= 1]
        best = max((gain for _, gain in brute), default=None)
        assert (line["changes"][0]["gain"] if line["changes"] else None) == best, (on, profile)
        assert {(_key(edits), gain) for edits, gain in brute} == {
            (_key(change["edits"]), change["gain"]) for change in line["changes"]
        }, (on, profile)
    assert checked >= 30
