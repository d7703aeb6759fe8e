"""``openentry chances`` (interfaces.md §8): probabilities in [0, 1], never falling with the months,
high for a provincial nominee, and errors as ``openentry score``."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openentry.forecast.chances import ProfilePath, Simulations, profile_chances
from openentry.forecast.pool import fit
from openentry.history.rounds import PublishedRound
from tests.forecast.conftest import Invoke, write_profiles

CLB9 = {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9}
CANADIAN_GRADUATE = {
    "id": "cec",
    "age": 29,
    "marital_status": "never_married",
    "education": "masters",
    "first_language": {"test": "clb", "reading": 10, "writing": 10, "listening": 10, "speaking": 10},
    "canadian_work_years": 2,
    "foreign_work_years": 3,
}
NOMINEE = {
    "id": "nominee",
    "age": 30,
    "marital_status": "never_married",
    "education": "bachelors",
    "first_language": CLB9,
    "foreign_work_years": 3,
    "settlement_funds_cad": 20000,
    "provincial_nomination": True,
}
MONTHS = ("1", "3", "6", "12")


def test_chances_of_two_profiles(invoke: Invoke, tmp_path: Path) -> None:
    path = write_profiles(tmp_path, "two.jsonl", [CANADIAN_GRADUATE, NOMINEE])
    ran = invoke("chances", str(path), "--as-of", "2026-08-20")
    assert (ran.status, ran.err) == (0, "")
    graduate, nominee = ran.lines()
    assert (graduate["id"], graduate["crs"]) == ("cec", 534)
    assert (nominee["id"], nominee["crs"]) == ("nominee", 1024)
    for line in (graduate, nominee):
        within = line["within"]
        assert isinstance(within, dict) and tuple(within) == MONTHS
        values = [within[month] for month in MONTHS]
        assert all(0.0 <= value <= 1.0 for value in values)
        assert values == sorted(values)
    # A CEC candidate at 534 in August 2026 (CEC cut-offs 508-523 that year): invited within months.
    graduate_within = graduate["within"]
    assert isinstance(graduate_within, dict) and graduate_within["3"] >= 0.9
    kinds = graduate["rounds"]
    assert isinstance(kinds, list)
    assert [item["key"] for item in kinds] == ["cec"]
    assert {key: kinds[0][key] for key in ("kind", "program", "category")} == {
        "kind": "program",
        "program": "cec",
        "category": None,
    }
    nominee_kinds = nominee["rounds"]
    assert isinstance(nominee_kinds, list)
    assert [item["key"] for item in nominee_kinds] == ["pnp"]


@pytest.mark.parametrize("as_of", ["2023-03-01", "2023-09-01", "2024-06-01", "2025-06-01", "2026-08-20"])
def test_a_provincial_nominee_is_invited_within_three_months_in_any_recent_year(
    invoke: Invoke, tmp_path: Path, as_of: str
) -> None:
    path = write_profiles(tmp_path, "nominee.jsonl", [NOMINEE])
    ran = invoke("chances", str(path), "--as-of", as_of)
    assert ran.status == 0
    (line,) = ran.lines()
    within = line["within"]
    assert isinstance(within, dict)
    assert within["3"] >= 0.95


def test_months_asked_for(invoke: Invoke, tmp_path: Path) -> None:
    path = write_profiles(tmp_path, "one.jsonl", [CANADIAN_GRADUATE])
    ran = invoke("chances", str(path), "--as-of", "2026-08-20", "--months", "24,2")
    (line,) = ran.lines()
    within = line["within"]
    assert isinstance(within, dict) and list(within) == ["2", "24"]
    assert within["2"] <= within["24"]


def test_an_invalid_profile_has_its_error_on_its_line(invoke: Invoke, tmp_path: Path) -> None:
    broken = {key: value for key, value in CANADIAN_GRADUATE.items() if key != "marital_status"} | {
        "id": "broken"
    }
    path = write_profiles(tmp_path, "mixed.jsonl", [broken, CANADIAN_GRADUATE])
    ran = invoke("chances", str(path), "--as-of", "2026-08-20")
    assert ran.status == 1
    error, fine = ran.lines()
    assert error == {"id": "broken", "error": {"field": "marital_status", "message": "required"}}
    assert fine["id"] == "cec" and "within" in fine


def test_a_profile_that_leaves_the_pool_is_not_invited_after(invoke: Invoke, tmp_path: Path) -> None:
    """Submitted 2025-09-10: it leaves the pool on 2026-09-10, three weeks into the forecast (the
    timeline says so); its chances stop growing then."""
    leaving = CANADIAN_GRADUATE | {"id": "leaving", "submitted_at": "2025-09-10T00:00:00Z"}
    path = write_profiles(tmp_path, "leaving.jsonl", [leaving, CANADIAN_GRADUATE])
    ran = invoke("chances", str(path), "--as-of", "2026-08-20")
    assert ran.status == 0
    leaves, stays = ran.lines()
    leaves_within, stays_within = leaves["within"], stays["within"]
    assert isinstance(leaves_within, dict) and isinstance(stays_within, dict)
    assert leaves_within["1"] == leaves_within["3"] == leaves_within["12"] < stays_within["12"] == 1.0
    assert leaves_within["1"] <= stays_within["1"]


@pytest.fixture(scope="module")
def simulations(rounds: list[PublishedRound]) -> Simulations:
    return Simulations(fit(rounds, datetime.date(2026, 8, 20)), 366.0)


def _steady(simulations: Simulations, crs: int) -> ProfilePath:
    """A profile at ``crs`` all year that qualifies for every kind held."""
    return ProfilePath(
        days=np.zeros(1),
        totals=np.array([crs]),
        qualifies={key: np.ones(1, dtype=bool) for key in simulations.active},
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(300, 700), st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True))
def test_probabilities_never_fall_with_the_months_nor_the_score(
    simulations: Simulations, crs: int, months: list[int]
) -> None:
    lower = profile_chances(simulations, _steady(simulations, crs), months)["within"]
    higher = profile_chances(simulations, _steady(simulations, crs + 10), months)["within"]
    assert isinstance(lower, dict) and isinstance(higher, dict)
    values = [lower[str(month)] for month in sorted(months)]
    assert values == sorted(values)
    assert all(0.0 <= value <= 1.0 for value in values)
    assert all(higher[key] >= lower[key] for key in lower)
