"""A candidate withdraws their profile from the pool (issue 13 §2; crs-and-programs.md §4.1, §4.3).

The submission is out of the pool from the moment it is withdrawn
(:attr:`openentry.rules.selection.PoolReason.WITHDRAWN`). IRCC does not use an invitation once
its profile is withdrawn: the ledger leaves out the invitations of a withdrawn submission from
then (:meth:`openentry.db.pool_repository.PoolRepository.invitations_until`), so an outstanding
ITA is neither outstanding nor let lapse any more, and it can no longer be answered
(:func:`ensure_invitation_in_use`). No outcome is recorded for it.

A candidate who submits the profile again makes a new submission: its ``submitted_at`` is the
new one's, and it is in the pool from then (:func:`openentry.services.pool.kept_submissions`).

Refused: a withdrawal dated before the latest recorded round (its pool is history), before the
profile was submitted, of a submission already withdrawn, or of one that has left the pool for
good (12 months passed, applied after an ITA, let an ITA lapse): there is nothing left to
withdraw. A profile out of the pool only for what an update may change (a language result
expired, meeting no program, a result not accepted on the day) may be withdrawn.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.models import InvitationRow
from openentry.db.pool_repository import PoolRepository, Withdrawal
from openentry.domain.moments import iso_utc
from openentry.rules.selection import PoolReason
from openentry.services.invitations import LedgerError, ensure_submission_not_withdrawn, existing_candidate
from openentry.services.ordering import ensure_after_latest_round
from openentry.services.pool import state_of, utc_now

WITHDRAWN = "withdrawn"
# The reasons a submission has left the pool for good: nothing is left to withdraw.
GONE = (PoolReason.NOT_YET_SUBMITTED, PoolReason.POOL_EXPIRY, PoolReason.APPLIED, PoolReason.LAPSED)


class AlreadyWithdrawn(LedgerError):
    """The submission the profile stands on was withdrawn already."""


def _held_invitations(
    session: Session,
    candidate_id: str,
    submitted_at: datetime.datetime,
    kinds: list[str],
    at: datetime.datetime,
) -> list[dict[str, object]]:
    """The invitation of each kind in ``kinds`` the submission holds at ``at`` (the latest one
    issued of that kind, as the ledger reads it), oldest first."""
    held: dict[str, dict[str, object]] = {}
    rows = session.execute(
        select(InvitationRow.round_id, InvitationRow.kind, InvitationRow.expires_on)
        .where(
            InvitationRow.candidate_id == candidate_id,
            InvitationRow.submitted_at == submitted_at,
            InvitationRow.issued_at <= at,
            InvitationRow.kind.in_(kinds),
        )
        .order_by(InvitationRow.issued_at, InvitationRow.id)
    )
    for round_number, kind, expires_on in rows:
        held[kind] = {"round": round_number, "kind": kind, "expires_on": expires_on.isoformat()}
    return list(held.values())


def withdraw(
    engine: Engine,
    candidate_id: str,
    at: datetime.datetime,
    now: datetime.datetime | None = None,
    audit: Callable[[Session, dict[str, object]], None] | None = None,
) -> dict[str, object]:
    """The candidate withdrew their profile at ``at``: the submission it stands on is out of the
    pool from then, and the invitations it holds are not used (listed in the result as
    ``invitations_not_used``). LedgerError (AlreadyWithdrawn for a second withdrawal) or
    PastChangeError when it cannot be recorded.

    ``audit``, when given, is called with the unit of work's session and the result before the
    commit: what it writes commits or rolls back with the withdrawal."""
    now = now or utc_now()
    with session_scope(engine) as session:
        repository = PoolRepository(session)
        repository.lock()
        existing_candidate(session, candidate_id, at)
        ensure_after_latest_round(repository, at, "a withdrawal")
        state = state_of(repository, at, only=candidate_id)
        if state.size == 0:
            raise LedgerError(f"{candidate_id!r} has no version of the profile at {iso_utc(at)}")
        submitted_at: datetime.datetime = state.table.column("submitted_at")[0].as_py()
        earlier = repository.withdrawal_of(candidate_id, submitted_at)
        if earlier is not None:
            raise AlreadyWithdrawn(
                f"{candidate_id!r} withdrew the profile submitted at {iso_utc(submitted_at)} already, at "
                f"{iso_utc(earlier)}; submitting the profile again enters it in the pool anew"
            )
        reason = state.membership.reason_of(0)
        if reason in GONE:
            assert reason is not None
            raise LedgerError(
                f"{candidate_id!r} is out of the pool for good at {iso_utc(at)} ({reason.value}); "
                "there is no profile in the pool to withdraw"
            )
        kinds = [kind for kind, held in (("ita", state.holds_ita[0]), ("noi", state.holds_noi[0])) if held]
        not_used = _held_invitations(session, candidate_id, submitted_at, kinds, at) if kinds else []
        repository.add_withdrawal(Withdrawal(candidate_id, submitted_at, at), now)
        result: dict[str, object] = {
            "id": candidate_id,
            "recorded": WITHDRAWN,
            "at": iso_utc(at),
            "submitted_at": iso_utc(submitted_at),
            "invitations_not_used": not_used,
        }
        if audit is not None:
            audit(session, result)
    return result


def ensure_invitation_in_use(
    engine: Engine, candidate_id: str, round_number: int, at: datetime.datetime
) -> None:
    """LedgerError when the candidate's invitation of ``round_number`` belongs to a submission
    they withdrew by ``at``: IRCC does not use it, so it is neither declined nor applied for."""
    with session_scope(engine) as session:
        invitation = session.execute(
            select(InvitationRow.kind, InvitationRow.submitted_at).where(
                InvitationRow.candidate_id == candidate_id, InvitationRow.round_id == round_number
            )
        ).first()
        if invitation is None:
            return
        ensure_submission_not_withdrawn(
            PoolRepository(session), candidate_id, invitation[0], round_number, invitation[1], at
        )
