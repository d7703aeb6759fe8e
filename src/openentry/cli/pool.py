"""``openentry pool``: load profiles, the pool's score bands on a date, nominations, withdrawals,
history. A nomination and a withdrawal write their entry in the audit trail (issue 13 §3)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from openentry.api.audit import NOMINATION_RECORDED, PROFILE_WITHDRAWN, AuditCallback, candidate_target
from openentry.cli.database import DatabaseOption, audited_change, open_engine
from openentry.cli.dates import moment_help, now_utc, parse_moment
from openentry.cli.inputs import (
    EXIT_INVALID_PROFILE,
    UsageError,
    input_file,
    is_standard_input,
    read_text,
    write_json_lines,
)
from openentry.domain.rounds import Province
from openentry.profiles.pool_file import parse_pool_text
from openentry.services.invitations import LedgerError, candidate_history
from openentry.services.nominations import record_nomination
from openentry.services.pool import (
    PastChangeError,
    PoolLoadError,
    load_pool_profiles,
    load_pool_table,
    pool_summary,
)
from openentry.services.withdrawals import withdraw

pool_app = typer.Typer(
    help="The pool of candidates: load profiles, summary by score band, nominations, withdrawals, history.",
    no_args_is_help=True,
)


@pool_app.command("load")
def load(
    path: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="Profiles with submitted_at: .json, .jsonl, .parquet, or - for standard input "
            "(JSON or JSON Lines)",
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="MOMENT",
            help=moment_help("When the additions and updates take effect", default="default: now"),
        ),
    ] = None,
    db: DatabaseOption = None,
) -> None:
    """Add or update profiles (an update keeps the original submitted_at); all or nothing per file.

    A round at a moment before --at sees the profiles as they stood before this load."""
    moment = parse_moment(at) if at else None
    parquet_file = None if is_standard_input(path) or not path.endswith(".parquet") else input_file(path)
    text, name = ("", path) if parquet_file is not None else read_text(path)
    try:
        if parquet_file is not None:
            import pyarrow as pa
            import pyarrow.parquet as parquet

            try:
                table = parquet.read_table(parquet_file)
            except (pa.ArrowInvalid, OSError) as error:
                raise UsageError(f"cannot read {path}: not a Parquet file ({error})") from None
            result = load_pool_table(open_engine(db), table, name, at=moment)
        else:
            profiles, raws, places = parse_pool_text(text, name, json_lines=path.endswith(".jsonl"))
            result = load_pool_profiles(open_engine(db), profiles, raws, places, name, at=moment)
    except PastChangeError as error:
        raise UsageError(str(error)) from None
    except PoolLoadError as error:
        for where, field, message in error.problems:
            typer.echo(f"openentry pool load: {name} {where}: {field}: {message}", err=True)
        typer.echo(f"openentry pool load: {name}: {len(error.problems)} invalid, nothing loaded", err=True)
        raise typer.Exit(EXIT_INVALID_PROFILE) from None
    typer.echo(json.dumps(result.summary()))


@pool_app.command("summary")
def summary(
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="MOMENT", help=moment_help("The moment", default="default: now")),
    ] = None,
    db: DatabaseOption = None,
) -> None:
    """The pool at a moment: IRCC's score bands of the profiles in it, and why others are out."""
    moment = parse_moment(at) if at else now_utc()
    typer.echo(json.dumps(pool_summary(open_engine(db), moment)))


@pool_app.command("nominate")
def nominate(
    candidate: Annotated[str, typer.Argument(metavar="CANDIDATE", help="Candidate id")],
    province: Annotated[
        str, typer.Option("--province", metavar="CODE", help=f"Nominating province: {', '.join(Province)}")
    ],
    at: Annotated[str, typer.Option("--at", metavar="MOMENT", help=moment_help("The nomination's moment"))],
    db: DatabaseOption = None,
) -> None:
    """Record a provincial nomination: the profile then carries provincial_nomination (+600)."""
    moment = parse_moment(at)
    engine = open_engine(db)

    def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
        return record_nomination(engine, candidate, province.upper(), moment, audit=audit)

    try:
        result = audited_change(engine, NOMINATION_RECORDED, candidate_target(candidate), change)
    except (LedgerError, PastChangeError) as error:
        raise UsageError(str(error)) from None
    typer.echo(json.dumps(result))


@pool_app.command("withdraw")
def withdraw_profile(
    candidate: Annotated[str, typer.Argument(metavar="CANDIDATE", help="Candidate id")],
    at: Annotated[str, typer.Option("--at", metavar="MOMENT", help=moment_help("The withdrawal's moment"))],
    db: DatabaseOption = None,
) -> None:
    """Record that the candidate withdrew their profile: out of the pool from --at.

    The invitations the profile holds are not used any more (listed as invitations_not_used);
    submitting the profile again with pool load enters it anew, with a new submitted_at. Refused
    (exit 2) for an unknown candidate, a profile withdrawn already or out of the pool for good,
    and a moment before the profile's submission or the latest recorded round."""
    moment = parse_moment(at)
    engine = open_engine(db)

    def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
        return withdraw(engine, candidate, moment, audit=audit)

    try:
        result = audited_change(engine, PROFILE_WITHDRAWN, candidate_target(candidate), change)
    except (LedgerError, PastChangeError) as error:
        raise UsageError(str(error)) from None
    typer.echo(json.dumps(result))


@pool_app.command("history")
def history(
    candidate: Annotated[str, typer.Argument(metavar="CANDIDATE", help="Candidate id")],
    db: DatabaseOption = None,
) -> None:
    """Everything recorded about a candidate, oldest first (JSON Lines)."""
    try:
        write_json_lines(candidate_history(open_engine(db), candidate))
    except LedgerError as error:
        raise UsageError(str(error)) from None
