"""``openentry whatif`` (placeholder: being built)."""

from __future__ import annotations

from openentry.cli.errors import UsageError


def whatif() -> None:
    """
    The single changes that raise each profile's CRS on a date, largest gain first; one JSON line per profile.
    """
    raise UsageError("whatif: not available yet")
