"""Recording a province's nomination (crs-and-programs.md §4.6; categories-and-provinces.md §3).

A province nominates a candidate who is in the Express Entry pool; the nomination adds 600 CRS
points from the moment it is recorded and makes the candidate one of those a Provincial Nominee
Program round invites. A candidate holds one nomination: a second one, from the same province or
another, is refused, as is a nomination of a profile out of the pool at that moment (expired,
applied after an ITA, meeting no program, ...) or dated before the latest recorded round.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.models import CandidateEventRow
from openentry.db.pool_repository import NOMINATED, PoolRepository
from openentry.domain.moments import iso_utc
from openentry.domain.rounds import PROVINCES
from openentry.services.invitations import LedgerError, existing_candidate
from openentry.services.ordering import ensure_after_latest_round
from openentry.services.pool import state_of, utc_now


def record_nomination(
    engine: Engine,
    candidate_id: str,
    province: str,
    at: datetime.datetime,
    now: datetime.datetime | None = None,
    audit: Callable[[Session, dict[str, object]], None] | None = None,
) -> dict[str, object]:
    """A province nominated the candidate at ``at``: from then on the profile carries
    ``provincial_nomination`` (600 CRS points).

    ``audit``, when given, is called with the unit of work's session and the result before the
    commit: what it writes commits or rolls back with the nomination."""
    if province not in PROVINCES:
        raise LedgerError(f"{province!r} is not a province code; expected one of {', '.join(PROVINCES)}")
    now = now or utc_now()
    with session_scope(engine) as session:
        repository = PoolRepository(session)
        repository.lock()
        existing_candidate(session, candidate_id, at)
        ensure_after_latest_round(repository, at, "a nomination")
        earlier = session.execute(
            select(CandidateEventRow.province, CandidateEventRow.occurred_at)
            .where(CandidateEventRow.candidate_id == candidate_id, CandidateEventRow.kind == NOMINATED)
            .order_by(CandidateEventRow.occurred_at)
        ).first()
        if earlier is not None:
            raise LedgerError(
                f"{candidate_id!r} was already nominated by {earlier[0]} at {iso_utc(earlier[1])}; "
                "a candidate holds one provincial nomination"
            )
        state = state_of(repository, at, only=candidate_id)
        reason = state.membership.reason_of(0) if state.size else None
        if state.size == 0 or reason is not None:
            why = reason.value if reason is not None else "no version of the profile by then"
            raise LedgerError(
                f"{candidate_id!r} is not in the pool at {iso_utc(at)} ({why}); "
                "a province nominates candidates in the pool"
            )
        session.add(
            CandidateEventRow(
                candidate_id=candidate_id,
                kind=NOMINATED,
                occurred_at=at,
                recorded_at=now,
                province=province,
                detail={},
            )
        )
        result: dict[str, object] = {"id": candidate_id, "recorded": NOMINATED, "province": province}
        if audit is not None:
            audit(session, result)
    return result
