"""``openentry invitation``: record what a candidate did with an invitation (the ledger)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from openentry.api.audit import (
    INVITATION_APPLIED,
    INVITATION_DECLINED,
    INVITATION_EXPIRED,
    AuditCallback,
    candidate_target,
)
from openentry.cli.database import DatabaseOption, audited_change, open_engine
from openentry.cli.dates import moment_help, parse_moment
from openentry.cli.inputs import UsageError
from openentry.services.invitations import LedgerError, record_outcome

invitation_app = typer.Typer(help="The invitations ledger: declined, applied, expired.", no_args_is_help=True)

CandidateArgument = Annotated[str, typer.Argument(metavar="CANDIDATE", help="Candidate id")]
AtOption = Annotated[str, typer.Option("--at", metavar="MOMENT", help=moment_help("When it happened"))]
RoundOption = Annotated[
    int | None, typer.Option("--round", metavar="N", help="The round's invitation (default: the latest)")
]


def _record(
    candidate: str, outcome: str, action: str, at: str, round_number: int | None, db: str | None
) -> None:
    """Record the outcome, with its ``action`` entry in the audit trail."""
    moment = parse_moment(at)
    engine = open_engine(db)

    def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
        return record_outcome(engine, candidate, outcome, moment, round_number, audit=audit)

    try:
        result = audited_change(engine, action, candidate_target(candidate, round_number), change)
    except LedgerError as error:
        raise UsageError(str(error)) from None
    typer.echo(json.dumps(result))


@invitation_app.command("decline")
def decline(
    candidate: CandidateArgument, at: AtOption, round_number: RoundOption = None, db: DatabaseOption = None
) -> None:
    """The candidate declined: back in the pool until the profile's original expiry."""
    _record(candidate, "declined", INVITATION_DECLINED, at, round_number, db)


@invitation_app.command("apply")
def apply(
    candidate: CandidateArgument, at: AtOption, round_number: RoundOption = None, db: DatabaseOption = None
) -> None:
    """The candidate applied: an ITA accepted takes the profile out of the pool."""
    _record(candidate, "applied", INVITATION_APPLIED, at, round_number, db)


@invitation_app.command("expire")
def expire(
    candidate: CandidateArgument, at: AtOption, round_number: RoundOption = None, db: DatabaseOption = None
) -> None:
    """The candidate let the invitation lapse (recorded after its last valid day)."""
    _record(candidate, "expired", INVITATION_EXPIRED, at, round_number, db)
