"""The invitations ledger: what happened to each invitation and candidate, append-only.

ITAs are valid ``rounds.ita_validity`` days from the day of issue, by the date of issue
(crs-and-programs.md §4.4); NOIs ``rounds.noi_validity`` days (categories-and-provinces.md §3.1).
A candidate who declines an ITA returns to the pool until the original expiry; one who lets it
lapse or applies leaves the pool (§4.1). A province's nomination gives the profile
``provincial_nomination`` from the moment it is recorded. Nothing is overwritten: every change is
a new ``candidate_events`` row, and an invitation's state at a moment is its newest event then.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.models import CandidateEventRow, CandidateRow, InvitationRow, RoundRow, WithdrawalRow
from openentry.db.pool_repository import PoolRepository, PoolStore
from openentry.domain import Invitation
from openentry.domain.moments import iso_utc
from openentry.rules.selection import PoolReason
from openentry.services.ordering import ensure_after_latest_round

OUTCOMES = ("declined", "applied", "expired")

# Why a profile is not in the federal pool, by what happened to its latest ITA.
ACCEPTED = PoolReason.APPLIED.value
LAPSED = PoolReason.LAPSED.value


class LedgerError(ValueError):
    """A ledger change that cannot be recorded (unknown candidate, wrong state, date out of order)."""


@dataclass(frozen=True)
class LedgerView:
    """Where every candidate with a ledger entry stands at one moment."""

    nominated: frozenset[str]
    holding_ita: frozenset[str]
    holding_noi: frozenset[str]
    removed: dict[str, frozenset[str]] = field(default_factory=dict)


def expiry_date(issued: datetime.date, validity_days: int) -> datetime.date:
    """The last day an invitation issued on ``issued`` can be acted on."""
    return issued + datetime.timedelta(days=validity_days)


def _state(expires_on: datetime.date, outcome: str | None, at: datetime.datetime) -> str:
    if outcome is not None:
        return outcome
    return "expired" if at.astimezone(datetime.UTC).date() > expires_on else "outstanding"


def ledger_view(store: PoolStore, at: datetime.datetime) -> LedgerView:
    """Nominations, outstanding invitations and the profiles out of the pool because of an ITA,
    at ``at``: each candidate's latest invitation of each kind decides."""
    outcomes = store.outcomes_until(at)
    latest: dict[tuple[str, str], str] = {}
    for invitation in store.invitations_until(at):
        state = _state(invitation.expires_on, outcomes.get(invitation.id), at)
        latest[(invitation.candidate_id, invitation.kind)] = state
    removed: dict[str, set[str]] = {ACCEPTED: set(), LAPSED: set()}
    holding: dict[str, set[str]] = {"ita": set(), "noi": set()}
    for (candidate_id, kind), state in latest.items():
        if state == "outstanding":
            holding[kind].add(candidate_id)
            continue
        reason = {"applied": ACCEPTED, "expired": LAPSED}.get(state) if kind == "ita" else None
        if reason is not None:
            removed[reason].add(candidate_id)
    return LedgerView(
        nominated=store.nominated_until(at),
        holding_ita=frozenset(holding["ita"]),
        holding_noi=frozenset(holding["noi"]),
        removed={reason: frozenset(ids) for reason, ids in removed.items()},
    )


def existing_candidate(session: Session, candidate_id: str, at: datetime.datetime) -> CandidateRow:
    """The stored candidate; LedgerError when there is none or it did not exist yet at ``at``."""
    row = session.get(CandidateRow, candidate_id)
    if row is None:
        raise LedgerError(f"no profile {candidate_id!r} in the pool")
    if at < row.submitted_at:
        raise LedgerError(
            f"{iso_utc(at)} is before profile {candidate_id!r} existed"
            f" (submitted {iso_utc(row.submitted_at)})"
        )
    return row


def ensure_submission_not_withdrawn(
    repository: PoolRepository,
    candidate_id: str,
    kind: str,
    round_number: int,
    submitted_at: datetime.datetime,
    at: datetime.datetime,
) -> None:
    """LedgerError when the invitation of ``round_number`` belongs to a submission the candidate
    withdrew by ``at``: IRCC does not use it, so it is neither declined, applied for nor let expire."""
    withdrawn_at = repository.withdrawal_of(candidate_id, submitted_at)
    if withdrawn_at is not None and withdrawn_at <= at:
        raise LedgerError(
            f"the {kind.upper()} of round {round_number} is not used: {candidate_id!r} withdrew "
            f"the profile it was issued to at {iso_utc(withdrawn_at)}"
        )


def record_outcome(
    engine: Engine,
    candidate_id: str,
    outcome: str,
    at: datetime.datetime,
    round_number: int | None = None,
    now: datetime.datetime | None = None,
    audit: Callable[[Session, dict[str, object]], None] | None = None,
) -> dict[str, object]:
    """Record that a candidate declined, applied or let expire their invitation (the latest one
    outstanding at ``at``, or the one of ``round_number``).

    ``audit``, when given, is called with the unit of work's session and the result before the
    commit: what it writes commits or rolls back with the outcome."""
    if outcome not in OUTCOMES:
        raise LedgerError(f"{outcome!r} is not an outcome; expected one of {', '.join(OUTCOMES)}")
    now = now or datetime.datetime.now(datetime.UTC)
    with session_scope(engine) as session:
        existing_candidate(session, candidate_id, at)
        if outcome != "expired":
            # An expiry follows from the date alone and changes nothing a round saw.
            ensure_after_latest_round(PoolRepository(session), at, f"an invitation {outcome}")
        query = select(InvitationRow).where(
            InvitationRow.candidate_id == candidate_id, InvitationRow.issued_at <= at
        )
        if round_number is not None:
            query = query.where(InvitationRow.round_id == round_number)
        invitations = (
            session.execute(query.order_by(InvitationRow.issued_at.desc(), InvitationRow.id.desc()))
            .scalars()
            .all()
        )
        if not invitations:
            where = f" in round {round_number}" if round_number is not None else ""
            raise LedgerError(
                f"{candidate_id!r} has no invitation issued{where} at or before {iso_utc(at)}"
            )
        invitation = invitations[0]
        ensure_submission_not_withdrawn(
            PoolRepository(session),
            candidate_id,
            invitation.kind,
            invitation.round_id,
            invitation.submitted_at,
            at,
        )
        outcomes = PoolRepository(session).outcomes_until(at)
        state = _state(invitation.expires_on, outcomes.get(invitation.id), at)
        day = at.astimezone(datetime.UTC).date()
        if outcome == "expired":
            if state != "expired" or invitation.id in outcomes:
                raise LedgerError(
                    f"the {invitation.kind.upper()} of round {invitation.round_id} is {state}, valid until "
                    f"{invitation.expires_on.isoformat()}; it can be recorded as expired from the day after"
                )
        elif state != "outstanding":
            raise LedgerError(
                f"the {invitation.kind.upper()} of round {invitation.round_id} is already {state}"
                f" on {day.isoformat()} (valid until {invitation.expires_on.isoformat()})"
            )
        event = CandidateEventRow(
            candidate_id=candidate_id,
            invitation_id=invitation.id,
            kind=outcome,
            occurred_at=at,
            recorded_at=now,
            detail={"round": invitation.round_id, "invitation": invitation.kind},
        )
        session.add(event)
        result: dict[str, object] = {
            "id": candidate_id,
            "round": invitation.round_id,
            "kind": invitation.kind,
            "recorded": outcome,
        }
        if audit is not None:
            audit(session, result)
    return result


def candidate_history(engine: Engine, candidate_id: str) -> list[dict[str, object]]:
    """Everything recorded about a candidate, oldest first: the submission, invitations and what
    became of them, nominations, withdrawals (with the submission withdrawn) and submissions
    made again."""
    with session_scope(engine) as session:
        row = session.get(CandidateRow, candidate_id)
        if row is None:
            raise LedgerError(f"no profile {candidate_id!r} in the pool")
        entries: list[tuple[datetime.datetime, int, dict[str, object]]] = [
            (row.submitted_at, 0, {"event": "submitted", "at": iso_utc(row.submitted_at)})
        ]
        invitations = session.execute(
            select(InvitationRow).where(InvitationRow.candidate_id == candidate_id)
        ).scalars()
        for invitation in invitations:
            entries.append(
                (
                    invitation.issued_at,
                    1,
                    {
                        "event": "invited",
                        "at": iso_utc(invitation.issued_at),
                        "round": invitation.round_id,
                        "kind": invitation.kind,
                        "crs": invitation.crs,
                        "expires_on": invitation.expires_on.isoformat(),
                    },
                )
            )
        events = session.execute(
            select(CandidateEventRow)
            .where(CandidateEventRow.candidate_id == candidate_id)
            .order_by(CandidateEventRow.id)
        ).scalars()
        for event in events:
            entry: dict[str, object] = {
                "event": event.kind,
                "at": iso_utc(event.occurred_at),
                "recorded_at": iso_utc(event.recorded_at),
            }
            if event.province:
                entry["province"] = event.province
            entry.update({key: value for key, value in event.detail.items() if key not in entry})
            entries.append((event.occurred_at, 2, entry))
        withdrawals = session.execute(
            select(WithdrawalRow).where(WithdrawalRow.candidate_id == candidate_id).order_by(WithdrawalRow.id)
        ).scalars()
        for withdrawal in withdrawals:
            entries.append(
                (
                    withdrawal.withdrawn_at,
                    2,
                    {
                        "event": "withdrawn",
                        "at": iso_utc(withdrawal.withdrawn_at),
                        "recorded_at": iso_utc(withdrawal.recorded_at),
                        "submitted_at": iso_utc(withdrawal.submitted_at),
                    },
                )
            )
    entries.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in entries]


def round_invitations(engine: Engine, number: int) -> list[Invitation]:
    """The invitations of a recorded round, in rank order; LedgerError when there is no such round."""
    with session_scope(engine) as session:
        if session.get(RoundRow, number) is None:
            raise LedgerError(f"no round {number} recorded")
        rows = session.execute(
            select(InvitationRow).where(InvitationRow.round_id == number).order_by(InvitationRow.rank)
        ).scalars()
        return [
            Invitation(
                candidate_id=row.candidate_id,
                rank=row.rank,
                crs=row.crs,
                submitted_at=row.submitted_at,
                kind=row.kind,
                expires_on=row.expires_on,
            )
            for row in rows
        ]
