"""Nothing from a round's day or later reaches its forecast (issue 12, interfaces.md §8).

Every round, pool distribution and size published on or after CHANGE_DAY is altered (cut-offs
moved, sizes doubled, bands scaled, a round added): no forecast of a round before CHANGE_DAY may
change, and ``forecast next --as-of CHANGE_DAY`` gives the same answer whatever feed is imported
into the history afterwards.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
from importlib import resources
from pathlib import Path

from openentry.forecast.backtest import backtest
from openentry.history.rounds import PoolDistribution, PublishedRound, ScoreBand
from tests.forecast.conftest import Invoke

CHANGE_DAY = datetime.date(2025, 6, 1)
START = datetime.date(2025, 1, 1)
ADDED_ROUND = "999"


def _scaled(pool: PoolDistribution | None) -> PoolDistribution | None:
    if pool is None:
        return None
    bands = tuple(ScoreBand(band.low, band.high, band.count * 3 // 2) for band in pool.bands)
    return dataclasses.replace(pool, bands=bands, total=sum(band.count for band in bands))


def altered(rounds: list[PublishedRound]) -> list[PublishedRound]:
    """The rounds with everything on or after CHANGE_DAY changed, and one round added that day."""
    changed = [
        dataclasses.replace(
            item,
            cutoff=None if item.cutoff is None else item.cutoff + 37,
            invitations=None if item.invitations is None else item.invitations * 2,
            pool=_scaled(item.pool),
        )
        if item.date >= CHANGE_DAY
        else item
        for item in rounds
    ]
    model = next(item for item in rounds if item.date >= CHANGE_DAY and item.type.program == "cec")
    added = dataclasses.replace(model, number=ADDED_ROUND, date=CHANGE_DAY, invitations=9000, cutoff=470)
    return [*changed, added]


def test_later_rounds_change_no_earlier_forecast(rounds: list[PublishedRound]) -> None:
    for given_size in (True, False):
        original = backtest(rounds, START, given_size=given_size, calibrate=False)
        changed = backtest(altered(rounds), START, given_size=given_size, calibrate=False)
        before = [item for item in original.rounds if item.date < CHANGE_DAY]
        assert len(before) == 16  # #331-#347 less #344, the first education round
        assert [item for item in changed.rounds if item.date < CHANGE_DAY] == before
        # The alteration does reach the forecasts after it (the test would be empty otherwise).
        after = [item.predicted for item in original.rounds if item.date >= CHANGE_DAY]
        assert [item.predicted for item in changed.rounds if item.date > CHANGE_DAY] != after


def _altered_csv(path: Path) -> None:
    text = resources.files("openentry.data").joinpath("ee_rounds.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        if row["date"] >= CHANGE_DAY.isoformat() and row["crs_cutoff"]:
            row["crs_cutoff"] = str(int(row["crs_cutoff"]) - 25)
            row["invitations"] = str(int(row["invitations"]) * 3)
    added = dict(next(row for row in rows if row["date"] >= CHANGE_DAY.isoformat()))
    added.update(draw_number=ADDED_ROUND, date=CHANGE_DAY.isoformat(), invitations="7000", crs_cutoff="455")
    added["draw_datetime"] = f"{CHANGE_DAY.isoformat()}T12:00:00Z"
    rows.append(added)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_next_as_of_is_the_same_whatever_is_imported_after(invoke: Invoke, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    before_import = invoke("forecast", "next", "--as-of", CHANGE_DAY.isoformat(), "--json", database=database)
    latest_before = invoke("forecast", "next", "--as-of", "2026-08-20", "--json", database=database)
    _altered_csv(tmp_path / "newer.csv")
    imported = invoke("history", "import", str(tmp_path / "newer.csv"), "--json", database=database)
    assert imported.status == 0
    report = imported.json()
    assert isinstance(report, dict) and report["added"] == [ADDED_ROUND]
    after_import = invoke("forecast", "next", "--as-of", CHANGE_DAY.isoformat(), "--json", database=database)
    assert (before_import.status, after_import.status) == (0, 0)
    assert after_import.out == before_import.out
    # The import is read: a forecast after the changed rounds differs.
    latest_after = invoke("forecast", "next", "--as-of", "2026-08-20", "--json", database=database)
    assert latest_after.out != latest_before.out
