"""``openentry rules`` (placeholder: being built)."""

from __future__ import annotations

import typer

rules_app = typer.Typer(help="The rules as implemented: every parameter, its values by date, unit and sources.", no_args_is_help=True)
