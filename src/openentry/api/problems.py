"""Errors as ``application/problem+json`` (RFC 9457), with the command line's field paths and words.

Every refusal of the service is one :class:`Problem`: the HTTP status and its phrase, one sentence
saying what is wrong and what is allowed, and, where a field is at fault, its path as the command
line names it (``first_language.reading``, ``size``, ``on``). The messages are those of the
objects the commands raise (:class:`openentry.profiles.schema.ProfileError`,
:class:`openentry.domain.RoundSpecError`, the ledger's errors), so a user reads the same words
whichever door they came in by.
"""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from openentry.api.context import current_request_id
from openentry.cli.errors import UsageError
from openentry.domain.rounds import RoundSpecError
from openentry.profiles.pool_file import PoolLoadError
from openentry.profiles.schema import ProfileError, _path, shown
from openentry.services.invitations import LedgerError
from openentry.services.ordering import PastChangeError

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("openentry.api")

# An option the command line names (``--crs-min``) is the body field ``crs_min``.
_OPTION = re.compile(r"--([a-z][a-z-]*)")


class FieldProblem(BaseModel):
    """One field at fault: its path, as the command line names it, and what is wrong with it."""

    model_config = ConfigDict(title="FieldProblem")

    field: str = Field(description="The field's path, e.g. first_language.reading or work_history[0].end")
    message: str = Field(description="What is wrong and what is allowed, in one sentence")


class Problem(BaseModel):
    """An error (RFC 9457 ``application/problem+json``): the status, its phrase, what is wrong
    and, when a field is at fault, that field's path and message as the command line gives them."""

    model_config = ConfigDict(title="Problem")

    type: str = Field(default="about:blank", description="A URI naming the kind of problem")
    title: str = Field(description="The HTTP status phrase, e.g. Unprocessable Content")
    status: int = Field(description="The HTTP status code", ge=400, le=599)
    detail: str = Field(description="What went wrong, in one sentence")
    field: str | None = Field(default=None, description="The field at fault, when there is one")
    errors: list[FieldProblem] | None = Field(
        default=None, description="Every field at fault, when there are several (a pool load)"
    )
    request_id: str | None = Field(default=None, description="The request's id (header X-Request-ID)")


class ProblemError(Exception):
    """Raised by a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.headers = dict(headers or {})
        self.errors = list(errors)


def problem_response(
    status: int,
    detail: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
    errors: Sequence[tuple[str, str]] = (),
) -> JSONResponse:
    """The problem document of ``status`` as a response."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if field is not None:
        body["field"] = field
    if errors:
        body["errors"] = [{"field": name, "message": message} for name, message in errors]
    request_id = current_request_id()
    if request_id is not None:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE)


def option_field(message: str, default: str) -> str:
    """The body field a command-line message is about: its first ``--option``, dashes as
    underscores (``--crs-min`` is ``crs_min``); ``default`` when it names none."""
    found = _OPTION.search(message)
    return found.group(1).replace("-", "_") if found else default


def usage_problem(error: UsageError, default_field: str) -> ProblemError:
    """A command's usage error about one option (``--on: 'x' is not a date``) as a 422 naming
    the field (``on``) with the words after the option."""
    message = str(error)
    field = option_field(message, default_field)
    prefix = f"--{field.replace('_', '-')}: "
    return ProblemError(422, message.removeprefix(prefix), field=field)


def validation_message(error: Mapping[str, Any], allowed: Sequence[str] = ()) -> str:
    """One pydantic error in the command line's manner: what is wrong, and the value given."""
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown field; allowed fields are {', '.join(allowed)}" if allowed else "unknown field"
    if kind == "missing":
        return "required"
    detail = str(error["msg"])
    detail = detail[0].lower() + detail[1:] if detail else detail
    if given is not None and not isinstance(given, dict | list):
        detail = f"{detail} (given {shown(given)})"
    return detail


def request_validation_problem(error: RequestValidationError, allowed: Sequence[str] = ()) -> ProblemError:
    """FastAPI's validation of a query, path or body parameter, as a 422 naming the field (the
    query parameter ``on``, the body field ``size``); ``allowed``: the body's fields."""
    problems: list[tuple[str, str]] = []
    for item in error.errors():
        location = tuple(item.get("loc", ()))
        if location and location[0] in ("query", "path", "header", "body"):
            location = location[1:]
        field = _path(location) if location else "body"
        problems.append((field, validation_message(item, allowed)))
    if not problems:
        return ProblemError(422, "the request is not valid", field="body")
    field, message = problems[0]
    return ProblemError(422, message, field=field, errors=problems if len(problems) > 1 else ())


def body_fields(request: Request) -> tuple[str, ...]:
    """The fields of the route's body model, if it has one (to say what an unknown field may be)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    for parameter in getattr(dependant, "body_params", ()):
        model = parameter.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            return tuple(model.model_fields)
    return ()


def install_problem_handlers(app: FastAPI) -> None:
    """Every error the service answers, as a problem document."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        return problem_response(error.status, error.detail, error.field, error.headers, error.errors)

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        detail = error.detail if isinstance(error.detail, str) else http.HTTPStatus(error.status_code).phrase
        if error.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.url.path}; the routes are listed at /docs and /openapi.json"
        elif error.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return problem_response(error.status_code, detail, headers=error.headers)

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problem = request_validation_problem(error, body_fields(request))
        return problem_response(problem.status, problem.detail, problem.field, errors=problem.errors)

    async def on_profile(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProfileError)
        return problem_response(422, error.message, field=error.field)

    async def on_round_spec(request: Request, error: Exception) -> JSONResponse:
        message = str(error)
        return problem_response(422, message, field=option_field(message, "body"))

    async def on_pool_load(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, PoolLoadError)
        problems = [(field, message) for _, field, message in error.problems]
        field, message = problems[0] if problems else ("profile", str(error))
        return problem_response(422, message, field=field, errors=problems if len(problems) > 1 else ())

    async def on_conflict(request: Request, error: Exception) -> JSONResponse:
        return problem_response(409, str(error))

    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
        return problem_response(500, "the service failed on this request; it is logged with its request id")

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ProfileError, on_profile)
    app.add_exception_handler(RoundSpecError, on_round_spec)
    app.add_exception_handler(PoolLoadError, on_pool_load)
    app.add_exception_handler(LedgerError, on_conflict)
    app.add_exception_handler(PastChangeError, on_conflict)
    app.add_exception_handler(Exception, on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of the problem documents a route may answer."""
    return {status: problem_response_description(status) for status in statuses}


def problem_response_description(status: int) -> dict[str, Any]:
    return {
        "description": http.HTTPStatus(status).phrase,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
