"""``openentry timeline`` (placeholder: being built)."""

from __future__ import annotations

from openentry.cli.errors import UsageError


def timeline() -> None:
    """
    The days on which each profile's CRS, programs or categories change, and its total month by month; one JSON line per profile.
    """
    raise UsageError("timeline: not available yet")
