"""Routes of analysts and officers: the pool, rounds, invitations, nominations (issue 13 §2).

Analysts read the pool, try rounds without recording them (``dry_run``) and read rounds'
invitations; officers may do the same, and record rounds, nominations and expired invitations.
Each recorded change writes its audit entry in its own transaction (:mod:`openentry.api.audit`).
The bodies are the commands' options as fields, and the answers what the commands print.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from openentry.api.accounts import Access, allowed_roles, may
from openentry.api.audit import (
    INVITATION_EXPIRED,
    NOMINATION_RECORDED,
    ROUND_RECORDED,
    AuditCallback,
    audited,
    candidate_target,
    round_described,
)
from openentry.api.problems import ProblemError, problem_responses, usage_problem
from openentry.api.schemas import (
    ExpiryRequest,
    InvitationLine,
    LedgerChange,
    NominationRequest,
    PoolSummary,
    RoundRequest,
    RoundSummary,
)
from openentry.api.security import Account, DatabaseEngine, PoolReader, Recorder, actor_of
from openentry.cli.database import parse_moment
from openentry.cli.inputs import UsageError
from openentry.domain import Round, RoundSpec
from openentry.services.invitations import LedgerError, candidate_history, record_outcome, round_invitations
from openentry.services.nominations import record_nomination
from openentry.services.pool import pool_summary, utc_now
from openentry.services.rounds import run_round

ACCOUNT_PROBLEMS = problem_responses(401, 403)


def _moment(value: str | None, field: str) -> datetime.datetime:
    """A date-time read as ``--at`` is (now when absent); 422 naming ``field`` otherwise."""
    if value is None:
        return utc_now()
    try:
        return parse_moment(value, f"--{field.replace('_', '-')}")
    except UsageError as error:
        raise usage_problem(error, field) from None


def pool_routes() -> APIRouter:
    router = APIRouter(tags=["pool"], responses=ACCOUNT_PROBLEMS)

    @router.get(
        "/v1/pool/summary",
        response_model=PoolSummary,
        responses=problem_responses(422),
        summary="The pool at a moment by score band (openentry pool summary)",
    )
    def summary(
        account: PoolReader,
        engine: DatabaseEngine,
        at: Annotated[str | None, Query(description="Date-time (default: now)")] = None,
    ) -> JSONResponse:
        """The pool at ``at``: how many profiles are stored and in it, IRCC's score bands of
        those in it, the invitations held, and why the others are out (analyst, officer)."""
        return JSONResponse(pool_summary(engine, _moment(at, "at")))

    @router.post(
        "/v1/rounds",
        response_model=RoundSummary,
        responses=problem_responses(409, 422),
        summary="Run a round of invitations, or try it (openentry round run)",
    )
    def run(request: RoundRequest, account: Account, engine: DatabaseEngine) -> JSONResponse:
        """Select from the pool at ``at``, rank by CRS, break ties by ``submitted_at`` and record
        the round and its invitations in one transaction (officer), or with ``dry_run`` answer
        the same and record nothing (analyst, officer). The answer is what ``openentry round
        run`` prints; a repeat with a recorded ``key`` answers that round and records nothing."""
        needed = Access.READ_POOL if request.dry_run else Access.RECORD
        if not may(account.role, needed):
            what = "try rounds" if request.dry_run else "record rounds (dry_run: true tries one)"
            raise ProblemError(
                403,
                f"an account with the role {account.role} may not {what}; allowed: {allowed_roles(needed)}",
            )
        try:
            spec: RoundSpec = request.spec()
        except UsageError as error:
            raise usage_problem(error, "at") from None
        if request.dry_run:
            return JSONResponse(run_round(engine, spec, dry_run=True).summary())

        def change(audit: AuditCallback[Round]) -> Round:
            return run_round(engine, spec, audit=audit)

        result = audited(engine, actor_of(account), ROUND_RECORDED, "round", change, round_described)
        return JSONResponse(result.summary())

    @router.get(
        "/v1/rounds/{round}/invitations",
        response_model=list[InvitationLine],
        responses=problem_responses(404, 422),
        summary="A recorded round's invitations (openentry round invitations)",
    )
    def invitations(
        account: PoolReader,
        engine: DatabaseEngine,
        round_number: Annotated[
            int, Path(alias="round", description="The round's number", ge=1, le=2**31 - 1)
        ],
    ) -> JSONResponse:
        """The round's invitations in rank order: candidate, CRS, submission time, kind (ITA or
        NOI) and the last day to act (analyst, officer)."""
        try:
            found = round_invitations(engine, round_number)
        except LedgerError as error:
            raise ProblemError(404, str(error)) from None
        return JSONResponse([invitation.as_json() for invitation in found])

    @router.get(
        "/v1/pool/candidates/{candidate}/history",
        response_model=list[dict[str, object]],
        responses=problem_responses(404, 422),
        summary="Everything recorded about a candidate (openentry pool history)",
    )
    def history(
        account: PoolReader,
        engine: DatabaseEngine,
        candidate: Annotated[str, Path(description="The candidate's id", max_length=64)],
    ) -> JSONResponse:
        """Everything recorded about a candidate, oldest first: submitted, updated, invited,
        declined, applied, expired, nominated (analyst, officer)."""
        try:
            return JSONResponse(candidate_history(engine, candidate))
        except LedgerError as error:
            raise ProblemError(404, str(error)) from None

    @router.post(
        "/v1/nominations",
        response_model=LedgerChange,
        responses=problem_responses(409, 422),
        summary="Record a provincial nomination (openentry pool nominate)",
    )
    def nominate(request: NominationRequest, account: Recorder, engine: DatabaseEngine) -> JSONResponse:
        """The province nominated the candidate at ``at``: from then on the profile carries
        ``provincial_nomination`` (600 CRS points) (officer). 409 when the ledger refuses it
        (not in the pool, nominated already, dated before the latest round)."""
        at = _moment(request.at, "at")
        province = request.province.upper()

        def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
            return record_nomination(engine, request.candidate, province, at, audit=audit)

        target = candidate_target(request.candidate)
        return JSONResponse(audited(engine, actor_of(account), NOMINATION_RECORDED, target, change))

    @router.post(
        "/v1/invitations/expire",
        response_model=LedgerChange,
        responses=problem_responses(409, 422),
        summary="Record an invitation let lapse (openentry invitation expire)",
    )
    def expire(request: ExpiryRequest, account: Recorder, engine: DatabaseEngine) -> JSONResponse:
        """The candidate let the invitation (the round's, or their latest) lapse; recorded after
        its last valid day (officer)."""
        at = _moment(request.at, "at")

        def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
            return record_outcome(engine, request.candidate, "expired", at, request.round, audit=audit)

        target = candidate_target(request.candidate, request.round)
        return JSONResponse(audited(engine, actor_of(account), INVITATION_EXPIRED, target, change))

    return router
