"""Tables of the pool, rounds and invitations ledger (crs-and-programs.md §4).

Rows are not domain objects (shared/STYLE.md, habit 6): services map them to
:mod:`openentry.domain`. The ledger is append-only: a candidate's history is the ordered rows of
``candidate_events``; an invitation's state is its newest event.
"""

from __future__ import annotations

import datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openentry.db.base import Base, UtcDateTime


class PoolBatchRow(Base):
    """One loaded file: its validated profiles as an Arrow IPC table (flat SCHEMA), append-only.

    The ranking reads these columns in bulk; ``pool_candidates`` stays the per-profile record.
    A profile's version at a moment is the one in the batch with the latest ``effective_at`` not
    after that moment (the latest loaded among equals).
    """

    __tablename__ = "pool_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loaded_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    # When the batch's additions and updates take effect (``pool load --at``): a round at an
    # earlier moment does not see them.
    effective_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    source: Mapped[str] = mapped_column(String(1000), nullable=False)
    profile_count: Mapped[int] = mapped_column(Integer, nullable=False)
    columns: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class CandidateRow(Base):
    """A profile in the pool: the JSON as loaded plus the columns that filter and rank."""

    __tablename__ = "pool_candidates"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    submitted_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    primary_noc: Mapped[str | None] = mapped_column(String(5), nullable=True)
    profile: Mapped[dict[str, object] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # The batch holding the current version; no foreign key or index: bulk loads stay fast.
    batch_id: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)


class RoundSequenceRow(Base):
    """One row whose lock serialises rounds (``SELECT ... FOR UPDATE``) and numbers them."""

    __tablename__ = "round_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False)


class RoundRow(Base):
    """A recorded round: its criteria, cut-off, tie-break, rules version and the pool's bands."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    held_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    criteria: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    invited: Mapped[int] = mapped_column(Integer, nullable=False)
    cutoff: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    tiebreak: Mapped[datetime.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    rules_version: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    score_bands: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False)
    # ``round run --key``: a repeat with the same key returns this round and records nothing.
    request_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    eligible: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The last candidate invited: with ``tiebreak``, decides ties at the same submission time.
    tiebreak_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)

    invitations: Mapped[list[InvitationRow]] = relationship(back_populates="round", lazy="raise")


class InvitationRow(Base):
    """An ITA (federal rounds) or NOI (provincial rounds) issued in a round."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("round_id", "candidate_id", name="uq_invitations_round_candidate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), nullable=False, index=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("pool_candidates.id"), nullable=False, index=True)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(3), nullable=False)
    crs: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    submitted_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    issued_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    expires_on: Mapped[datetime.date] = mapped_column(Date, nullable=False)

    round: Mapped[RoundRow] = relationship(back_populates="invitations", lazy="raise")


class CandidateEventRow(Base):
    """One entry of a candidate's append-only history (loaded, updated, invited, declined, ...)."""

    __tablename__ = "candidate_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("pool_candidates.id"), nullable=False, index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    occurred_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    recorded_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    province: Mapped[str | None] = mapped_column(String(2), nullable=True)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False, default=dict)


class WithdrawalRow(Base):
    """A candidate's withdrawal of a submitted profile (issue 13 §2), append-only.

    ``submitted_at`` names the submission withdrawn: a profile submitted again is a new
    submission (crs-and-programs.md §4.3), which this row does not concern; one withdrawal per
    submission (the unique constraint). From ``withdrawn_at`` on, that submission is out of the
    pool and its invitations are not used.
    """

    __tablename__ = "pool_withdrawals"
    __table_args__ = (
        UniqueConstraint("candidate_id", "submitted_at", name="uq_pool_withdrawals_submission"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("pool_candidates.id"), nullable=False)
    submitted_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    withdrawn_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    recorded_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
