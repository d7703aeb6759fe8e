"""``openentry round``: run a round of invitations, list its invitations (interfaces.md §3)."""

from __future__ import annotations

import datetime
import json
from typing import Annotated

import typer

from openentry.api.audit import ROUND_RECORDED, AuditCallback, round_described
from openentry.cli.database import DatabaseOption, audited_change, open_engine
from openentry.cli.dates import DAY_FORMAT, moment_help, parse_date, parse_moment
from openentry.cli.inputs import UsageError, write_json_lines
from openentry.cli.overlay import RulesOverlayOption, hypothetical_fields, rules_overlay
from openentry.domain import Round, RoundSpec, RoundSpecError
from openentry.domain.rounds import Program, Province, RoundKind
from openentry.services.invitations import LedgerError, round_invitations
from openentry.services.rounds import run_round

round_app = typer.Typer(help="Rounds of invitations: run one, list its invitations.", no_args_is_help=True)


def _date(value: str | None, option: str) -> datetime.date | None:
    return None if value is None else parse_date(value, option)


@round_app.command("run")
def run(
    at: Annotated[str, typer.Option("--at", metavar="MOMENT", help=moment_help("The round's moment"))],
    size: Annotated[int | None, typer.Option("--size", metavar="N", help="Number of invitations")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", metavar="KIND", help=f"One of {', '.join(RoundKind)}")
    ] = None,
    program: Annotated[
        str | None, typer.Option("--program", metavar="PROGRAM", help=f"One of {', '.join(Program)}")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="KEY", help="Category key (e.g. healthcare, french)")
    ] = None,
    crs_min: Annotated[
        int | None, typer.Option("--crs-min", metavar="CRS", help="Lowest CRS invited")
    ] = None,
    crs_max: Annotated[
        int | None, typer.Option("--crs-max", metavar="CRS", help="Highest CRS invited")
    ] = None,
    noc: Annotated[
        str | None, typer.Option("--noc", metavar="CODES", help="Primary NOC codes, comma-separated")
    ] = None,
    created_from: Annotated[
        str | None,
        typer.Option(
            "--created-from",
            metavar="DATE",
            help=f"Profiles submitted on or after this day ({DAY_FORMAT}, by submitted_at in UTC)",
        ),
    ] = None,
    created_to: Annotated[
        str | None,
        typer.Option(
            "--created-to",
            metavar="DATE",
            help=f"Profiles submitted on or before this day ({DAY_FORMAT}, by submitted_at in UTC)",
        ),
    ] = None,
    province: Annotated[
        str | None,
        typer.Option(
            "--province", metavar="CODE", help=f"Province of a provincial round: {', '.join(Province)}"
        ),
    ] = None,
    everyone: Annotated[
        bool, typer.Option("--all", help="Invite everyone who qualifies (no --size, no score range)")
    ] = False,
    key: Annotated[
        str | None,
        typer.Option(
            "--key", metavar="KEY", help="Idempotency key: a repeat with a recorded key returns that round"
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Select and print, record nothing")] = False,
    rules_overlay_path: RulesOverlayOption = None,
    db: DatabaseOption = None,
) -> None:
    """Select from the pool at --at, rank by CRS, break ties by submitted_at, record the round.

    A recorded round writes its entry in the audit trail (openentry audit list). With
    --rules-overlay the round is one under hypothetical rules: it needs --dry-run (the ledger holds
    only rounds held under the law) and its summary is marked hypothetical."""
    if rules_overlay_path is not None and not dry_run:
        raise UsageError("--rules-overlay: a round under hypothetical rules is never recorded; add --dry-run")
    if rules_overlay_path is not None and key is not None:
        raise UsageError("--rules-overlay: a round under hypothetical rules records nothing; drop --key")
    nocs = tuple(code.strip() for code in noc.split(",") if code.strip()) if noc else ()
    try:
        spec = RoundSpec.create(
            at=parse_moment(at),
            kind=kind,
            size=size,
            program=program,
            category=category,
            crs_min=crs_min,
            crs_max=crs_max,
            nocs=nocs,
            created_from=_date(created_from, "--created-from"),
            created_to=_date(created_to, "--created-to"),
            province=province.upper() if province else None,
            everyone=everyone,
            key=key,
        )
        if dry_run:
            with rules_overlay(rules_overlay_path) as overlay:
                result = run_round(open_engine(db), spec, dry_run=True)
        else:
            engine = open_engine(db)
            overlay = None

            def change(audit: AuditCallback[Round]) -> Round:
                return run_round(engine, spec, audit=audit)

            result = audited_change(engine, ROUND_RECORDED, "round", change, round_described)
    except RoundSpecError as error:
        raise UsageError(str(error)) from None
    typer.echo(json.dumps({**result.summary(), **hypothetical_fields(overlay)}))


@round_app.command("invitations")
def invitations(
    round_number: Annotated[int, typer.Argument(metavar="ROUND", help="Round number")],
    db: DatabaseOption = None,
) -> None:
    """The round's invitations as JSON Lines, in rank order."""
    try:
        found = round_invitations(open_engine(db), round_number)
    except LedgerError as error:
        raise UsageError(str(error)) from None
    write_json_lines([invitation.as_json() for invitation in found])
