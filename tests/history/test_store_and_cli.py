"""The database store (SQLite and PostgreSQL) and the ``openentry history`` commands."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from typer.testing import CliRunner

from openentry.cli.main import app
from openentry.db import open_database
from openentry.history.feed import BUNDLED_FEED, bundled_feed
from openentry.history.store import import_history, import_rounds, load_catalogue

FEED_PATH = Path(__file__).parents[2] / "src" / "openentry" / "data" / BUNDLED_FEED
runner = CliRunner()


def test_first_use_loads_438_rounds_and_feed_imports_are_idempotent(database_url: str) -> None:
    engine = open_database(database_url)
    catalogue = load_catalogue(engine)
    assert len(catalogue) == 438
    stored = catalogue.get("327")
    assert stored is not None
    assert (
        stored.published_values() == next(r for r in bundled_feed() if r.number == "327").published_values()
    )
    first = import_rounds(engine, bundled_feed(), "feed")
    assert first.is_empty
    assert first.unchanged == 435
    corrected = [
        dataclasses.replace(published, cutoff=464) if published.number == "327" else published
        for published in bundled_feed()
    ]
    report = import_rounds(engine, corrected, "newer feed")
    assert [change.as_dict() for change in report.changes] == [
        {"round": "327", "field": "cutoff", "old": 463, "new": 464}
    ]
    assert import_rounds(engine, corrected, "newer feed again").is_empty
    assert len(load_catalogue(engine)) == 438
    assert load_catalogue(engine).get("327").cutoff == 464  # type: ignore[union-attr]
    log = import_history(engine)
    assert [(entry["source"], entry["added"], entry["changed"]) for entry in log] == [
        ("bundled ee_rounds.csv", 438, 0),
        ("bundled oinp_draws.csv", 57, 0),
        ("newer feed", 0, 1),
    ]
    assert log[2]["changes"] == [{"round": "327", "field": "cutoff", "old": 463, "new": 464}]
    engine.dispose()


def test_show_327_json(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    result = runner.invoke(app, ["history", "show", "327", "--json", "--db", database])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert {
        key: shown[key]
        for key in (
            "number",
            "date",
            "name",
            "kind",
            "program",
            "category",
            "list_version",
            "invitations",
            "cutoff",
            "tiebreak",
        )
    } == {
        "number": 327,
        "date": "2024-11-20",
        "name": "Healthcare occupations (Version 1)",
        "kind": "category",
        "program": None,
        "category": "healthcare",
        "list_version": 1,
        "invitations": 3000,
        "cutoff": 463,
        "tiebreak": "2024-10-21T16:12:39Z",
    }
    assert shown["pool"]["as_of"] == "2024-11-18"
    assert shown["pool"]["total"] == 218167
    assert shown["pool"]["bands"][0] == {"from": 601, "to": 1200, "count": 100}


def test_show_unknown_round_is_a_usage_error(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    result = runner.invoke(app, ["history", "show", "9999", "--json", "--db", database])
    assert result.exit_code != 0
    assert str(result.exception) == (
        "round '9999' is neither a published round (known: #1 to #437) nor an Ontario draw id "
        "(on-YYYY-MM-DD-stream-…, see history list --kind provincial)"
    )


def test_import_twice_via_the_command_changes_nothing(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    result = runner.invoke(app, ["history", "import", str(FEED_PATH), "--json", "--db", database])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["added"], report["changed"], report["unchanged"]) == ([], [], 435)
    assert report["absent_from_feed"] == ["435", "436", "437"]


def test_check_command_prints_one_line_per_profile(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    profile = {
        "id": "a",
        "submitted_at": "2023-01-05T10:00:00Z",
        "age": 20,
        "marital_status": "never_married",
        "education": "masters",
        "first_language": {"test": "clb", "reading": 10, "writing": 10, "listening": 10, "speaking": 10},
        "canadian_work_years": 2,
    }
    result = runner.invoke(
        app, ["history", "check", "-", "--round", "247", "--db", database], input=json.dumps(profile)
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "id": "a",
        "round": 247,
        "invited": True,
        "qualified": True,
        "crs": 484,
        "reasons": ["CRS 484 on 2023-04-26 is above the cut-off 483 by 1"],
    }


def test_stats_above_counts_from_the_published_bands(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    result = runner.invoke(
        app, ["history", "stats", "--above", "465", "--on", "2024-11-20", "--json", "--db", database]
    )
    assert result.exit_code == 0, result.output
    # Pool as on 2024-11-18 (round #327): 100 + 16,495 + 12,208 + 12,318 + 15,238 above 470;
    # 13,141 in 461-470.
    assert json.loads(result.stdout) == {
        "crs": 465,
        "round": "327",
        "as_of": "2024-11-18",
        "above_at_least": 56359,
        "above_at_most": 69500,
        "above_estimate": 56359 + round(13141 * 5 / 10),
        "exact": False,
        "pool_total": 218167,
        "band": {"from": 461, "to": 470},
    }


def test_stats_above_a_band_edge_is_exact(tmp_path: Path) -> None:
    """Above 500 is the bands from 501 up: round #327's pool (as on 2024-11-18) had 100 in 601-1200
    and 16,495 in 501-600, so 16,595 exactly (issue 9, defect 9)."""
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    arguments = ["history", "stats", "--above", "500", "--on", "2024-11-20", "--db", database]
    result = runner.invoke(app, [*arguments, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "crs": 500,
        "round": "327",
        "as_of": "2024-11-18",
        "above_at_least": 16595,
        "above_at_most": 16595,
        "above_estimate": 16595,
        "exact": True,
        "pool_total": 218167,
        "band": {"from": 491, "to": 500},
    }
    text = runner.invoke(app, arguments)
    assert text.stdout == (
        "CRS 500: 16,595 candidates above (exact: the bands from 501 up) of 218,167 in the pool "
        "as on 2024-11-18 (published with round #327)\n"
    )
    # One point lower is inside 491-500: a range again.
    inside = json.loads(runner.invoke(app, ["history", "stats", "--above", "499", "--on", "2024-11-20",
                                            "--json", "--db", database]).stdout)
    assert (inside["above_at_least"], inside["exact"]) == (16595, False)
    assert inside["above_at_most"] > 16595


def test_above_every_edge_of_a_published_pool() -> None:
    from openentry.history.feed import bundled_rounds
    from openentry.history.pool import candidates_above

    pool = next(item.pool for item in bundled_rounds() if item.number == "327")
    assert pool is not None
    for band in pool.bands:
        answer = candidates_above(pool, band.high, "327")
        expected = sum(other.count for other in pool.bands if other.low > band.high)
        assert (answer.at_least, answer.at_most, answer.estimate, answer.exact) == (
            expected, expected, expected, True), band
    assert candidates_above(pool, 1200, "327").at_most == 0
    assert candidates_above(pool, 0, "327").exact is False


def test_yearly_invitations_match_the_published_annual_totals() -> None:
    # shared/data/SOURCES.md: annual ITA totals 2015-2022 from an independent page.
    from openentry.history.feed import bundled_rounds
    from openentry.history.stats import totals_by_period

    by_year: dict[str, int] = {}
    for total in totals_by_period(bundled_rounds(), by="year"):
        by_year[total.period] = by_year.get(total.period, 0) + total.invitations
    assert [by_year[str(year)] for year in range(2015, 2023)] == [
        31063,
        33782,
        86023,
        89800,
        85300,
        107350,
        114224,
        46539,
    ]
