"""Ontario's Express Entry draws: the bundled data, the store, the commands and the replay.

Replay rules: categories-and-provinces.md §3.1 and §3.5 (stream, interest in Ontario, profile
window, primary NOC on a targeted draw's list, CRS inside the range notified; from 2024-07-25 six
months of experience in the primary NOC for targeted draws). CRS values in these tests were worked
out with the independent reference scorer (tests/reference/crs_reference.py).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openentry.cli.main import app
from openentry.db import open_database
from openentry.history.feed import FeedError
from openentry.history.provincial import (
    BUNDLED_DRAWS_CSV,
    bundled_draws,
    bundled_targets,
    draws_from_csv_rows,
)
from openentry.history.replay import check_all_rounds, check_draw, prepare_profiles
from openentry.history.store import import_draws, import_history, load_catalogue
from openentry.services.scoring import RawProfile

DATA = Path(__file__).parents[2] / "src" / "openentry" / "data"
DRAWS = {draw.number: draw for draw in bundled_draws()}
runner = CliRunner()


def _csv_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DATA / BUNDLED_DRAWS_CSV).read_text(encoding="utf-8"))))


# ---------------------------------------------------------------------------------------- data


def test_bundled_draws_are_the_57_rows_of_the_csv_field_by_field() -> None:
    rows = _csv_rows()
    draws = bundled_draws()
    assert len(draws) == len(rows) == 57
    assert Counter(draw.stream for draw in draws) == {"HCP": 28, "FSSW": 16, "SKILLED_TRADES": 13}
    by_key = {(draw.date.isoformat(), draw.stream, draw.label): draw for draw in draws}
    for row in rows:
        draw = by_key[(row["date"], row["stream"], " ".join(row["draw_label"].split()))]
        assert draw.invitations == (int(row["nois"]) if row["nois"] else None)
        assert draw.crs_min == (int(row["crs_min"]) if row["crs_min"] else None)
        assert draw.crs_max == (int(row["crs_max"]) if row["crs_max"] else None)
        assert (draw.profiles_from.isoformat() if draw.profiles_from else "") == row["profiles_from"]
        assert (draw.profiles_to.isoformat() if draw.profiles_to else "") == row["profiles_to"]
        assert draw.target_noc_count == (int(row["target_nocs"]) if row["target_nocs"] else None)
        assert (draw.source, draw.source_kind) == (row["source"], row["source_kind"])


def test_every_occupation_list_belongs_to_a_bundled_draw() -> None:
    targets = bundled_targets()
    assert set(targets) <= set(DRAWS)
    assert sorted(number for number, draw in DRAWS.items() if draw.targets is not None) == sorted(targets)
    assert DRAWS["on-2020-05-13-hcp-tech"].targets.federal_program == "cec"  # type: ignore[union-attr]
    health = DRAWS["on-2024-02-06-hcp-health"].targets
    assert health is not None
    assert (health.matches("31201"), health.matches("31200"), health.matches("21231")) == (True, False, False)


def test_draw_ids_and_kinds() -> None:
    assert DRAWS["on-2024-03-07-hcp-health"].targeted is True
    assert DRAWS["on-2023-09-21-fssw-general"].targeted is False
    assert DRAWS["on-2024-07-25-hcp"].targeted is None  # the source gives no label
    assert DRAWS["on-2024-10-17-skilled-trades-targeted"].type.stream == "on_skilled_trades"


def test_a_bad_row_names_the_draw_and_the_field() -> None:
    row = dict(_csv_rows()[0], stream="BC_PNP")
    with pytest.raises(FeedError) as caught:
        draws_from_csv_rows([row])
    assert str(caught.value) == (
        "Ontario draw 2018-01-22 BC_PNP: stream 'BC_PNP' is not one of HCP, FSSW, SKILLED_TRADES"
    )
    with pytest.raises(FeedError, match=r"2018-01-22 HCP: crs_min 500 is above crs_max 446"):
        draws_from_csv_rows([dict(_csv_rows()[0], crs_min="500")])
    with pytest.raises(FeedError, match=r"two rows give the id on-2018-01-22-hcp-general"):
        draws_from_csv_rows([_csv_rows()[0], _csv_rows()[0]])


# ----------------------------------------------------------------------------------- the store


def test_first_use_loads_the_draws_and_a_corrected_csv_is_logged(database_url: str) -> None:
    engine = open_database(database_url)
    catalogue = load_catalogue(engine)
    assert len(catalogue.draws) == 57
    assert catalogue.get_draw("on-2024-03-07-hcp-health") == DRAWS["on-2024-03-07-hcp-health"]
    assert import_draws(engine, bundled_draws(), "again").is_empty
    newer = [
        dataclasses.replace(draw, invitations=1250) if draw.number == "on-2024-09-12-hcp-health" else draw
        for draw in bundled_draws()
    ]
    added = dataclasses.replace(
        DRAWS["on-2024-10-17-skilled-trades-targeted"], number="on-2024-11-14-skilled-trades"
    )
    report = import_draws(engine, [*newer, added], "oinp_draws.2026.csv")
    assert report.added == ("on-2024-11-14-skilled-trades",)
    assert [change.as_dict() for change in report.changes] == [
        {"round": "on-2024-09-12-hcp-health", "field": "invitations", "old": None, "new": 1250}
    ]
    assert import_draws(engine, [*newer, added], "oinp_draws.2026.csv").is_empty
    assert len(load_catalogue(engine).draws) == 58
    log = import_history(engine)
    assert [(entry["source"], entry["added"], entry["changed"]) for entry in log][1:] == [
        ("bundled oinp_draws.csv", 57, 0),
        ("oinp_draws.2026.csv", 1, 1),
    ]
    engine.dispose()


# -------------------------------------------------------------------------------- the commands


def test_show_an_ontario_draw_as_json(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    result = runner.invoke(app, ["history", "show", "on-2024-03-07-hcp-health", "--json", "--db", database])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    del shown["targets"]["notes"]
    assert shown == {
        "number": "on-2024-03-07-hcp-health",
        "date": "2024-03-07",
        "name": "Ontario Human Capital Priorities: health (43 NOCs)",
        "kind": "provincial",
        "province": "ON",
        "stream": "on_hcp",
        "label": "health (43 NOCs)",
        "targeted": True,
        "invitations": 2104,
        "invitation_kind": "noi",
        "cutoff": 352,
        "crs_min": 352,
        "crs_max": 421,
        "profiles_from": "2023-03-07",
        "profiles_to": "2024-03-07",
        "target_noc_count": 43,
        "targets": {
            "federal_program": None,
            "nocs": ["3"],
            "except": [],
            "inferred": True,
            "source": "https://thecanadatime.com/ontario-immigration-draw-invites-over/",
        },
        "source": "https://thecanadatime.com/ontario-immigration-draw-invites-over/",
        "source_kind": "news",
        "notes": [],
    }


def test_a_date_prefix_finds_one_draw_or_lists_the_candidates(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    one = runner.invoke(app, ["history", "show", "on-2024-09-12", "--json", "--db", database])
    assert json.loads(one.stdout)["number"] == "on-2024-09-12-hcp-health"
    two = runner.invoke(app, ["history", "show", "on-2023-02-02", "--db", database])
    assert two.exit_code != 0
    assert str(two.exception) == (
        "'on-2023-02-02' names 2 Ontario draws: on-2023-02-02-hcp-health, on-2023-02-02-hcp-tech"
    )


def test_list_filters_by_kind_and_stream(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    provincial = runner.invoke(app, ["history", "list", "--kind", "provincial", "--json", "--db", database])
    lines = [json.loads(line) for line in provincial.stdout.splitlines()]
    assert len(lines) == 57
    assert lines[0]["number"] == "on-2018-01-22-hcp-general"
    french = runner.invoke(app, ["history", "list", "--stream", "on_fssw", "--json", "--db", database])
    assert len(french.stdout.splitlines()) == 16
    day = runner.invoke(
        app, ["history", "list", "--since", "2024-03-07", "--until", "2024-03-07", "--json", "--db", database]
    )
    assert [json.loads(line)["number"] for line in day.stdout.splitlines()] == ["on-2024-03-07-hcp-health"]
    bad = runner.invoke(app, ["history", "list", "--stream", "hcp", "--db", database])
    assert bad.exit_code != 0
    assert str(bad.exception) == "--stream: 'hcp' is not one of on_hcp, on_fssw, on_skilled_trades"


def test_importing_the_draws_csv_twice_changes_nothing(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    path = str(DATA / BUNDLED_DRAWS_CSV)
    result = runner.invoke(app, ["history", "import", path, "--db", database])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip()
        == f"{path}: 57 Ontario draws read; 0 added, 0 corrected (0 fields), 57 unchanged"
    )


def test_stats_count_ontario_notifications_by_stream(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    result = runner.invoke(app, ["history", "stats", "--json", "--db", database])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    ontario_2024 = {
        row["kind"]: row for row in rows if row["period"] == "2024" and row["kind"].startswith("Ontario")
    }
    assert ontario_2024["Ontario HCP"] == {
        "period": "2024",
        "kind": "Ontario HCP",
        "rounds": 8,
        "invitations": 2104 + 2281 + 1240,
        "lowest_cutoff": 352,
        "highest_cutoff": 505,
    }
    assert ontario_2024["Ontario Skilled Trades"]["invitations"] == 2583 + 1277 + 1287 + 1307


# ----------------------------------------------------------------------------------- replay


def _profile(
    identifier: str,
    age: int,
    levels: tuple[int, int, int, int],
    canadian_years: int,
    education: str = "bachelors",
    **changes: object,
) -> dict[str, object]:
    """An Ontario HCP candidate: a nurse working in Canada since a date that gives the years."""
    reading, writing, listening, speaking = levels
    start = {1: "2022-09-05", 2: "2021-12-06"}[canadian_years]
    profile: dict[str, object] = {
        "id": identifier,
        "submitted_at": "2023-06-01T10:00:00Z",
        "age": age,
        "marital_status": "never_married",
        "education": education,
        "first_language": {
            "test": "clb",
            "reading": reading,
            "writing": writing,
            "listening": listening,
            "speaking": speaking,
        },
        "canadian_work_years": canadian_years,
        "primary_noc": "31301",
        "work_history": [
            {"noc": "31301", "start": start, "end": None, "hours_per_week": 37.5, "in_canada": True}
        ],
        "settlement_funds_cad": 20000,
    }
    profile.update(changes)
    return profile


def _check(number: str, *profiles: dict[str, object]) -> list[dict[str, object]]:
    return check_draw(
        DRAWS[number], prepare_profiles([RawProfile(profile) for profile in profiles], require_id=True)
    )


INSIDE = [
    "profile created 2023-06-01, inside the draw's window 2023-03-07 to 2024-03-07",
    "meets the Ontario Human Capital Priorities stream on 2024-03-07",
    "primary NOC 31301 is on the draw's list (list partly inferred, see its source)",
]


def test_health_draw_of_2024_03_07_takes_its_crs_range_inclusive() -> None:
    lowest, below, highest, above = _check(
        "on-2024-03-07-hcp-health",
        _profile("lowest", 37, (9, 8, 8, 8), 1),
        _profile("below", 36, (7, 7, 7, 7), 2),
        _profile("highest", 20, (9, 8, 8, 8), 2),
        _profile("above", 20, (7, 7, 7, 8), 2, education="masters"),
    )
    assert lowest == {
        "id": "lowest",
        "round": "on-2024-03-07-hcp-health",
        "kind": "noi",
        "invited": True,
        "decided": True,
        "crs": 352,
        "reasons": [*INSIDE, "CRS 352 on 2024-03-07 is inside the range notified, 352 to 421"],
    }
    assert (below["invited"], below["decided"], below["crs"]) == (False, True, 351)
    assert below["reasons"] == [
        "CRS 351 on 2024-03-07 is below the lowest score notified, 352, by 1",
        *INSIDE,
    ]
    assert (highest["invited"], highest["crs"]) == (True, 421)
    assert (above["invited"], above["crs"]) == (False, 422)
    assert above["reasons"][0] == (
        "CRS 422 on 2024-03-07 is above the highest score notified, 421, by 1 "
        "(Ontario notified CRS 352 to 421)"
    )


def test_profile_window_interest_in_ontario_and_the_occupation_list_are_each_a_refusal() -> None:
    early, elsewhere, engineer = _check(
        "on-2024-03-07-hcp-health",
        _profile("early", 37, (9, 8, 8, 8), 1, submitted_at="2023-03-06T23:00:00Z"),
        _profile("elsewhere", 37, (9, 8, 8, 8), 1, provinces_of_interest=["BC"]),
        _profile(
            "engineer",
            37,
            (9, 8, 8, 8),
            1,
            primary_noc="21231",
            work_history=[
                {"noc": "21231", "start": "2022-09-05", "end": None, "hours_per_week": 40, "in_canada": True}
            ],
        ),
    )
    assert early["invited"] is False
    assert early["reasons"][:2] == [
        "profile submitted 2023-03-06T23:00:00Z had expired (12 months in the pool) before the draw",
        "profile created 2023-03-06, outside the draw's window 2023-03-07 to 2024-03-07",
    ]
    assert elsewhere["invited"] is False
    assert elsewhere["reasons"][0] == (
        "does not meet the Ontario Human Capital Priorities stream on 2024-03-07: "
        "the profile must show interest in ON or all provinces"
    )
    assert engineer["invited"] is False
    assert engineer["reasons"][0] == (
        "primary NOC 21231 is not on the draw's list: NOC 2021 codes starting 3 "
        "(list partly inferred, see its source)"
    )


def test_the_2024_02_06_health_list_leaves_out_psychologists() -> None:
    (psychologist,) = _check(
        "on-2024-02-06-hcp-health",
        _profile(
            "psychologist",
            30,
            (8, 8, 8, 8),
            1,
            primary_noc="31200",
            work_history=[
                {
                    "noc": "31200",
                    "start": "2022-09-05",
                    "end": None,
                    "hours_per_week": 37.5,
                    "in_canada": True,
                }
            ],
        ),
    )
    assert (psychologist["invited"], psychologist["crs"]) == (False, 383)
    assert psychologist["reasons"][0] == (
        "primary NOC 31200 is not on the draw's list: NOC 2021 codes starting 3, except 31200 "
        "(list partly inferred, see its source)"
    )


def test_from_2024_07_25_a_targeted_draw_needs_six_months_in_the_primary_noc() -> None:
    def nurse(identifier: str, primary_start: str | None) -> dict[str, object]:
        jobs = [
            {
                "noc": "31300",
                "start": "2022-01-03",
                "end": "2024-02-29",
                "hours_per_week": 37.5,
                "in_canada": True,
            }
        ]
        if primary_start is not None:
            jobs.append(
                {
                    "noc": "31301",
                    "start": primary_start,
                    "end": None,
                    "hours_per_week": 37.5,
                    "in_canada": True,
                }
            )
        return _profile(
            identifier,
            30,
            (9, 8, 8, 8),
            2,
            education="masters",
            submitted_at="2024-01-15T09:00:00Z",
            work_history=jobs,
        )

    short, enough = _check(
        "on-2024-09-12-hcp-health", nurse("short", "2024-04-01"), nurse("enough", "2024-03-01")
    )
    # 2024-04-01 to 2024-09-12 is 165 days: 165 x 30 / 7 = 707 hours; six months are 1,560 / 2 = 780.
    assert (short["invited"], short["crs"]) == (False, 443)
    assert short["reasons"][0] == (
        "707 hours of work in primary NOC 31301 within the stream's window; 6 months (780 hours) needed"
    )
    assert enough["invited"] is True
    assert "840 hours of work in primary NOC 31301; 6 months (780 hours) needed" in enough["reasons"]
    # The rule is dated: the same gap in a draw before 2024-07-25 is no refusal.
    assert DRAWS["on-2024-03-07-hcp-health"].date.isoformat() < "2024-07-25"


def test_a_draw_limited_to_cec_refuses_an_fsw_only_candidate() -> None:
    (overseas,) = _check(
        "on-2020-05-13-hcp-tech",
        {
            "id": "overseas",
            "submitted_at": "2020-01-15T09:00:00Z",
            "age": 25,
            "marital_status": "never_married",
            "education": "masters",
            "first_language": {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9},
            "foreign_work_years": 1,
            "primary_noc": "21231",
            "work_history": [
                {
                    "noc": "21231",
                    "start": "2018-09-03",
                    "end": "2019-12-31",
                    "hours_per_week": 40,
                    "in_canada": False,
                }
            ],
            "settlement_funds_cad": 20000,
        },
    )
    assert (overseas["invited"], overseas["decided"], overseas["crs"]) == (False, True, 444)
    assert overseas["reasons"][0] == (
        "not eligible for Canadian Experience Class: the draw notified CEC candidates only"
    )


def test_a_draw_whose_list_is_unknown_is_not_decided() -> None:
    (candidate,) = _check(
        "on-2024-03-21-hcp-tech",
        {
            "id": "developer",
            "submitted_at": "2023-10-02T09:00:00Z",
            "age": 25,
            "marital_status": "never_married",
            "education": "masters",
            "first_language": {"test": "clb", "reading": 8, "writing": 8, "listening": 8, "speaking": 8},
            "canadian_work_years": 1,
            "foreign_work_years": 3,
            "primary_noc": "21231",
            "work_history": [
                {
                    "noc": "21231",
                    "start": "2019-01-07",
                    "end": "2022-02-28",
                    "hours_per_week": 40,
                    "in_canada": False,
                },
                {"noc": "21231", "start": "2022-10-03", "end": None, "hours_per_week": 40, "in_canada": True},
            ],
            "settlement_funds_cad": 20000,
        },
    )
    assert (candidate["invited"], candidate["decided"], candidate["crs"]) == (False, False, 477)
    assert candidate["reasons"][-1] == (
        "not decided: the draw targeted 15 occupations whose list is not in the bundled data"
    )


def test_all_lists_ontario_notifications_and_the_undecided_draws() -> None:
    # Working in Canada since 2021-12-06: a year of experience by the 2023 draws. The CRS work years
    # come from the work history on each draw's day (issue 9, defect 6): 1 whole year on 2023-09-26
    # (core 40 and transferability 13 + 13: 383), 2 from 2023-12-06 (53 and 13 + 25: 408).
    prepared = prepare_profiles([RawProfile(_profile("nurse", 30, (8, 8, 8, 8), 2))], require_id=True)
    (line,) = check_all_rounds([], prepared, bundled_draws())
    assert line["invited"] is False
    assert [item["crs"] for item in line["notifications"]] == [383, 408, 408]  # type: ignore[union-attr]
    assert [item["round"] for item in line["notifications"]] == [  # type: ignore[union-attr]
        "on-2023-09-26-hcp-health",
        "on-2024-02-06-hcp-health",
        "on-2024-03-07-hcp-health",
    ]
    assert [(item["round"], item["unchecked"]) for item in line["possible"]] == [  # type: ignore[union-attr]
        (
            "on-2023-07-20-hcp-health",
            [
                "the draw targeted occupations whose list is not in the bundled data",
                "the draw's CRS range was not published",
            ],
        ),
        (
            "on-2023-07-20-hcp-tech",
            [
                "the draw targeted occupations whose list is not in the bundled data",
                "the draw's CRS range was not published",
            ],
        ),
    ]


def test_check_command_replays_a_draw(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite'}"
    result = runner.invoke(
        app,
        ["history", "check", "-", "--round", "on-2024-03-07-hcp-health", "--db", database],
        input=json.dumps(_profile("lowest", 37, (9, 8, 8, 8), 1)),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["invited"] is True
