"""How a moment is written in every JSON output: ISO 8601 in UTC with a ``Z``
(``2024-11-20T14:00:00Z``), as interfaces.md §1 writes ``submitted_at``."""

from __future__ import annotations

import datetime


def iso_utc(moment: datetime.datetime) -> str:
    """An aware moment as ISO 8601 text in UTC, ``Z`` for the offset."""
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
