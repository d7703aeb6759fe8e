"""``openentry user`` (placeholder: being built)."""

from __future__ import annotations

import typer

user_app = typer.Typer(help="Accounts of the service: add, list, revoke; tokens shown once.", no_args_is_help=True)
