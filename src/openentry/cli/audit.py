"""``openentry audit`` (placeholder: being built)."""

from __future__ import annotations

import typer

audit_app = typer.Typer(help="The service's append-only audit trail: list.", no_args_is_help=True)
