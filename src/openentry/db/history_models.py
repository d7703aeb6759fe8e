"""Tables of IRCC's published rounds, Ontario's draws, the imports, and what each import changed.

Rows are storage only; :mod:`openentry.history.store` turns them into
:class:`openentry.history.rounds.PublishedRound` objects and back.
"""

from __future__ import annotations

import datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openentry.db.base import Base, UtcDateTime


class HistoryImportRow(Base):
    """One import of rounds (the bundled CSV on first use, or a feed file)."""

    __tablename__ = "history_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    imported_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    source: Mapped[str] = mapped_column(String(1000), nullable=False)
    added: Mapped[int] = mapped_column(Integer, nullable=False)
    changed: Mapped[int] = mapped_column(Integer, nullable=False)
    unchanged: Mapped[int] = mapped_column(Integer, nullable=False)


class PublishedRoundRow(Base):
    """One published round, keyed by IRCC's number (``91a`` included)."""

    __tablename__ = "history_rounds"

    number: Mapped[str] = mapped_column(String(8), primary_key=True)
    date: Mapped[datetime.date] = mapped_column(Date, nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    program: Mapped[str | None] = mapped_column(String(8))
    category: Mapped[str | None] = mapped_column(String(32))
    list_version: Mapped[int | None] = mapped_column(Integer)
    invitations: Mapped[int | None] = mapped_column(Integer)
    cutoff: Mapped[int | None] = mapped_column(Integer)
    tiebreak: Mapped[datetime.datetime | None] = mapped_column(UtcDateTime)
    tiebreak_published: Mapped[str | None] = mapped_column(String(200))
    draw_datetime: Mapped[datetime.datetime | None] = mapped_column(UtcDateTime)
    programs: Mapped[str | None] = mapped_column(String(500))
    pool_as_of: Mapped[datetime.date | None] = mapped_column(Date)
    # 15 fine bands (highest first), the 451-500 and 401-450 subtotals, then the total.
    bands: Mapped[list[int] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("history_imports.id"), nullable=False)


class ProvincialDrawRow(Base):
    """One published Ontario Express Entry draw, keyed by its id (``on-2024-03-07-hcp-health``)."""

    __tablename__ = "history_provincial_draws"

    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    date: Mapped[datetime.date] = mapped_column(Date, nullable=False, index=True)
    province: Mapped[str] = mapped_column(String(2), nullable=False)
    stream: Mapped[str] = mapped_column(String(32), nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    invitations: Mapped[int | None] = mapped_column(Integer)
    crs_min: Mapped[int | None] = mapped_column(Integer)
    crs_max: Mapped[int | None] = mapped_column(Integer)
    profiles_from: Mapped[datetime.date | None] = mapped_column(Date)
    profiles_to: Mapped[datetime.date | None] = mapped_column(Date)
    target_noc_count: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(1000), nullable=False)
    source_kind: Mapped[str] = mapped_column(String(32), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("history_imports.id"), nullable=False)


class HistoryChangeRow(Base):
    """One published field of one round that an import changed (old and new as JSON values)."""

    __tablename__ = "history_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("history_imports.id"), nullable=False, index=True)
    # IRCC's round number, or an Ontario draw id.
    round_number: Mapped[str] = mapped_column(String(64), nullable=False)
    field: Mapped[str] = mapped_column(String(32), nullable=False)
    old_value: Mapped[object] = mapped_column(JSON)
    new_value: Mapped[object] = mapped_column(JSON)
