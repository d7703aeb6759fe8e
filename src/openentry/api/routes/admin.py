"""Routes of admins (accounts) and of the audit trail's readers (officers, admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from openentry.api.accounts import (
    AccountConflict,
    AccountError,
    NoSuchAccount,
    add_user,
    list_users,
    revoke_user,
)
from openentry.api.audit import ACTIONS, audit_entries
from openentry.api.problems import ProblemError, problem_responses
from openentry.api.schemas import AuditLine, NewUser, NewUserRequest, UserLine
from openentry.api.security import AccountManager, AuditReader, DatabaseEngine, actor_of

ACCOUNT_PROBLEMS = problem_responses(401, 403)
NameParameter = Annotated[str, Path(description="The account's name", max_length=64)]


def _account_problem(error: AccountError) -> ProblemError:
    """404 for no such account, 409 for a name taken or an account revoked already, else 422."""
    status = 404 if isinstance(error, NoSuchAccount) else 409 if isinstance(error, AccountConflict) else 422
    return ProblemError(status, error.message, field=error.field)


def admin_routes() -> APIRouter:
    router = APIRouter(responses=ACCOUNT_PROBLEMS)

    @router.get("/v1/users", response_model=list[UserLine], tags=["admin"], summary="Every account")
    def users(account: AccountManager, engine: DatabaseEngine) -> JSONResponse:
        """Every account, revoked ones included, in the order they were made; never a token (admin)."""
        return JSONResponse([found.as_json() for found in list_users(engine)])

    @router.post(
        "/v1/users",
        response_model=NewUser,
        status_code=201,
        responses=problem_responses(409, 422),
        tags=["admin"],
        summary="Make an account (openentry user add)",
    )
    def add(request: NewUserRequest, account: AccountManager, engine: DatabaseEngine) -> JSONResponse:
        """A new account and its token, shown this once and stored only as a hash (admin). 409
        when the name is taken; 422 for a name that could not be a profile's id or a role that is
        not an account's."""
        try:
            made = add_user(engine, request.user, request.role, actor_of(account))
        except AccountError as error:
            raise _account_problem(error) from None
        return JSONResponse(made.as_json(), status_code=201)

    @router.post(
        "/v1/users/{name}/revoke",
        response_model=UserLine,
        responses=problem_responses(404, 409, 422),
        tags=["admin"],
        summary="Revoke an account (openentry user revoke)",
    )
    def revoke(name: NameParameter, account: AccountManager, engine: DatabaseEngine) -> JSONResponse:
        """Refuse the account's token from now on; the account stays listed (admin)."""
        try:
            revoked = revoke_user(engine, name, actor_of(account))
        except AccountError as error:
            raise _account_problem(error) from None
        return JSONResponse(revoked.as_json())

    @router.get(
        "/v1/audit",
        response_model=list[AuditLine],
        responses=problem_responses(422),
        tags=["audit"],
        summary="The audit trail (openentry audit list)",
    )
    def audit(
        account: AuditReader,
        engine: DatabaseEngine,
        actor: Annotated[str | None, Query(description="Only this account's entries", max_length=200)] = None,
        action: Annotated[str | None, Query(description=f"Only this action: {', '.join(ACTIONS)}")] = None,
        after: Annotated[
            int | None, Query(description="Only entries after this id (to page)", ge=0, le=2**62)
        ] = None,
        limit: Annotated[int, Query(description="At most this many entries", ge=1, le=1000)] = 100,
    ) -> JSONResponse:
        """Entries in the order written (who, role, action, object, request id, time, outcome),
        from the first or after ``after`` (officer, admin)."""
        entries = audit_entries(engine, actor=actor, action=action, after=after, limit=limit)
        return JSONResponse([entry.as_json() for entry in entries])

    return router
