"""An in-memory pool store: the pool's use cases run on it exactly as on the database."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pyarrow as pa

from openentry.db.models import RoundRow
from openentry.db.pool_repository import IssuedInvitation, Withdrawal, conformed
from openentry.profiles.columnar import table_from_profiles
from openentry.profiles.schema import parse_profile


class FakePoolStore:
    """Profiles given as JSON (each standing from its submission), rounds and invitations in lists."""

    def __init__(self, profiles: Sequence[dict[str, object]]) -> None:
        self.table = conformed(
            table_from_profiles([parse_profile(item, require_id=True) for item in profiles])
        )
        self.rounds: list[RoundRow] = []
        self.invitations: list[IssuedInvitation] = []
        self.outcomes: dict[int, tuple[datetime.datetime, str]] = {}
        self.nominations: dict[str, datetime.datetime] = {}
        self.withdrawals: list[Withdrawal] = []
        self.locks = 0

    def lock(self, wait: bool = True) -> int:
        self.locks += 1
        return max((row.number for row in self.rounds), default=0)

    def latest_round(self) -> tuple[int, datetime.datetime] | None:
        if not self.rounds:
            return None
        latest = max(self.rounds, key=lambda row: (row.held_at, row.number))
        return latest.number, latest.held_at

    def profiles_at(self, at: datetime.datetime, only: str | None = None) -> pa.Table:
        if only is None:
            return self.table
        return self.table.filter(pa.compute.equal(self.table.column("id"), only))

    def invitations_until(self, at: datetime.datetime) -> list[IssuedInvitation]:
        return [invitation for invitation in self.invitations if invitation.issued_at <= at]

    def outcomes_until(self, at: datetime.datetime) -> dict[int, str]:
        return {number: kind for number, (moment, kind) in self.outcomes.items() if moment <= at}

    def nominated_until(self, at: datetime.datetime) -> frozenset[str]:
        return frozenset(name for name, moment in self.nominations.items() if moment <= at)

    def withdrawn_until(self, at: datetime.datetime) -> list[Withdrawal]:
        return [withdrawal for withdrawal in self.withdrawals if withdrawal.withdrawn_at <= at]

    def round_by_key(self, key: str) -> RoundRow | None:
        return next((row for row in self.rounds if row.request_key == key), None)

    def add_round(self, row: RoundRow, invitations: Sequence[dict[str, object]]) -> None:
        self.rounds.append(row)
        for item in invitations:
            self.invitations.append(
                IssuedInvitation(
                    id=len(self.invitations) + 1,
                    candidate_id=str(item["candidate_id"]),
                    kind=str(item["kind"]),
                    expires_on=item["expires_on"],  # type: ignore[arg-type]
                    issued_at=item["issued_at"],  # type: ignore[arg-type]
                )
            )
