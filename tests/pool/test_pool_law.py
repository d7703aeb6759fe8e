"""The pool as the law defines it (crs-and-programs.md §4.1-4.3), one defect of issue 9 a test.

Each test runs on SQLite and, when OPENENTRY_TEST_POSTGRES_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from tests.pool.conftest import CliRunner, json_lines, profile, write_jsonl

from openentry.db import session_scope
from openentry.db.models import InvitationRow, RoundRow
from openentry.domain import RoundSpec, RoundSpecError
from openentry.profiles.pool_file import PoolLoadError
from openentry.rules import selection
from openentry.services.invitations import LedgerError, record_outcome
from openentry.services.nominations import record_nomination
from openentry.services.ordering import PastChangeError
from openentry.services.pool import load_pool_file, pool_summary
from openentry.services.rounds import run_round


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


# A doctor with CLB 10 and no work experience: CRS 446 on 2024-06-01 (above every CEC profile of
# the conftest at 472 - 40 years), but no program: FSW needs a year of skilled work, CEC a year
# in Canada, FST two years in a trade.
DOCTOR = {
    "education": "doctoral",
    "canadian_work_years": 0,
    "first_language": {"test": "clb", "reading": 10, "writing": 10, "listening": 10, "speaking": 10},
}


def _round(engine: Engine, when: str, **options: object) -> list[str]:
    result = run_round(engine, RoundSpec.create(at=at(when), **options))  # type: ignore[arg-type]
    return [invitation.candidate_id for invitation in result.invitations]


# -- 1. membership: at least one program met on the day ------------------------------------------


def test_a_profile_meeting_no_program_is_not_in_the_pool_nor_invited(engine: Engine, tmp_path: Path) -> None:
    load_pool_file(
        engine,
        write_jsonl(
            tmp_path / "pool.jsonl",
            [
                profile("doctor", "2024-01-05T00:00:00Z", **DOCTOR),
                profile("cec-40", "2024-01-06T00:00:00Z", age=40),
            ],
        ),
    )
    assert _round(engine, "2024-06-01T12:00:00Z", size=1) == ["cec-40"]
    summary = pool_summary(engine, at("2024-06-02T00:00:00Z"))
    assert (summary["stored"], summary["in_pool"]) == (2, 1)
    assert summary["not_in_pool"] == {
        "not yet submitted": 0,
        "withdrawn by the candidate": 0,
        "pool expiry": 0,
        "applied after an ITA": 0,
        "let an ITA expire": 0,
        "language result expired": 0,
        "meets no program": 1,
        "cannot be scored": 0,
    }
    # Nor in a provincial round: the province selects from the federal pool (an ITA holder may
    # still be notified).
    assert _round(engine, "2024-06-02T12:00:00Z", kind="provincial", crs_min=400) == ["cec-40"]


# -- 2. a backdated round ------------------------------------------------------------------------


def test_a_round_before_the_latest_recorded_round_is_refused(engine: Engine, tmp_path: Path) -> None:
    load_pool_file(
        engine,
        write_jsonl(
            tmp_path / "pool.jsonl", [profile(f"p{index}", "2024-01-05T00:00:00Z") for index in range(4)]
        ),
    )
    assert _round(engine, "2024-06-01T12:00:00Z", size=1) == ["p0"]
    assert _round(engine, "2024-06-02T12:00:00Z", size=1) == ["p1"]
    message = (
        "--at 2024-05-15T12:00:00Z is before round 2, recorded at 2024-06-02T12:00:00Z; "
        "a round is held at or after the latest recorded round"
    )
    for dry_run in (False, True):
        with pytest.raises(RoundSpecError, match=f"^{message}$"):
            run_round(engine, RoundSpec.create(at=at("2024-05-15T12:00:00Z"), size=2), dry_run=dry_run)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(InvitationRow)) == 2
    # At the same moment as the latest round it is allowed, and no one is invited twice.
    assert _round(engine, "2024-06-02T12:00:00Z", size=5) == ["p2", "p3"]


def test_a_backdated_round_through_the_cli_is_one_line_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    pool = write_jsonl(tmp_path / "pool.jsonl", [profile("a", "2024-01-05T00:00:00Z")])
    assert cli("pool", "load", str(pool)).returncode == 0
    assert cli("round", "run", "--at", "2024-06-02T00:00:00Z", "--size", "1").returncode == 0
    refused = cli("round", "run", "--at", "2024-06-01T00:00:00Z", "--size", "1")
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        "openentry: --at 2024-06-01T00:00:00Z is before round 1, recorded at 2024-06-02T00:00:00Z; "
        "a round is held at or after the latest recorded round\n",
    )


# -- 3. updates take effect at their moment ------------------------------------------------------


def test_an_update_applies_from_its_moment_not_to_the_past(engine: Engine, tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [profile("a", "2024-01-05T00:00:00Z", age=29)])
    load_pool_file(engine, first, at=at("2024-02-01T00:00:00Z"))
    older = write_jsonl(tmp_path / "older.jsonl", [profile("a", "2024-03-09T00:00:00Z", age=40)])
    result = load_pool_file(engine, older, at=at("2024-06-10T00:00:00Z"))
    assert (result.added, result.updated) == (0, 1)

    def crs_at(when: str) -> int | None:
        spec = RoundSpec.create(at=at(when), size=1)
        return run_round(engine, spec, dry_run=True).cutoff

    # The profile as it stood: 472 before the update, 412 from it; submitted_at is kept.
    assert crs_at("2024-01-20T00:00:00Z") == 472
    assert crs_at("2024-06-09T23:59:59Z") == 472
    assert crs_at("2024-06-10T00:00:00Z") == 412
    invited = run_round(engine, RoundSpec.create(at=at("2024-06-10T00:00:00Z"), size=1), dry_run=True)
    assert invited.invitations[0].submitted_at == at("2024-01-05T00:00:00Z")
    # A profile first loaded later stands from its submission.
    late = write_jsonl(tmp_path / "late.jsonl", [profile("b", "2024-01-04T00:00:00Z", age=31)])
    load_pool_file(engine, late, at=at("2024-07-01T00:00:00Z"))
    assert crs_at("2024-01-20T00:00:00Z") == 472
    assert (
        run_round(engine, RoundSpec.create(at=at("2024-01-20T00:00:00Z"), crs_min=0), dry_run=True).eligible
        == 2
    )


def test_loads_that_would_rewrite_a_recorded_round_are_refused(engine: Engine, tmp_path: Path) -> None:
    load_pool_file(engine, write_jsonl(tmp_path / "a.jsonl", [profile("a", "2024-01-05T00:00:00Z")]))
    _round(engine, "2024-06-01T12:00:00Z", size=1)
    update = write_jsonl(tmp_path / "update.jsonl", [profile("a", "2024-01-05T00:00:00Z", age=40)])
    with pytest.raises(
        PastChangeError,
        match=r"^an update taking effect at 2024-05-01T00:00:00Z is before round 1, recorded at "
        r"2024-06-01T12:00:00Z; changes take effect at or after the latest recorded round$",
    ):
        load_pool_file(engine, update, at=at("2024-05-01T00:00:00Z"))
    new = write_jsonl(tmp_path / "new.jsonl", [profile("b", "2024-05-31T00:00:00Z")])
    with pytest.raises(PastChangeError, match=r"^1 new profile\(s\) submitted before round 1, .*: b; "):
        load_pool_file(engine, new)
    assert pool_summary(engine, at("2024-06-01T12:00:00Z"))["stored"] == 1


def test_a_profile_submitted_after_the_load_takes_effect_is_refused(engine: Engine, tmp_path: Path) -> None:
    pool = write_jsonl(
        tmp_path / "pool.jsonl",
        [
            profile("a", "2024-01-05T00:00:00Z"),
            profile("b", "2024-03-01T00:00:00Z"),
            profile("c", "2024-03-02T00:00:00Z"),
        ],
    )
    with pytest.raises(PoolLoadError) as raised:
        load_pool_file(engine, pool, at=at("2024-02-01T00:00:00Z"))
    assert raised.value.problems == [
        (
            f"line {line}",
            "submitted_at",
            f"{moment} is after the load takes effect (2024-02-01T00:00:00Z); "
            "a profile enters the pool when it is submitted",
        )
        for line, moment in ((2, "2024-03-01T00:00:00Z"), (3, "2024-03-02T00:00:00Z"))
    ]
    assert pool_summary(engine, at("2024-06-01T00:00:00Z"))["stored"] == 0


# -- 4. the same round twice ---------------------------------------------------------------------


def test_a_repeated_key_returns_the_recorded_round(cli: CliRunner, tmp_path: Path) -> None:
    pool = write_jsonl(
        tmp_path / "pool.jsonl", [profile(f"p{index}", "2024-01-05T00:00:00Z") for index in range(5)]
    )
    assert cli("pool", "load", str(pool)).returncode == 0
    command = ("round", "run", "--at", "2024-06-01T12:00:00Z", "--size", "2", "--key", "ircc-2024-06-01")
    first = cli(*command)
    again = cli(*command)
    assert first.returncode == again.returncode == 0, (first.stderr, again.stderr)
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert json.loads(first.stdout)["key"] == "ircc-2024-06-01"
    assert [line["id"] for line in json_lines(cli("round", "invitations", "1").stdout)] == ["p0", "p1"]
    assert cli("round", "invitations", "2").returncode == 2
    other = cli("round", "run", "--at", "2024-06-01T12:00:00Z", "--size", "3", "--key", "ircc-2024-06-01")
    assert other.returncode == 2
    assert other.stderr.startswith("openentry: --key 'ircc-2024-06-01' was used for round 1 (general at ")
    assert other.stderr.endswith("a key names one round\n")


def test_the_same_key_from_two_processes_records_one_round(engine: Engine, tmp_path: Path) -> None:
    load_pool_file(
        engine,
        write_jsonl(
            tmp_path / "pool.jsonl", [profile(f"p{index}", "2024-01-05T00:00:00Z") for index in range(5)]
        ),
    )
    spec = RoundSpec.create(at=at("2024-06-01T12:00:00Z"), size=2, key="once")
    first, second = run_round(engine, spec), run_round(engine, spec)
    assert (first.number, second.number, second.invited, second.cutoff) == (1, 1, 2, 472)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(RoundRow)) == 1
        assert session.scalar(select(func.count()).select_from(InvitationRow)) == 2


# -- 5. nominations ------------------------------------------------------------------------------


def test_nominations_are_checked(engine: Engine, tmp_path: Path) -> None:
    load_pool_file(
        engine,
        write_jsonl(
            tmp_path / "pool.jsonl",
            [
                profile("a", "2024-01-05T00:00:00Z"),
                profile("b", "2024-01-06T00:00:00Z", age=31),
                profile("doctor", "2024-01-07T00:00:00Z", **DOCTOR),
            ],
        ),
    )
    assert record_nomination(engine, "a", "ON", at("2024-03-01T00:00:00Z"))["province"] == "ON"
    for province in ("ON", "BC"):
        with pytest.raises(
            LedgerError,
            match=r"^'a' was already nominated by ON at 2024-03-01T00:00:00Z; "
            r"a candidate holds one provincial nomination$",
        ):
            record_nomination(engine, "a", province, at("2024-04-01T00:00:00Z"))
    with pytest.raises(
        LedgerError, match=r"^'doctor' is not in the pool at 2024-03-01T00:00:00Z \(meets no program\)"
    ):
        record_nomination(engine, "doctor", "ON", at("2024-03-01T00:00:00Z"))
    with pytest.raises(LedgerError, match=r"^'b' is not in the pool at 2025-01-06T00:00:00Z \(pool expiry\)"):
        record_nomination(engine, "b", "BC", at("2025-01-06T00:00:00Z"))
    assert _round(engine, "2024-06-01T12:00:00Z", size=1) == ["a"]  # 1072 with the nomination
    assert _round(engine, "2024-06-01T12:00:00Z", size=1) == ["b"]
    record_outcome(engine, "b", "applied", at("2024-06-05T00:00:00Z"))
    with pytest.raises(
        LedgerError, match=r"^'b' is not in the pool at 2024-06-06T00:00:00Z \(applied after an ITA\)"
    ):
        record_nomination(engine, "b", "BC", at("2024-06-06T00:00:00Z"))
    with pytest.raises(PastChangeError, match=r"^a nomination at 2024-05-01T00:00:00Z is before round 2"):
        record_nomination(engine, "b", "BC", at("2024-05-01T00:00:00Z"))


def test_a_nomination_of_a_second_province_through_the_cli(cli: CliRunner, tmp_path: Path) -> None:
    assert (
        cli(
            "pool", "load", str(write_jsonl(tmp_path / "p.jsonl", [profile("a", "2024-01-05T00:00:00Z")]))
        ).returncode
        == 0
    )
    assert cli("pool", "nominate", "a", "--province", "on", "--at", "2024-03-01T00:00:00Z").returncode == 0
    second = cli("pool", "nominate", "a", "--province", "BC", "--at", "2024-03-02T00:00:00Z")
    assert (second.returncode, second.stderr) == (
        2,
        "openentry: 'a' was already nominated by ON at 2024-03-01T00:00:00Z; "
        "a candidate holds one provincial nomination\n",
    )


# -- 9. counts and the tie-break -----------------------------------------------------------------


def test_the_summary_counts_each_profile_out_of_the_pool_once(engine: Engine, tmp_path: Path) -> None:
    expired_language = {
        "test": "clb",
        "reading": 9,
        "writing": 9,
        "listening": 9,
        "speaking": 9,
        "test_date": "2022-01-01",
    }
    load_pool_file(
        engine,
        write_jsonl(
            tmp_path / "pool.jsonl",
            [
                # Both 12 months in the pool and a language result 2 years old by 2025-02-01.
                profile("old", "2024-01-05T00:00:00Z", first_language=expired_language),
                profile("doctor", "2024-06-05T00:00:00Z", **DOCTOR),
                profile("fine", "2024-06-06T00:00:00Z"),
            ],
        ),
        at=at("2024-06-07T00:00:00Z"),
    )
    summary = pool_summary(engine, at("2025-02-01T00:00:00Z"))
    out = summary["not_in_pool"]
    assert isinstance(out, dict)
    assert (summary["stored"], summary["in_pool"], sum(out.values())) == (3, 1, 2)
    assert (out["pool expiry"], out["language result expired"], out["meets no program"]) == (1, 0, 1)


def test_a_tie_at_the_same_instant_is_broken_by_id_and_recorded(cli: CliRunner, tmp_path: Path) -> None:
    same = "2024-01-05T10:00:00Z"
    pool = write_jsonl(
        tmp_path / "pool.jsonl",
        [
            profile("zeta", same),
            profile("alpha", same),
            profile("mid", same),
            profile("first", "2024-01-04T00:00:00Z"),
        ],
    )
    assert cli("pool", "load", str(pool)).returncode == 0
    summary = json.loads(cli("round", "run", "--at", "2024-06-01T12:00:00Z", "--size", "3").stdout)
    assert (summary["cutoff"], summary["tiebreak"], summary["tiebreak_id"]) == (472, same, "mid")
    assert summary["tiebreak_order"] == selection.TIEBREAK_ORDER
    invited = [line["id"] for line in json_lines(cli("round", "invitations", "1").stdout)]
    assert invited == ["first", "alpha", "mid"]
    # The record decides every tie exactly: zeta, at the same score and instant, is after "mid".
    ids = np.array(["first", "alpha", "mid", "zeta"], dtype=object)
    moments = np.array(["2024-01-04T00:00:00", same[:-1], same[:-1], same[:-1]], dtype="datetime64[us]")
    decided = selection.invited_at_cutoff(
        np.full(4, 472), moments, ids, 472, np.datetime64(same[:-1], "us"), summary["tiebreak_id"]
    )
    assert ids[decided].tolist() == invited
