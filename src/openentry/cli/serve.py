"""``openentry serve`` (placeholder: being built)."""

from __future__ import annotations

from openentry.cli.errors import UsageError


def serve() -> None:
    """
    Serve the REST API (OpenAPI at /openapi.json) and the web pages.
    """
    raise UsageError("serve: not available yet")
