"""The command line's changes of state write the audit trail as the service's do (issue 13 §3):
``round run`` (a recorded round, not a dry run), ``pool nominate``, ``invitation decline|apply|
expire`` and ``pool withdraw`` each write one entry (who, role, action, object, outcome) that
``openentry audit list`` shows; a refused change writes one ``refused`` entry with its reason.
Real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.testing
from tests.pool.conftest import CRS_BY_AGE, CliRunner, json_lines, profile, write_jsonl

from openentry.cli import main

ACTOR = "officer-at-the-terminal"


@pytest.fixture(autouse=True)
def _named_terminal_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operating-system account the commands read (getpass looks at LOGNAME first)."""
    monkeypatch.setenv("LOGNAME", ACTOR)


def _entries(cli: CliRunner) -> list[dict[str, object]]:
    listed = cli("audit", "list")
    assert (listed.returncode, listed.stderr) == (0, ""), listed.stderr
    return json_lines(listed.stdout)


def _new_entry(cli: CliRunner, before: int) -> tuple[object, ...]:
    """The one entry written since ``before`` entries: (actor, role, action, object, outcome, detail)."""
    entries = _entries(cli)
    assert len(entries) == before + 1, entries[before:]
    entry = entries[-1]
    assert (entry["id"], entry["request_id"]) == (before + 1, None)
    return tuple(entry[key] for key in ("actor", "role", "action", "object", "outcome", "detail"))


def _pool(cli: CliRunner, tmp_path: Path) -> None:
    pool = write_jsonl(
        tmp_path / "pool.jsonl",
        [
            profile("ann", "2025-01-01T00:00:00Z", age=29),
            profile("ben", "2025-01-02T00:00:00Z", age=31),
            profile("cat", "2025-01-03T00:00:00Z", age=33),
        ],
    )
    loaded = cli("pool", "load", str(pool), "--at", "2025-01-10T00:00:00Z")
    assert loaded.returncode == 0, loaded.stderr


def test_each_change_of_state_writes_one_entry_shown_by_audit_list(cli: CliRunner, tmp_path: Path) -> None:
    _pool(cli, tmp_path)
    before = len(_entries(cli))

    tried = cli("round", "run", "--at", "2025-02-01T00:00:00Z", "--size", "3", "--dry-run")
    assert (tried.returncode, json.loads(tried.stdout)["recorded"]) == (0, False), tried.stderr
    assert len(_entries(cli)) == before  # a dry run records nothing, so writes no entry

    ran = cli("round", "run", "--at", "2025-02-01T00:00:00Z", "--size", "3")
    assert ran.returncode == 0, ran.stderr
    assert _new_entry(cli, before) == (
        ACTOR,
        "command-line",
        "round.recorded",
        "round:1",
        "ok",
        {
            "kind": "general",
            "at": "2025-02-01T00:00:00Z",
            "size": 3,
            "criteria": {"kind": "general"},
            "invited": 3,
            "cutoff": CRS_BY_AGE[33],
            "key": None,
        },
    )

    steps = [
        ("invitation decline ann --at 2025-02-05 --round 1", "invitation.declined", "candidate:ann/round:1"),
        ("invitation apply ben --at 2025-02-06", "invitation.applied", "candidate:ben"),
        ("pool nominate ann --province on --at 2025-02-07", "nomination.recorded", "candidate:ann"),
        ("pool withdraw ann --at 2025-02-08", "profile.withdrawn", "candidate:ann"),
        ("invitation expire cat --at 2025-04-03 --round 1", "invitation.expired", "candidate:cat/round:1"),
    ]
    for count, (command, action, target) in enumerate(steps, start=before + 1):
        arguments = command.split()
        done = cli(*arguments)
        assert (done.returncode, done.stderr) == (0, ""), (arguments, done.stderr)
        assert _new_entry(cli, count) == (ACTOR, "command-line", action, target, "ok", {}), arguments


def test_pool_withdraw_prints_the_withdrawal_and_takes_the_profile_out(
    cli: CliRunner, tmp_path: Path
) -> None:
    _pool(cli, tmp_path)
    assert cli("round", "run", "--at", "2025-02-01T00:00:00Z", "--size", "1").returncode == 0
    withdrawn = cli("pool", "withdraw", "ann", "--at", "2025-02-02T12:00:00+02:00")
    assert (withdrawn.returncode, withdrawn.stderr) == (0, "")
    assert json.loads(withdrawn.stdout) == {
        "id": "ann",
        "recorded": "withdrawn",
        "at": "2025-02-02T10:00:00Z",
        "submitted_at": "2025-01-01T00:00:00Z",
        "invitations_not_used": [{"round": 1, "kind": "ita", "expires_on": "2025-04-02"}],
    }
    summary = json.loads(cli("pool", "summary", "--at", "2025-02-03T00:00:00Z").stdout)
    assert (summary["in_pool"], summary["not_in_pool"]["withdrawn by the candidate"]) == (2, 1)
    ran = cli("round", "run", "--at", "2025-02-04T00:00:00Z", "--size", "1")
    invited = {"id": "ben", "crs": CRS_BY_AGE[31], "submitted_at": "2025-01-02T00:00:00Z", "kind": "ita"}
    assert json_lines(cli("round", "invitations", "2").stdout) == [{**invited, "expires_on": "2025-04-05"}], (
        ran.stderr
    )


@pytest.mark.parametrize(
    ("candidate", "at", "message"),
    [
        ("zoe", "2025-02-03T00:00:00Z", "no profile 'zoe' in the pool"),
        (
            "ben",
            "2025-01-20T00:00:00Z",
            "a withdrawal at 2025-01-20T00:00:00Z is before round 1, recorded at 2025-02-01T00:00:00Z; "
            "changes take effect at or after the latest recorded round",
        ),
        (
            "ann",
            "2025-02-03T00:00:00Z",
            "'ann' withdrew the profile submitted at 2025-01-01T00:00:00Z already, at 2025-02-02T00:00:00Z; "
            "submitting the profile again enters it in the pool anew",
        ),
    ],
)
def test_a_refused_withdrawal_is_one_line_exit_2_and_a_refused_entry(
    cli: CliRunner, tmp_path: Path, candidate: str, at: str, message: str
) -> None:
    _pool(cli, tmp_path)
    assert cli("round", "run", "--at", "2025-02-01T00:00:00Z", "--size", "1").returncode == 0
    assert cli("pool", "withdraw", "ann", "--at", "2025-02-02T00:00:00Z").returncode == 0
    before = len(_entries(cli))
    refused = cli("pool", "withdraw", candidate, "--at", at)
    assert (refused.returncode, refused.stdout, refused.stderr) == (2, "", f"openentry: {message}\n")
    assert _new_entry(cli, before) == (
        ACTOR,
        "command-line",
        "profile.withdrawn",
        f"candidate:{candidate}",
        "refused",
        {"reason": message},
    )


def test_pool_withdraw_is_documented_in_its_help() -> None:
    shown = typer.testing.CliRunner().invoke(main.app, ["pool", "withdraw", "--help"], prog_name="openentry")
    assert shown.exit_code == 0
    text = " ".join(shown.output.split())
    assert "Usage: openentry pool withdraw [OPTIONS] {CANDIDATE}" in text
    assert (
        "Record that the candidate withdrew their profile: out of the pool from --at. The invitations the "
        "profile holds are not used any more (listed as invitations_not_used); submitting the profile again "
        "with pool load enters it anew, with a new submitted_at. Refused (exit 2) for an unknown candidate, "
        "a profile withdrawn already or out of the pool for good, and a moment before the profile's "
        "submission or the latest recorded round."
    ) in text
    assert "--at MOMENT The withdrawal's moment: ISO 8601 date-time" in text
