"""The vectorised scorer equals the plain per-profile reference (tests/reference) on every era."""

from __future__ import annotations

import datetime
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reference.crs_reference import reference_score
from tests.strategies import dated_profile, profile, scoring_day, seeded_case

from openentry.services.scoring import RawProfile, score_profiles

SECTIONS = ("total", "core", "spouse", "transferability", "additional")


def _assert_equal(on: datetime.date, raw: dict[str, object]) -> None:
    result = score_profiles([RawProfile(raw)], on, explain=True)[0]
    assert "error" not in result, result
    expected = reference_score(raw, on)
    assert {name: result[name] for name in SECTIONS} == {name: expected[name] for name in SECTIONS}, raw
    assert result["lines"] == expected["lines"], raw


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_profile())
def test_one_profile_equals_reference(case: tuple[datetime.date, dict[str, object]]) -> None:
    on, raw = case
    _assert_equal(on, raw)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(scoring_day(), st.data())
def test_a_batch_equals_reference_row_by_row(on: datetime.date, data: st.DataObject) -> None:
    """Scoring many profiles at once gives each the score it gets alone."""
    raws = [data.draw(profile(on)) for _ in range(data.draw(st.integers(1, 40)))]
    for index, raw in enumerate(raws):
        raw["id"] = f"p{index}"
    results = score_profiles([RawProfile(raw) for raw in raws], on, require_id=True)
    for raw, result in zip(raws, results, strict=True):
        expected = reference_score(raw, on)
        assert {name: result[name] for name in SECTIONS} == {name: expected[name] for name in SECTIONS}, raw


def test_five_thousand_random_profiles_across_all_eras_agree_exactly() -> None:
    """5,000 seeded profiles on dates across every era, scored in batches per date, equal the reference."""
    generator = random.Random(20261121)
    by_day: dict[datetime.date, list[dict[str, object]]] = {}
    for index in range(5000):
        on, raw = seeded_case(generator)
        raw["id"] = f"case{index}"
        by_day.setdefault(on, []).append(raw)
    mismatches = []
    scored = 0
    for on, raws in by_day.items():
        results = score_profiles([RawProfile(raw) for raw in raws], on, explain=True, require_id=True)
        for raw, result in zip(raws, results, strict=True):
            expected = reference_score(raw, on)
            scored += 1
            if result.get("lines") != expected["lines"] or result.get("total") != expected["total"]:
                mismatches.append((on, raw, result, expected))
    assert scored == 5000
    assert mismatches == []
