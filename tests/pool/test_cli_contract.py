"""interfaces.md §3 through real processes: pool load, round run, round invitations."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pool.conftest import CliRunner, json_lines, profile, write_jsonl


def _pool(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "pool.jsonl",
        [
            profile(
                "late-472", "2024-03-01T09:00:00Z", age=29, provinces_of_interest=["ON"], primary_noc="21231"
            ),
            profile(
                "early-472", "2024-01-10T08:30:00Z", age=29, provinces_of_interest=["BC"], primary_noc="31301"
            ),
            profile("mid-472", "2024-02-01T12:00:00Z", age=29, primary_noc="21231"),
            profile(
                "top-461", "2024-01-01T00:00:00Z", age=31, provinces_of_interest=["ON"], primary_noc="21231"
            ),
            profile(
                "low-439", "2024-01-05T00:00:00Z", age=35, provinces_of_interest=["ON"], primary_noc="31301"
            ),
            profile(
                "low-412", "2023-12-01T00:00:00Z", age=40, provinces_of_interest=["ALL"], primary_noc="21231"
            ),
        ],
    )


def test_general_round_ties_broken_by_submitted_at_and_invitations_listed(
    cli: CliRunner, tmp_path: Path
) -> None:
    loaded = cli("pool", "load", str(_pool(tmp_path)), "--at", "2024-05-01T00:00:00Z")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout) == {
        "loaded": 6,
        "added": 6,
        "updated": 0,
        "source": str(tmp_path / "pool.jsonl"),
        "effective_at": "2024-05-01T00:00:00Z",
    }

    ran = cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--size", "2")
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    assert {key: summary[key] for key in ("round", "invited", "cutoff", "tiebreak")} == {
        "round": 1,
        "invited": 2,
        "cutoff": 472,
        "tiebreak": "2024-02-01T12:00:00Z",
    }
    listed = cli("round", "invitations", "1")
    assert listed.returncode == 0, listed.stderr
    assert json_lines(listed.stdout) == [
        {
            "id": "early-472",
            "crs": 472,
            "submitted_at": "2024-01-10T08:30:00Z",
            "kind": "ita",
            "expires_on": "2024-07-31",
        },
        {
            "id": "mid-472",
            "crs": 472,
            "submitted_at": "2024-02-01T12:00:00Z",
            "kind": "ita",
            "expires_on": "2024-07-31",
        },
    ]

    # Those invited hold an outstanding ITA: the next round goes further down the ranking.
    second = json.loads(cli("round", "run", "--at", "2024-06-02T14:00:00Z", "--size", "2").stdout)
    assert (second["round"], second["invited"], second["cutoff"], second["tiebreak"]) == (
        2,
        2,
        461,
        "2024-01-01T00:00:00Z",
    )
    assert [line["id"] for line in json_lines(cli("round", "invitations", "2").stdout)] == [
        "late-472",
        "top-461",
    ]


def test_provincial_round_range_nocs_window_province(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("pool", "load", str(_pool(tmp_path))).returncode == 0
    ran = cli(
        "round", "run", "--at", "2024-06-01T14:00:00Z", "--kind", "provincial", "--province", "ON",
        "--crs-min", "400", "--crs-max", "465", "--noc", "21231,31301",
        "--created-from", "2023-12-15", "--created-to", "2024-06-01",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    # late-472 is above the range, early-472 chose BC, low-412 was created before the window.
    assert (summary["round"], summary["invited"], summary["cutoff"], summary["tiebreak"]) == (
        1,
        2,
        439,
        "2024-01-05T00:00:00Z",
    )
    assert json_lines(cli("round", "invitations", "1").stdout) == [
        {
            "id": "top-461",
            "crs": 461,
            "submitted_at": "2024-01-01T00:00:00Z",
            "kind": "noi",
            "expires_on": "2024-07-16",
        },
        {
            "id": "low-439",
            "crs": 439,
            "submitted_at": "2024-01-05T00:00:00Z",
            "kind": "noi",
            "expires_on": "2024-07-16",
        },
    ]


def test_dry_run_prints_the_same_and_records_nothing(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("pool", "load", str(_pool(tmp_path))).returncode == 0
    dry = json.loads(cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--size", "3", "--dry-run").stdout)
    real = json.loads(cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--size", "3").stdout)
    assert (dry["round"], dry["invited"], dry["cutoff"], dry["tiebreak"], dry["recorded"]) == (
        1, 3, 472, "2024-03-01T09:00:00Z", False,
    )  # fmt: skip
    assert {key: real[key] for key in ("round", "invited", "cutoff", "tiebreak")} == {
        key: dry[key] for key in ("round", "invited", "cutoff", "tiebreak")
    }
    again = json.loads(cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--size", "3", "--dry-run").stdout)
    assert (again["round"], again["invited"], again["cutoff"], again["tiebreak"]) == (
        2,
        3,
        412,
        "2023-12-01T00:00:00Z",
    )


def test_no_one_to_invite_gives_null_cutoff(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("pool", "load", str(_pool(tmp_path))).returncode == 0
    ran = cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--size", "5", "--crs-min", "900")
    assert json.loads(ran.stdout) | {} == json.loads(ran.stdout)
    summary = json.loads(ran.stdout)
    assert (summary["round"], summary["invited"], summary["cutoff"], summary["tiebreak"]) == (
        1,
        0,
        None,
        None,
    )
    assert cli("round", "invitations", "1").stdout == ""


def test_bad_input_is_one_line_and_writes_nothing(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("pool", "load", str(_pool(tmp_path))).returncode == 0
    cases = {
        ("--size", "0"): "openentry: --size: 0 invitations; a round invites at least 1\n",
        (
            "--size",
            "5",
            "--crs-min",
            "500",
            "--crs-max",
            "400",
        ): "openentry: --crs-min 500 is above --crs-max 400\n",
        ("--size", "5", "--category", "astronauts"): None,
        ("--size", "5", "--kind", "provincial", "--province", "QC"): (
            "openentry: --province: 'QC' is not a province code;"
            " expected one of AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, SK, YT\n"
        ),
        ("--size", "5", "--noc", "21231"): (
            "openentry: --province, --noc, --created-from and --created-to are for --kind provincial\n"
        ),
        ("--size", "5", "--kind", "provincial", "--noc", "2123"): (
            "openentry: --noc: '2123' is not a 5-digit NOC 2021 code\n"
        ),
        ("--size", "5", "--program", "xyz"): (
            "openentry: --program: 'xyz' is not a program; expected one of fsw, cec, fst, pnp\n"
        ),
    }
    for options, message in cases.items():
        ran = cli("round", "run", "--at", "2024-06-01T14:00:00Z", *options)
        assert ran.returncode == 2, (options, ran.stdout, ran.stderr)
        assert ran.stdout == ""
        if message is None:
            assert ran.stderr.startswith("openentry: --category: "), ran.stderr
            assert "astronauts" in ran.stderr and "healthcare" in ran.stderr
        else:
            assert ran.stderr == message
    missing = cli("round", "invitations", "1")
    assert (missing.returncode, missing.stderr) == (2, "openentry: no round 1 recorded\n")
    assert json.loads(cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--size", "1").stdout)["round"] == 1


def test_malformed_pool_file_reports_lines_and_loads_nothing(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps(profile("ok", "2024-01-01T00:00:00Z"))
    no_time = json.dumps({key: value for key, value in profile("x", "").items() if key != "submitted_at"})
    path.write_text(f"{good}\n{{not json\n{no_time}\n{good}\n", encoding="utf-8")
    ran = cli("pool", "load", str(path))
    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr.splitlines() == [
        f"openentry pool load: {path} line 2: profile: not valid JSON"
        " (Expecting property name enclosed in double quotes)",
        f"openentry pool load: {path} line 3: submitted_at:"
        " required in a pool (ISO 8601 date-time with offset)",
        f"openentry pool load: {path} line 4: id: 'ok' already given at line 1",
        f"openentry pool load: {path}: 3 invalid, nothing loaded",
    ]
    summary = json.loads(cli("pool", "summary", "--at", "2024-06-01T00:00:00Z").stdout)
    assert (summary["stored"], summary["in_pool"]) == (0, 0)


def test_dates_before_the_rules_and_unusable_databases_are_usage_errors(cli: CliRunner) -> None:
    early = cli("round", "run", "--at", "2010-06-01T00:00:00Z", "--size", "5")
    assert (early.returncode, early.stderr) == (
        2,
        "openentry: --at: 2010-06-01T00:00:00Z is before the rules begin (2015-01-01)\n",
    )
    not_a_time = cli("round", "run", "--at", "June", "--size", "5")
    assert (not_a_time.returncode, not_a_time.stderr) == (
        2,
        "openentry: --at: 'June' is not a date-time (e.g. 2024-11-20T14:00:00Z)\n",
    )
    bad_url = cli("round", "run", "--at", "2024-06-01", "--size", "5", "--db", "nosuch://x", database=False)
    assert (bad_url.returncode, bad_url.stderr) == (
        2,
        "openentry: cannot use database URL 'nosuch://x': Can't load plugin: sqlalchemy.dialects:nosuch\n",
    )


def test_rounds_without_size_invite_everyone_who_qualifies(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("pool", "load", str(_pool(tmp_path))).returncode == 0
    provincial = json.loads(
        cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--kind", "provincial", "--crs-min", "440").stdout
    )
    assert (provincial["invited"], provincial["cutoff"], provincial["size"]) == (4, 461, None)
    general = json.loads(cli("round", "run", "--at", "2024-06-02T14:00:00Z", "--crs-max", "450").stdout)
    # The four notified still hold NOIs but no ITA: only their provincial rounds exclude them.
    assert (general["invited"], general["cutoff"], general["tiebreak"]) == (2, 412, "2023-12-01T00:00:00Z")


def test_no_size_and_no_range_is_a_usage_error_unless_all(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("pool", "load", str(_pool(tmp_path))).returncode == 0
    refused = cli("round", "run", "--at", "2024-06-01T14:00:00Z")
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        "openentry: give --size N or a score range (--crs-min, --crs-max); "
        "--all invites everyone who qualifies\n",
    )
    both = cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--all", "--size", "3")
    assert (both.returncode, both.stderr) == (
        2,
        "openentry: --all invites everyone who qualifies; it cannot go with --size 3\n",
    )
    everyone = json.loads(cli("round", "run", "--at", "2024-06-01T14:00:00Z", "--all").stdout)
    assert (everyone["round"], everyone["invited"], everyone["cutoff"], everyone["criteria"]) == (
        1,
        6,
        412,
        {"kind": "general", "all": True},
    )
