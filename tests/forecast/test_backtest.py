"""``openentry forecast backtest`` (interfaces.md §8): its JSON, and the model against the last
cut-off of the same kind over the published rounds 2023-01-01 to 2026-08-19."""

from __future__ import annotations

import datetime

import pytest

from openentry.forecast.backtest import Backtest, backtest
from openentry.forecast.kinds import key_of
from openentry.history.rounds import PublishedRound
from tests.forecast.conftest import Invoke

START = datetime.date(2023, 1, 1)
END = datetime.date(2026, 8, 19)


@pytest.fixture(scope="module")
def given_size(rounds: list[PublishedRound]) -> Backtest:
    return backtest(rounds, START, END, given_size=True, calibrate=False)


@pytest.fixture(scope="module")
def size_forecast(rounds: list[PublishedRound]) -> Backtest:
    return backtest(rounds, START, END, given_size=False, calibrate=False)


def test_the_json_of_the_backtest(invoke: Invoke) -> None:
    ran = invoke(
        "forecast",
        "backtest",
        "--from",
        "2023-01-01",
        "--to",
        "2026-08-19",
        "--given-size",
        "--no-calibration",
        "--json",
    )
    assert (ran.status, ran.err) == (0, "")
    result = ran.json()
    assert isinstance(result, dict)
    assert set(result) >= {"rounds", "mae", "baseline_mae"}
    rounds = result["rounds"]
    assert isinstance(rounds, list) and len(rounds) == 190
    first = rounds[0]
    assert {key: first[key] for key in ("round", "kind", "predicted", "actual")} == {
        "round": 237,
        "kind": "general",
        "predicted": 506,
        "actual": 507,
    }
    for item in rounds:
        assert isinstance(item["round"], int) and isinstance(item["kind"], str)
        assert isinstance(item["predicted"], int) and isinstance(item["actual"], int)
    mae, baseline = result["mae"], result["baseline_mae"]
    assert isinstance(mae, dict) and isinstance(baseline, dict)
    assert list(mae) == list(baseline)
    assert list(mae)[:2] == ["all", "non_pnp"]
    assert set(mae) - {"all", "non_pnp"} == {item["kind"] for item in rounds}
    assert baseline["non_pnp"] == 16.42
    assert result["calibration"] is None


def test_the_model_beats_the_last_cutoff_with_the_size_given(given_size: Backtest) -> None:
    assert given_size.counts()["non_pnp"] == 131
    assert given_size.baseline_mae["non_pnp"] == 16.42
    assert given_size.mae["non_pnp"] < given_size.baseline_mae["non_pnp"]
    # CEC, the largest kind, at about half the baseline's error.
    assert given_size.mae["cec"] < 0.6 * given_size.baseline_mae["cec"]


def test_the_model_beats_the_last_cutoff_with_the_size_forecast(size_forecast: Backtest) -> None:
    assert size_forecast.counts()["non_pnp"] == 131
    assert size_forecast.baseline_mae["non_pnp"] == 16.42
    assert size_forecast.mae["non_pnp"] < size_forecast.baseline_mae["non_pnp"]
    coverage = size_forecast.interval_coverage()
    assert coverage is not None and 0.5 < coverage <= 1.0


def test_the_baseline_is_the_last_cutoff_of_the_same_kind(
    given_size: Backtest, rounds: list[PublishedRound]
) -> None:
    by_number = {item.number: item for item in rounds}
    for item in given_size.rounds:
        described = by_number[item.number].type
        earlier = [
            other.cutoff
            for other in rounds
            if other.date < item.date
            and other.cutoff is not None
            and (other.type.kind, other.type.program, other.type.category)
            == (described.kind, described.program, described.category)
        ]
        assert item.baseline == earlier[-1]


def test_first_rounds_of_a_kind_are_listed_apart(given_size: Backtest) -> None:
    firsts = {number: key for number, _day, key in given_size.unmatched}
    assert firsts["252"] == "healthcare"  # the first category round (2023-06-28)
    assert "297" not in firsts  # CEC rounds were held before 2023: #297 has a baseline
    assert "297" in {item.number for item in given_size.rounds}


def test_calibration_against_the_past_years_frequency(rounds: list[PublishedRound]) -> None:
    result = backtest(rounds, datetime.date(2026, 1, 1), END, given_size=True, calibrate=True)
    calibration = result.calibration
    assert calibration is not None
    assert calibration.origins == 5  # 2026-01-01 to 2026-05-01: the 90 days after each are published
    assert set(calibration.brier) == set(calibration.baseline_brier) == {"30", "90"}
    for value in (*calibration.brier.values(), *calibration.baseline_brier.values()):
        assert 0.0 <= value <= 1.0
    assert calibration.events["30"] == calibration.events["90"] > 0


def test_the_chances_of_one_kind_are_scored_for_that_kind_alone(rounds: list[PublishedRound]) -> None:
    """``--kind`` scores the chances of that kind's rounds only: the kinds' events add up to the
    whole backtest's, and so do their squared errors (Brier x events, to the rounding of 4
    decimals)."""
    start = datetime.date(2026, 1, 1)
    whole = backtest(rounds, start, END, given_size=True, calibrate=True)
    assert whole.calibration is not None
    kinds = {key for key in map(key_of, rounds) if key is not None}
    by_kind = {}
    for key in sorted(kinds, key=str):
        result = backtest(rounds, start, END, given_size=True, calibrate=True, only=key)
        if result.calibration is not None:
            by_kind[key.key] = result.calibration
    assert len(by_kind) >= 3
    for horizon in ("30", "90"):
        assert sum(part.events[horizon] for part in by_kind.values()) == whole.calibration.events[horizon]
        total = sum(part.brier[horizon] * part.events[horizon] for part in by_kind.values())
        whole_total = whole.calibration.brier[horizon] * whole.calibration.events[horizon]
        assert total == pytest.approx(whole_total, abs=0.5)
    assert len({part.brier["30"] for part in by_kind.values()}) > 1
