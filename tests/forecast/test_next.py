"""``openentry forecast next`` (interfaces.md §8) and the pieces it is made of."""

from __future__ import annotations

import datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hypothesis_numpy

from openentry.forecast.kinds import RoundKey
from openentry.forecast.outlook import _row_cutoffs, outlook
from openentry.forecast.pool import cutoff_for, fit
from openentry.history.rounds import PublishedRound
from tests.forecast.conftest import Invoke

AS_OF = "2026-08-20"


def test_the_next_round_of_each_kind_held_in_the_year(invoke: Invoke, rounds: list[PublishedRound]) -> None:
    ran = invoke("forecast", "next", "--as-of", AS_OF, "--json")
    assert (ran.status, ran.err) == (0, "")
    result = ran.json()
    assert isinstance(result, dict) and result["as_of"] == AS_OF
    forecasts = result["rounds"]
    assert isinstance(forecasts, list)
    year_start = datetime.date(2025, 8, 20)
    held = {
        item.type.program or item.type.category or item.type.kind
        for item in rounds
        if year_start <= item.date < datetime.date(2026, 8, 20)
    }
    assert {item["key"] for item in forecasts} == held
    for item in forecasts:
        assert set(item) >= {
            "kind",
            "program",
            "category",
            "date",
            "size",
            "cutoff",
            "cutoff_low",
            "cutoff_high",
        }
        assert item["kind"] in ("general", "program", "category")
        assert item["cutoff_low"] <= item["cutoff"] <= item["cutoff_high"]
        assert item["date"] >= AS_OF and item["size"] >= 1
    by_key = {item["key"]: item for item in forecasts}
    # PNP: the median of the last six cut-offs (#416 805, #419 730, #423 708, #427 744, #431 768, #435 760).
    assert {key: by_key["pnp"][key] for key in ("kind", "program", "category", "cutoff", "date")} == {
        "kind": "program",
        "program": "pnp",
        "category": None,
        "cutoff": 752,
        "date": "2026-08-31",  # #435 on 2026-08-17 plus the median of the last five gaps, 14 days
    }
    # CEC: the median of its last five sizes (#420 4,000, #424 2,000, #428 2,000, #432 3,000, #436 1,000).
    assert by_key["cec"]["size"] == 2000


def test_the_same_answer_every_time(invoke: Invoke) -> None:
    first = invoke("forecast", "next", "--as-of", AS_OF, "--json")
    again = invoke("forecast", "next", "--as-of", AS_OF, "--json")
    assert first.out == again.out


def test_one_kind_and_the_table(invoke: Invoke) -> None:
    ran = invoke("forecast", "next", "--as-of", AS_OF, "--kind", "cec", "--json")
    result = ran.json()
    assert isinstance(result, dict)
    assert [item["key"] for item in result["rounds"]] == ["cec"]
    table = invoke("forecast", "next", "--as-of", AS_OF, "--kind", "cec")
    assert table.status == 0
    assert "cec" in table.out and "2026-09-01" in table.out


def test_a_cutoff_falls_as_the_size_grows(rounds: list[PublishedRound]) -> None:
    view = fit(rounds, datetime.date(2026, 8, 20))
    kind = outlook(view, RoundKey("program", program="cec"))
    assert kind.share is not None
    stock = kind.share.qualified(view.state.unit_of(kind.key))
    cutoffs = [cutoff_for(stock, size) for size in (500, 1000, 2000, 4000, 8000)]
    assert cutoffs == sorted(cutoffs, reverse=True)
    assert cutoffs[0] > cutoffs[-1]


@settings(max_examples=60, deadline=None)
@given(
    hypothesis_numpy.arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 40)),
        elements=st.floats(0, 1000, allow_nan=False),
    ),
    st.lists(st.floats(0.5, 20000, allow_nan=False), min_size=6, max_size=6),
)
def test_cutoffs_of_many_futures_equal_one_at_a_time(stocks: np.ndarray, sizes: list[float]) -> None:
    wanted = np.array(sizes[: stocks.shape[0]])
    assert _row_cutoffs(stocks, wanted).tolist() == [
        cutoff_for(row, size) for row, size in zip(stocks, wanted, strict=True)
    ]
