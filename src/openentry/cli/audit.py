"""``openentry audit``: the service's append-only audit trail (issue 13 §3)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from openentry.cli.database import DatabaseOption, open_engine

audit_app = typer.Typer(help="The service's append-only audit trail: list.", no_args_is_help=True)


@audit_app.command("list")
def list_entries(
    actor: Annotated[
        str | None, typer.Option("--actor", metavar="NAME", help="Only this account's entries")
    ] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", metavar="ACTION", help="Only this action (round.recorded, user.added, …)"),
    ] = None,
    after: Annotated[
        int | None, typer.Option("--after", metavar="ID", help="Only entries after this id", min=0)
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", help="At most this many entries", min=1)
    ] = 1000,
    db: DatabaseOption = None,
) -> None:
    """Entries in the order written, as JSON Lines: who, role, action, object, request id, time, outcome."""
    from openentry.api.audit import audit_entries

    entries = audit_entries(open_engine(db), actor=actor, action=action, after=after, limit=limit)
    for entry in entries:
        typer.echo(json.dumps(entry.as_json(), ensure_ascii=False))
