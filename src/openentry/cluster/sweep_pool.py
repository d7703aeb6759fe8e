"""A pool read from a Parquet file, as the pool's use cases see it: no database.

A sweep runs rounds over a pool given as a table. Who is in the pool, who qualifies and who is
invited are decided by the functions live rounds use (:func:`openentry.services.pool.state_of`,
:func:`openentry.services.rounds.qualifies`, :mod:`openentry.rules.selection`); here is only
the storage they read, :class:`TablePoolStore`: every profile of the table standing from its
``submitted_at``, with no round held, no invitation, nomination or withdrawal recorded (each
scenario is a first round over the pool as the file gives it; a profile nominated in the file
carries its ``provincial_nomination``).

A scheduled scenario holds its rounds one after the other with
:func:`openentry.services.rounds.hold_round`, the use case of a live round, over a
:class:`LedgerPoolStore`: the same table, and a ledger in memory that records each round and its
invitations, so that the next round reads them as a live round reads the database (an ITA still
valid keeps its holder from the round; one past its validity counts as let lapse). Nobody
accepts, declines, is nominated or withdraws in between: nothing but the rounds is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as parquet

from openentry.db.models import RoundRow
from openentry.db.pool_repository import IssuedInvitation, conformed
from openentry.services.pool import PoolState, TablePoolStore, state_of

# The columns a pool must have: every profile is ranked by submission, and named by its id.
REQUIRED_COLUMNS = ("id", "submitted_at")


class PoolFileError(ValueError):
    """A pool file that cannot be swept: one line naming the file."""


def check_pool_file(path: str | Path) -> int:
    """The number of profiles in the Parquet pool at ``path``, after checking from its footer
    alone (no row read) that it has the columns a pool needs; :class:`PoolFileError` otherwise."""
    shown = str(path)
    try:
        metadata = parquet.read_metadata(path)
    except FileNotFoundError:
        raise PoolFileError(f"cannot read {shown}: no such file") from None
    except IsADirectoryError:
        raise PoolFileError(f"cannot read {shown}: it is a folder; give a Parquet pool") from None
    except (pa.ArrowInvalid, OSError) as error:
        raise PoolFileError(f"cannot read {shown}: not a Parquet file ({error})") from None
    names = metadata.schema.to_arrow_schema().names
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise PoolFileError(
            f"{shown}: no column {missing[0]}; a pool's profiles have an id and a submitted_at"
        )
    return int(metadata.num_rows)


def read_pool(path: str | Path) -> pa.Table:
    """The profiles of the Parquet pool at ``path`` in the columnar SCHEMA; ids must be given
    and unique (a round ranks and names each profile by its id)."""
    table = conformed(parquet.read_table(path))
    ids = table.column("id")
    if ids.null_count:
        raise PoolFileError(f"{path}: {ids.null_count} profile(s) without an id")
    if len(pc.unique(ids)) != table.num_rows:
        raise PoolFileError(f"{path}: ids must be unique within a pool")
    if table.column("submitted_at").null_count:
        raise PoolFileError(f"{path}: profiles without a submitted_at")
    return table


def pool_state(table: pa.Table, at: datetime.datetime, categories: Sequence[str]) -> PoolState:
    """The pool at ``at`` under the rules in use (a rule overlay's with ``rules.using_tree``):
    every profile's CRS, programs and the ``categories`` asked for on the day, and who is in
    the pool (:func:`openentry.services.pool.state_of`, as for a live round)."""
    return state_of(TablePoolStore(table), at, categories=categories)


class LedgerPoolStore(TablePoolStore):
    """The pool over one table with a ledger in memory (the
    :class:`~openentry.db.pool_repository.PoolStore` a live round writes to): the rounds held and
    their invitations, read back as the database would give them. One store a scheduled
    scenario, in one thread (``lock`` serialises nothing: there is no other writer)."""

    def __init__(self, table: pa.Table) -> None:
        super().__init__(table)
        self.rounds: list[RoundRow] = []
        self.invitations: list[IssuedInvitation] = []

    def lock(self, wait: bool = True) -> int:
        return self.rounds[-1].number if self.rounds else 0

    def latest_round(self) -> tuple[int, datetime.datetime] | None:
        if not self.rounds:
            return None
        latest = max(self.rounds, key=lambda row: (row.held_at, row.number))
        return latest.number, latest.held_at

    def invitations_until(self, at: datetime.datetime) -> list[IssuedInvitation]:
        """Every invitation issued at or before ``at``, in the order issued (no withdrawal is
        recorded, so none is left out)."""
        return [invitation for invitation in self.invitations if invitation.issued_at <= at]

    def round_by_key(self, key: str) -> RoundRow | None:
        return next((row for row in self.rounds if row.request_key == key), None)

    def add_round(self, row: RoundRow, invitations: Sequence[dict[str, object]]) -> None:
        """Record a round and its invitations, each numbered in the order issued."""
        self.rounds.append(row)
        for invitation in invitations:
            self.invitations.append(
                IssuedInvitation(
                    id=len(self.invitations) + 1,
                    candidate_id=str(invitation["candidate_id"]),
                    kind=str(invitation["kind"]),
                    expires_on=cast(datetime.date, invitation["expires_on"]),
                    issued_at=cast(datetime.datetime, invitation["issued_at"]),
                )
            )
