"""Bad input to the forecast commands: one line on standard error naming the option, exit 2."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from openentry.forecast.service import ForecastInputError, forecast_next, run_backtest
from tests.forecast.conftest import Invoke, write_profiles

KNOWN = (
    "agriculture, cec, education, french, fst, fsw, general, healthcare, physicians, pnp, senior_managers, "
    "skilled_military, stem, trades, transport"
)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("forecast", "next", "--as-of", "2015-01-20"),
            "--as-of: 2015-01-20 is not after the first published round (#1, 2015-01-31); "
            "a forecast reads only rounds before its day",
        ),
        (
            ("forecast", "next", "--as-of", "2021-06-01"),
            "--as-of: no pool distribution was published before 2021-06-01; "
            "the first came with round #214 on 2022-01-19, so give a day after it",
        ),
        (
            ("forecast", "next", "--as-of", "2026-08-20", "--kind", "foo"),
            f"--kind: 'foo' is not a kind of round in the history; known: {KNOWN}",
        ),
        (
            ("forecast", "next", "--as-of", "2026-08-20", "--kind", "fsw"),
            "--kind: no fsw round in the 12 months before 2026-08-20 (the last was #240 on 2023-02-02); "
            "forecast next covers the kinds held in that year",
        ),
        (("forecast", "next", "--as-of", "2026-13-01"), "--as-of: '2026-13-01' is not a date (YYYY-MM-DD)"),
        (
            ("forecast", "backtest", "--from", "2021-01-01"),
            "--from: no pool distribution was published before 2021-01-01; the first came with round #214 on "
            "2022-01-19, so give a day after it",
        ),
        (
            ("forecast", "backtest", "--from", "2026-01-01", "--to", "2025-01-01"),
            "--to: 2025-01-01 is before --from 2026-01-01",
        ),
        (
            ("forecast", "backtest", "--from", "2027-01-01"),
            "--from: 2027-01-01 is after the last published round (#437, 2026-08-19)",
        ),
        (
            ("forecast", "backtest", "--kind", "bar"),
            f"--kind: 'bar' is not a kind of round in the history; known: {KNOWN}",
        ),
        (("forecast", "plot", "nothing"), "unknown plot nothing; choose from fan, errors"),
        (("forecast", "plot", "--format", "gif"), "--format: give png, svg or png,svg"),
    ],
)
def test_forecast_usage_errors(invoke: Invoke, arguments: tuple[str, ...], message: str) -> None:
    ran = invoke(*arguments)
    assert (ran.status, ran.out, ran.err) == (2, "", f"openentry: {message}\n")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--months", "0,3"), "--months: '0,3': each must be from 1 to 60 months"),
        (("--months", "a"), "--months: 'a' must be whole numbers of months separated by commas (1,3,6,12)"),
        (
            ("--as-of", "2015-01-02"),
            "--as-of: 2015-01-02 is not after the first published round (#1, 2015-01-31); "
            "a forecast reads only rounds before its day",
        ),
    ],
)
def test_chances_usage_errors(invoke: Invoke, tmp_path: Path, options: tuple[str, ...], message: str) -> None:
    path = write_profiles(tmp_path, "one.jsonl", [{"id": "x", "age": 30}])
    ran = invoke("chances", str(path), *options)
    assert (ran.status, ran.out, ran.err) == (2, "", f"openentry: {message}\n")


def test_chances_of_a_missing_file(invoke: Invoke, tmp_path: Path) -> None:
    ran = invoke("chances", str(tmp_path / "none.json"))
    assert (ran.status, ran.out) == (2, "")
    assert ran.err == f"openentry: cannot read {tmp_path / 'none.json'}: no such file\n"


def test_an_empty_history() -> None:
    message = (
        "the history holds no published round; import IRCC's rounds feed with openentry history import FILE"
    )
    with pytest.raises(ForecastInputError) as raised:
        forecast_next([], datetime.date(2026, 8, 20))
    assert str(raised.value) == message
    with pytest.raises(ForecastInputError) as raised:
        run_backtest([])
    assert str(raised.value) == message
