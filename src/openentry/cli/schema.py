"""``openentry schema`` (placeholder: being built)."""

from __future__ import annotations

import typer

schema_app = typer.Typer(help="JSON Schema of the input formats (schema profile).", no_args_is_help=True)
