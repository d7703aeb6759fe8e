"""The audit trail: one append-only entry per change of state, in the change's own transaction.

Issue 13 §3: every change (a profile created, updated; a round recorded; a nomination; an
invitation declined, applied for or expired; an account added or revoked) writes who (name and
role), what (action and object), when, the request it came from and how it ended. A change that
succeeds writes its entry in its own unit of work, through the ``audit`` callback the services
take, so the two commit or roll back together. A change the service refuses (a ledger rule, a
round before the latest one) rolls back, and its entry, outcome ``refused`` with the reason, is
written afterwards in a transaction of its own. Nothing updates or deletes an entry; the
database refuses to (migration 0004).

This module uses no web framework: the command line writes and reads the same entries.
"""

from __future__ import annotations

import datetime
import getpass
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.service_models import AuditRow
from openentry.domain.moments import iso_utc
from openentry.domain.rounds import Round

T = TypeVar("T")
logger = logging.getLogger("openentry.api")

OK = "ok"
REFUSED = "refused"
FAILED = "failed"

# The actions an entry records (issue 13 §3).
PROFILE_CREATED = "profile.created"
PROFILE_UPDATED = "profile.updated"
PROFILE_WITHDRAWN = "profile.withdrawn"
ROUND_RECORDED = "round.recorded"
NOMINATION_RECORDED = "nomination.recorded"
INVITATION_DECLINED = "invitation.declined"
INVITATION_APPLIED = "invitation.applied"
INVITATION_EXPIRED = "invitation.expired"
USER_ADDED = "user.added"
USER_REVOKED = "user.revoked"
ACTIONS = (
    PROFILE_CREATED,
    PROFILE_UPDATED,
    PROFILE_WITHDRAWN,
    ROUND_RECORDED,
    NOMINATION_RECORDED,
    INVITATION_DECLINED,
    INVITATION_APPLIED,
    INVITATION_EXPIRED,
    USER_ADDED,
    USER_REVOKED,
)
# The role written for a change made at the command line, by whoever can open the database.
COMMAND_LINE_ROLE = "command-line"

AuditCallback = Callable[[Session, T], None]


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an account (name and role) and the request, or the command line."""

    name: str
    role: str
    request_id: str | None = None


def command_line_actor() -> Actor:
    """The person at the terminal: their operating-system account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        name = f"uid {os.getuid()}"
    return Actor(name=name, role=COMMAND_LINE_ROLE)


def candidate_target(candidate: str, round_number: int | None = None) -> str:
    """The object of a candidate's entry: ``candidate:ID``, with ``/round:N`` when the change
    names a round's invitation."""
    return f"candidate:{candidate}" + (f"/round:{round_number}" if round_number else "")


def round_described(result: Round) -> tuple[str, dict[str, object]]:
    """The object and detail of a recorded round's entry (``describe`` of :func:`audited`)."""
    return f"round:{result.number}", {
        "kind": result.spec.kind,
        "at": result.summary()["at"],
        "size": result.spec.size,
        "criteria": result.spec.criteria,
        "invited": result.invited,
        "cutoff": result.cutoff,
        "key": result.spec.key,
    }


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the trail, as ``GET /v1/audit`` and ``openentry audit list`` show it."""

    id: int
    at: datetime.datetime
    actor: str
    role: str
    action: str
    target: str
    request_id: str | None
    outcome: str
    detail: dict[str, object]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": iso_utc(self.at),
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "object": self.target,
            "request_id": self.request_id,
            "outcome": self.outcome,
            "detail": self.detail,
        }


def write_entry(
    session: Session,
    actor: Actor,
    action: str,
    target: str,
    outcome: str = OK,
    detail: dict[str, object] | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """Add one entry to the unit of work ``session`` (it commits with the change)."""
    session.add(
        AuditRow(
            at=at or datetime.datetime.now(datetime.UTC),
            actor=actor.name[:200],
            role=actor.role[:20],
            action=action,
            target=target[:200],
            request_id=actor.request_id,
            outcome=outcome,
            detail=detail or {},
        )
    )


def audited(
    engine: Engine,
    actor: Actor,
    action: str,
    target: str,
    change: Callable[[AuditCallback[T]], T],
    describe: Callable[[T], tuple[str, dict[str, object]]] | None = None,
) -> T:
    """Run ``change``, handing it the callback that writes the entry inside its transaction.

    ``describe`` gives the object and detail of the entry from the change's result (a round's
    number is known only once it is recorded); by default the object is ``target``. When the
    change raises, the entry (``refused``, or ``failed`` for an error that is not a refusal) is
    written in its own transaction and the error goes on.
    """

    def write(session: Session, result: T) -> None:
        target_now, detail = describe(result) if describe is not None else (target, {})
        write_entry(session, actor, action, target_now, OK, detail)

    try:
        return change(write)
    except Exception as error:
        refusal = isinstance(error, ValueError)
        record_refusal(engine, actor, action, target, REFUSED if refusal else FAILED, str(error))
        raise


def record_refusal(engine: Engine, actor: Actor, action: str, target: str, outcome: str, reason: str) -> None:
    """The entry of a change that did not happen, in a transaction of its own. If even that
    fails (the database is down), it is logged: the change did not happen either."""
    try:
        with session_scope(engine) as session:
            write_entry(session, actor, action, target, outcome, {"reason": reason})
    except Exception:
        logger.exception("could not write the audit entry of a %s %s by %s", outcome, action, actor.name)


def audit_entries(
    engine: Engine,
    actor: str | None = None,
    action: str | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Entries in the order written, those with an id above ``after`` (to page through), at most
    ``limit``, of one actor or one action when given."""
    query = select(AuditRow).order_by(AuditRow.id).limit(limit)
    if actor is not None:
        query = query.where(AuditRow.actor == actor)
    if action is not None:
        query = query.where(AuditRow.action == action)
    if after is not None:
        query = query.where(AuditRow.id > after)
    with session_scope(engine) as session:
        rows = session.execute(query).scalars().all()
        return [
            AuditEntry(
                id=row.id,
                at=row.at,
                actor=row.actor,
                role=row.role,
                action=row.action,
                target=row.target,
                request_id=row.request_id,
                outcome=row.outcome,
                detail=dict(row.detail),
            )
            for row in rows
        ]
