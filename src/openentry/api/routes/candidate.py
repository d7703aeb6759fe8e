"""A candidate's routes: their own profile, standing and invitations (issue 13 §2).

Only the account's own data is ever read or changed: the routes take no candidate id (it is the
account's name), and a round in which the candidate holds no invitation is 404, as a round that
does not exist, so nothing is told about anyone else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from openentry.api.bodies import json_body, one_profile_request_body
from openentry.api.candidates import (
    NotFound,
    answer_invitation,
    own_profile,
    standing,
    submit_profile,
    withdraw_profile,
)
from openentry.api.problems import ProblemError, problem_responses
from openentry.api.schemas import LedgerChange, ProfileReceipt, Standing, WithdrawalReceipt
from openentry.api.security import Candidate, DatabaseEngine, actor_of

ACCOUNT_PROBLEMS = problem_responses(401, 403)
RoundParameter = Annotated[
    int, Path(alias="round", description="The round that sent the invitation", ge=1, le=2**31 - 1)
]


def candidate_routes() -> APIRouter:
    router = APIRouter(tags=["candidate"], responses=ACCOUNT_PROBLEMS)

    @router.get("/v1/me", response_model=Standing, summary="My CRS today, standing and invitations")
    def me(account: Candidate, engine: DatabaseEngine) -> JSONResponse:
        """The CRS the pool gives the candidate today (a nomination's 600 points included),
        whether they are in the pool (or the first reason they are not), the invitations they
        hold with the last day to act on each, and everything recorded about them."""
        return JSONResponse(standing(engine, account.name))

    @router.get(
        "/v1/me/profile",
        responses={
            200: {
                "description": "The profile (interfaces.md §1)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}},
            },
            **problem_responses(404),
        },
        summary="My profile as last submitted",
    )
    def get_profile(account: Candidate, engine: DatabaseEngine) -> JSONResponse:
        """The profile as last submitted, with the ``submitted_at`` the pool keeps; 404 before
        the first submission."""
        try:
            return JSONResponse(own_profile(engine, account.name))
        except NotFound as error:
            raise ProblemError(404, str(error)) from None

    @router.put(
        "/v1/me/profile",
        response_model=ProfileReceipt,
        status_code=200,
        responses={
            201: {"model": ProfileReceipt, "description": "First submission"},
            **problem_responses(400, 409, 413, 422),
        },
        openapi_extra=one_profile_request_body(),
        summary="Enter or update my profile in the pool",
    )
    async def put_profile(account: Candidate, request: Request, engine: DatabaseEngine) -> JSONResponse:
        """Enter the profile in the pool (201; ``submitted_at`` is set now) or update it (200;
        ``submitted_at`` is kept, crs-and-programs.md §4.3). ``id`` may be left out: it is the
        account's name. Effective now; 422 naming the field when the profile cannot be used."""
        raw = await json_body(request)
        submitted = await run_in_threadpool(submit_profile, engine, actor_of(account), raw)
        return JSONResponse(submitted.as_json(), status_code=201 if submitted.created else 200)

    @router.post(
        "/v1/me/withdraw",
        response_model=WithdrawalReceipt,
        responses=problem_responses(404, 409),
        summary="Withdraw my profile from the pool",
    )
    def withdraw(account: Candidate, engine: DatabaseEngine) -> JSONResponse:
        """Withdraw the profile, now: it is out of the pool from this moment, and an invitation
        it holds is not used. Sending the profile again (``PUT /v1/me/profile``) is a new
        submission, in the pool from then with a new ``submitted_at``. 404 before the first
        submission; 409 when it is withdrawn already or out of the pool for good (expired,
        applied, an ITA let lapse)."""
        try:
            return JSONResponse(withdraw_profile(engine, actor_of(account)))
        except NotFound as error:
            raise ProblemError(404, str(error)) from None

    def answered(account: Candidate, engine: DatabaseEngine, round_number: int, answer: str) -> JSONResponse:
        try:
            result = answer_invitation(engine, actor_of(account), round_number, answer)
        except NotFound as error:
            raise ProblemError(404, str(error)) from None
        return JSONResponse(result)

    @router.post(
        "/v1/me/invitations/{round}/decline",
        response_model=LedgerChange,
        responses=problem_responses(404, 409, 422),
        summary="Decline my invitation of a round",
    )
    def decline(account: Candidate, engine: DatabaseEngine, round_number: RoundParameter) -> JSONResponse:
        """Decline the invitation, now: the profile is back in the pool until its original
        expiry (crs-and-programs.md §4.4). 404 when the candidate holds no invitation from that
        round; 409 when it can no longer be answered (already answered, expired)."""
        return answered(account, engine, round_number, "decline")

    @router.post(
        "/v1/me/invitations/{round}/apply",
        response_model=LedgerChange,
        responses=problem_responses(404, 409, 422),
        summary="Apply for permanent residence on my invitation of a round",
    )
    def apply(account: Candidate, engine: DatabaseEngine, round_number: RoundParameter) -> JSONResponse:
        """Apply on the invitation, now: an ITA accepted takes the profile out of the pool
        (crs-and-programs.md §4.1). 404 when the candidate holds no invitation from that round;
        409 when it can no longer be answered (already answered, expired)."""
        return answered(account, engine, round_number, "apply")

    return router
