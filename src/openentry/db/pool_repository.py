"""Storage of the pool and its rounds: batches of profile versions, the per-profile record, rounds
and their invitations. Services reach the database only through :class:`PoolRepository`, inside
a unit of work (:func:`openentry.db.session_scope`); storage detail (Arrow IPC blobs, PostgreSQL
``COPY``) lives here and nowhere else.

Profile versions: each load is one append-only batch with the moment it takes effect
(``effective_at``). The version of a profile at a moment is the one in the batch with the latest
``effective_at`` not after it, the latest loaded among equals. A profile that no batch in effect
by then holds stands as it was first loaded: that version is what the candidate submitted, and
it stands from its ``submitted_at`` (whether the profile was submitted by then is the pool's
rule, :func:`openentry.rules.selection.membership`).

Withdrawals: a candidate withdraws a submission (``pool_withdrawals``: the candidate, the
``submitted_at`` of the submission withdrawn, its moment). A profile submitted again is a new
submission, with a ``submitted_at`` of its own, which an earlier withdrawal does not concern.
IRCC does not use an invitation once its profile is withdrawn: the ledger read here
(:meth:`PoolRepository.invitations_until`) leaves out the invitations of a submission withdrawn
by then.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as csv
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from openentry.db.models import (
    CandidateEventRow,
    CandidateRow,
    InvitationRow,
    PoolBatchRow,
    RoundRow,
    RoundSequenceRow,
    WithdrawalRow,
)
from openentry.domain.moments import iso_utc
from openentry.profiles.columnar import SCHEMA

# Event kinds in ``candidate_events``: a provincial nomination; a new version of a profile; a
# profile submitted again after its withdrawal (a new submission).
NOMINATED = "nominated"
UPDATED = "updated"
RESUBMITTED = "resubmitted"
_CANDIDATE_COLUMNS = ("id", "submitted_at", "primary_noc", "profile", "batch_id", "updated_at")
# How SQLAlchemy's DateTime stores a value in SQLite; Arrow's %S carries the microseconds.
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S"
_CHUNK = 5000


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation as the ledger reads it."""

    id: int
    candidate_id: str
    kind: str
    expires_on: datetime.date
    issued_at: datetime.datetime


@dataclass(frozen=True)
class Withdrawal:
    """A submission withdrawn by its candidate: who, which submission (its ``submitted_at``), when."""

    candidate_id: str
    submitted_at: datetime.datetime
    withdrawn_at: datetime.datetime


class PoolStore(Protocol):
    """What the pool's use cases need of storage, inside one unit of work: the SQL repository
    below, or an in-memory fake in tests."""

    def lock(self, wait: bool = True) -> int: ...
    def latest_round(self) -> tuple[int, datetime.datetime] | None: ...
    def profiles_at(self, at: datetime.datetime, only: str | None = None) -> pa.Table: ...
    def invitations_until(self, at: datetime.datetime) -> list[IssuedInvitation]: ...
    def outcomes_until(self, at: datetime.datetime) -> dict[int, str]: ...
    def nominated_until(self, at: datetime.datetime) -> frozenset[str]: ...
    def withdrawn_until(self, at: datetime.datetime) -> list[Withdrawal]: ...
    def round_by_key(self, key: str) -> RoundRow | None: ...
    def add_round(self, row: RoundRow, invitations: Sequence[dict[str, object]]) -> None: ...


@dataclass(frozen=True)
class StoredBatch:
    """What storing a batch did: the batch's number, and how many profiles were new."""

    batch: int
    added: int
    updated: int


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    # LZ4 reads back several times faster than zstd, and every round reads every batch.
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _table_from_ipc(data: bytes) -> pa.Table:
    """A stored batch as a SCHEMA table: a batch stored by an older version lacks the columns
    added since (a language result's ``scale``), read as nulls (absent)."""
    return conformed(pa.ipc.open_stream(pa.py_buffer(data)).read_all())


def conformed(table: pa.Table) -> pa.Table:
    """The table with exactly SCHEMA's columns and types, in its order (absent optional columns
    as nulls)."""
    if table.schema.equals(SCHEMA):
        return table
    arrays = [
        table.column(field.name).cast(field.type)
        if field.name in table.column_names
        else pa.nulls(table.num_rows, field.type)
        for field in SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _first_of_each_id(tables: Sequence[pa.Table]) -> pa.Table:
    """The rows of ``tables``, in order, keeping each id's first row (a table's ids are unique)."""
    tables = [table for table in tables if table.num_rows]
    if not tables:
        return SCHEMA.empty_table()
    if len(tables) == 1:
        return tables[0]
    combined = pa.concat_tables(tables)
    codes = pc.dictionary_encode(combined.column("id")).combine_chunks().indices.to_numpy()
    first = np.empty(int(codes.max()) + 1, dtype=np.int64)
    positions = np.arange(len(codes), dtype=np.int64)
    first[codes[::-1]] = positions[::-1]  # the last assignment wins: the first (newest) position
    return combined.take(pa.array(np.sort(first)))


class PoolRepository:
    """The pool's tables, used inside one transaction (the caller's unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- serialising writers -------------------------------------------------------------------

    def lock(self, wait: bool = True) -> int:
        """The last round number; with ``wait``, lock the round-sequence row first so writers of
        the pool and rounds go one at a time (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite
        transactions already begin with ``BEGIN IMMEDIATE``)."""
        query = select(RoundSequenceRow.last_number).where(RoundSequenceRow.id == 1)
        number = self.session.execute(query.with_for_update() if wait else query).scalar_one()
        return int(number)

    def latest_round(self) -> tuple[int, datetime.datetime] | None:
        """The number and moment of the latest recorded round (by moment), if any."""
        row = self.session.execute(
            select(RoundRow.number, RoundRow.held_at).order_by(
                RoundRow.held_at.desc(), RoundRow.number.desc()
            )
        ).first()
        return None if row is None else (int(row[0]), row[1])

    # -- profiles ------------------------------------------------------------------------------

    def submitted_at_of(self, ids: Sequence[str]) -> dict[str, datetime.datetime]:
        """The stored ``submitted_at`` of those of ``ids`` already in the pool."""
        if self.session.execute(select(CandidateRow.id).limit(1)).first() is None:
            return {}
        found: dict[str, datetime.datetime] = {}
        for start in range(0, len(ids), _CHUNK):
            rows = self.session.execute(
                select(CandidateRow.id, CandidateRow.submitted_at).where(
                    CandidateRow.id.in_(ids[start : start + _CHUNK])
                )
            )
            found.update({row_id: submitted for row_id, submitted in rows})
        return found

    def store_batch(
        self,
        table: pa.Table,
        source: str,
        texts: Sequence[str | None],
        effective_at: datetime.datetime,
        now: datetime.datetime,
        existing: dict[str, datetime.datetime],
    ) -> StoredBatch:
        """Append a batch (a SCHEMA table whose ``submitted_at`` already keeps stored values),
        update the per-profile record of known ids and insert the new ones.

        ``texts``: each profile as JSON text, or None where only the columns exist (a columnar
        load); ``existing``: the ids already stored, with their stored ``submitted_at``. A known
        id whose ``submitted_at`` in ``table`` differs from the stored one is submitted again
        after a withdrawal (:func:`openentry.services.pool.kept_submissions`): its record takes
        the new submission's moment and its history a ``resubmitted`` entry.
        """
        batch = PoolBatchRow(
            loaded_at=now,
            effective_at=effective_at,
            source=source[:1000],
            profile_count=table.num_rows,
            columns=_ipc_bytes(table),
        )
        self.session.add(batch)
        self.session.flush()
        ids: list[str] = table.column("id").to_pylist()
        is_new = np.array([row_id not in existing for row_id in ids], dtype=bool)
        for row in np.flatnonzero(~is_new).tolist():
            text = texts[row]
            submitted_at: datetime.datetime = table.column("submitted_at")[row].as_py()
            previous = existing[ids[row]]
            values: dict[str, object] = {
                "profile": None if text is None else json.loads(text),
                "primary_noc": table.column("primary_noc")[row].as_py(),
                "batch_id": batch.id,
                "updated_at": now,
            }
            detail: dict[str, object] = {"batch": batch.id}
            if submitted_at != previous:
                values["submitted_at"] = submitted_at
                detail["previous_submitted_at"] = iso_utc(previous)
            self.session.execute(update(CandidateRow).where(CandidateRow.id == ids[row]).values(**values))
            self.session.add(
                CandidateEventRow(
                    candidate_id=ids[row],
                    kind=RESUBMITTED if "submitted_at" in values else UPDATED,
                    occurred_at=effective_at,
                    recorded_at=now,
                    detail=detail,
                )
            )
        new = table.filter(pa.array(is_new)) if existing else table
        size = new.num_rows
        rows = pa.table(
            {
                "id": new.column("id"),
                "submitted_at": new.column("submitted_at"),
                "primary_noc": new.column("primary_noc"),
                "profile": pa.array(
                    [text for text, keep in zip(texts, is_new, strict=True) if keep], pa.string()
                ),
                "batch_id": pa.array(np.full(size, batch.id, dtype=np.int64)),
                "updated_at": pa.array([now] * size, SCHEMA.field("submitted_at").type),
            }
        )
        self._insert_candidates(rows)
        return StoredBatch(batch=batch.id, added=size, updated=int((~is_new).sum()))

    def _insert_candidates(self, rows: pa.Table) -> None:
        """Bulk insert of new candidates (columns ``_CANDIDATE_COLUMNS``, ``profile`` as JSON text).

        PostgreSQL: ``COPY ... FROM STDIN`` of a CSV written by Arrow. SQLite: the driver's
        executemany over the columns, datetimes already in SQLAlchemy's stored form.
        """
        if rows.num_rows == 0:
            return
        connection = self.session.connection()
        names = ", ".join(_CANDIDATE_COLUMNS)
        if connection.dialect.name == "postgresql":
            buffer = io.BytesIO()
            csv.write_csv(rows, buffer, csv.WriteOptions(include_header=False))
            raw = connection.connection.dbapi_connection
            assert raw is not None
            statement = f"COPY pool_candidates ({names}) FROM STDIN WITH (FORMAT csv)"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
                copy.write(buffer.getvalue())
            return
        columns = [
            pc.strftime(rows.column(name), _SQLITE_DATETIME)
            if name in ("submitted_at", "updated_at")
            else rows.column(name)
            for name in _CANDIDATE_COLUMNS
        ]
        values = list(zip(*(column.to_pylist() for column in columns), strict=True))
        placeholders = ", ".join("?" for _ in _CANDIDATE_COLUMNS)
        connection.exec_driver_sql(f"INSERT INTO pool_candidates ({names}) VALUES ({placeholders})", values)

    def profiles_at(self, at: datetime.datetime, only: str | None = None) -> pa.Table:
        """Every profile's version at ``at`` (see the module's docstring), as one SCHEMA table;
        with ``only``, that profile's alone (an empty table when it has none)."""
        rows = self.session.execute(
            select(PoolBatchRow.id, PoolBatchRow.effective_at).order_by(PoolBatchRow.id)
        ).all()
        if only is not None:
            candidate = self.session.get(CandidateRow, only)
            if candidate is None:
                return SCHEMA.empty_table()
            # Only batches loaded up to the one holding its current version can hold it.
            rows = [row for row in rows if row[0] <= candidate.batch_id]
        past = sorted((row for row in rows if row[1] <= at), key=lambda row: (row[1], row[0]), reverse=True)
        future = [row[0] for row in rows if row[1] > at]  # in the order they were loaded

        def read(batch: int) -> pa.Table:
            data = self.session.execute(
                select(PoolBatchRow.columns).where(PoolBatchRow.id == batch)
            ).scalar_one()
            table = _table_from_ipc(data)
            return table if only is None else table.filter(pc.equal(table.column("id"), only))

        known = _first_of_each_id([read(batch) for batch, _ in past])
        if future:
            # A profile first loaded after ``at`` stands from its submission as first loaded:
            # the earliest loaded version of each id no batch in effect by ``at`` holds.
            first = _first_of_each_id([read(batch) for batch in future])
            if known.num_rows and first.num_rows:
                first = first.filter(pc.invert(pc.is_in(first.column("id"), value_set=known.column("id"))))
            known = pa.concat_tables([known, first]) if known.num_rows else first
        return known

    # -- the ledger ----------------------------------------------------------------------------

    def invitations_until(self, at: datetime.datetime) -> list[IssuedInvitation]:
        """Every invitation issued at or before ``at``, in the order they were issued, but those
        of a submission withdrawn by then: IRCC does not use an invitation once its profile is
        withdrawn, so it is neither outstanding nor let lapse (and a profile submitted again is
        a new submission, which holds none of them)."""
        rows = self.session.execute(
            select(
                InvitationRow.id,
                InvitationRow.candidate_id,
                InvitationRow.kind,
                InvitationRow.expires_on,
                InvitationRow.issued_at,
                InvitationRow.submitted_at,
            )
            .where(InvitationRow.issued_at <= at)
            .order_by(InvitationRow.issued_at, InvitationRow.id)
        ).all()
        withdrawn = {(item.candidate_id, item.submitted_at) for item in self.withdrawn_until(at)}
        return [
            IssuedInvitation(*row[:5]) for row in rows if not withdrawn or (row[1], row[5]) not in withdrawn
        ]

    def outcomes_until(self, at: datetime.datetime) -> dict[int, str]:
        """Each invitation's newest outcome (declined, applied, expired) recorded at or before ``at``."""
        rows = self.session.execute(
            select(CandidateEventRow.invitation_id, CandidateEventRow.kind)
            .where(CandidateEventRow.invitation_id.is_not(None), CandidateEventRow.occurred_at <= at)
            .order_by(CandidateEventRow.occurred_at, CandidateEventRow.id)
        )
        return {int(invitation_id): kind for invitation_id, kind in rows if invitation_id is not None}

    def nominated_until(self, at: datetime.datetime) -> frozenset[str]:
        """The candidates nominated by a province at or before ``at``."""
        rows = self.session.execute(
            select(CandidateEventRow.candidate_id).where(
                CandidateEventRow.kind == NOMINATED, CandidateEventRow.occurred_at <= at
            )
        ).scalars()
        return frozenset(rows)

    def withdrawn_until(self, at: datetime.datetime) -> list[Withdrawal]:
        """The submissions withdrawn at or before ``at``, in the order they were withdrawn."""
        rows = self.session.execute(
            select(WithdrawalRow.candidate_id, WithdrawalRow.submitted_at, WithdrawalRow.withdrawn_at)
            .where(WithdrawalRow.withdrawn_at <= at)
            .order_by(WithdrawalRow.withdrawn_at, WithdrawalRow.id)
        )
        return [Withdrawal(*row) for row in rows]

    def withdrawal_of(self, candidate_id: str, submitted_at: datetime.datetime) -> datetime.datetime | None:
        """When the candidate withdrew the submission of ``submitted_at``, at whatever moment
        (None: never)."""
        return self.session.execute(
            select(WithdrawalRow.withdrawn_at).where(
                WithdrawalRow.candidate_id == candidate_id, WithdrawalRow.submitted_at == submitted_at
            )
        ).scalar_one_or_none()

    def add_withdrawal(self, withdrawal: Withdrawal, recorded_at: datetime.datetime) -> None:
        """Record a withdrawal (the database refuses a second one of the same submission)."""
        self.session.add(
            WithdrawalRow(
                candidate_id=withdrawal.candidate_id,
                submitted_at=withdrawal.submitted_at,
                withdrawn_at=withdrawal.withdrawn_at,
                recorded_at=recorded_at,
            )
        )
        self.session.flush()

    # -- rounds --------------------------------------------------------------------------------

    def round_by_key(self, key: str) -> RoundRow | None:
        return self.session.execute(select(RoundRow).where(RoundRow.request_key == key)).scalar_one_or_none()

    def round(self, number: int) -> RoundRow | None:
        return self.session.execute(select(RoundRow).where(RoundRow.number == number)).scalar_one_or_none()

    def add_round(self, row: RoundRow, invitations: Sequence[dict[str, object]]) -> None:
        """Record a round, advance the round sequence and write its invitations."""
        self.session.add(row)
        self.session.execute(
            update(RoundSequenceRow).where(RoundSequenceRow.id == 1).values(last_number=row.number)
        )
        self.session.flush()
        if invitations:
            self.session.execute(insert(InvitationRow), list(invitations))

    def invitation_count(self, number: int) -> int:
        return int(
            self.session.execute(
                select(func.count()).select_from(InvitationRow).where(InvitationRow.round_id == number)
            ).scalar_one()
        )
