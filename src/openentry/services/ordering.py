"""Changes happen in time: nothing is dated before the latest recorded round.

A recorded round was run on the pool as it stood at its moment. A load, a nomination, a
candidate's withdrawal or an invitation's outcome dated before that moment would change the pool
the round saw, so the round's record would no longer follow from the ledger; it is refused, and
the user is told to date the change at or after the round.
"""

from __future__ import annotations

import datetime

from openentry.db.pool_repository import PoolRepository
from openentry.domain.moments import iso_utc


class PastChangeError(ValueError):
    """A change dated before the latest recorded round, whose pool it would rewrite."""


def ensure_after_latest_round(repository: PoolRepository, at: datetime.datetime, what: str) -> None:
    """Refuse a change dated before the latest recorded round: that round's pool is history."""
    latest = repository.latest_round()
    if latest is not None and at < latest[1]:
        number, held_at = latest
        raise PastChangeError(
            f"{what} at {iso_utc(at)} is before round {number}, recorded at {iso_utc(held_at)}; "
            "changes take effect at or after the latest recorded round"
        )
