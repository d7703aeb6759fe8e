"""``openentry user``: the service's accounts (interfaces.md §9; issue 13 §2)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from openentry.cli.database import DatabaseOption, open_engine
from openentry.cli.errors import UsageError

user_app = typer.Typer(
    help="Accounts of the service: add, list, revoke; tokens shown once.", no_args_is_help=True
)

NameArgument = Annotated[
    str, typer.Argument(metavar="NAME", help="The account's name (a candidate's profile id)")
]


def _usage(error: Exception) -> UsageError:
    from openentry.api.accounts import AccountError

    assert isinstance(error, AccountError)
    return UsageError(f"{'--role' if error.field == 'role' else 'NAME'}: {error.message}")


@user_app.command("add")
def add(
    name: NameArgument,
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help="candidate, analyst, officer or admin")],
    db: DatabaseOption = None,
) -> None:
    """Make an account; prints {"user", "role", "token"} once: only the token's hash is kept."""
    from openentry.api.accounts import AccountError, add_user
    from openentry.api.audit import command_line_actor

    try:
        made = add_user(open_engine(db), name, role, command_line_actor())
    except AccountError as error:
        raise _usage(error) from None
    typer.echo(json.dumps(made.as_json()))


@user_app.command("list")
def list_accounts(db: DatabaseOption = None) -> None:
    """Every account (never a token), revoked ones included, as JSON Lines."""
    from openentry.api.accounts import list_users

    for account in list_users(open_engine(db)):
        typer.echo(json.dumps(account.as_json()))


@user_app.command("revoke")
def revoke(name: NameArgument, db: DatabaseOption = None) -> None:
    """Refuse the account's token from now on (the account stays listed)."""
    from openentry.api.accounts import AccountError, revoke_user
    from openentry.api.audit import command_line_actor

    try:
        revoked = revoke_user(open_engine(db), name, command_line_actor())
    except AccountError as error:
        raise _usage(error) from None
    typer.echo(json.dumps(revoked.as_json()))
