"""Tables of the service: its accounts and its append-only audit trail (issue 13).

Rows are storage only: :mod:`openentry.api.accounts` and :mod:`openentry.api.audit` turn them
into the objects the routes and commands show. A token is never stored: ``users.token_hash`` is
the SHA-256 of the random token shown once when the account is made. ``audit`` is written once
per change of state, in the change's own transaction, and never updated nor deleted (the
database refuses it: triggers made by migration 0004).
"""

from __future__ import annotations

import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openentry.db.base import Base, UtcDateTime


class UserRow(Base):
    """An account of the service: a name (a candidate's profile id), a role, a token's hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    # Hex SHA-256 of the token; the token itself is shown once and kept nowhere.
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AuditRow(Base):
    """One change of state: who (name and role), what (action, object), when, the request it
    came from, and how it ended (``ok``, or ``refused`` with the problem in ``detail``)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime.datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    # What changed (column ``object``): round:3, candidate:alice, user:bob.
    target: Mapped[str] = mapped_column("object", String(200), nullable=False)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False, default=dict)
