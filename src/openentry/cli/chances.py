"""``openentry chances`` (placeholder: being built)."""

from __future__ import annotations

from openentry.cli.errors import UsageError


def chances() -> None:
    """
    Each profile's probability of an invitation within 1, 3, 6 and 12 months; one JSON line per profile.
    """
    raise UsageError("chances: not available yet")
