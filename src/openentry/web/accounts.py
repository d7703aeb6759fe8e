"""The pages behind a token: the candidate portal and the officer console.

Sign-in takes the token ``openentry user add`` printed (the API's ``Authorization: Bearer``
token) and keeps it in a cookie for the session: ``HttpOnly`` (no script reads it),
``SameSite=Strict`` (no other site's page can send it along with a form: no cross-site request
forgery), ``Secure`` on HTTPS, and ``Path=/``. Every request checks it again
(:func:`openentry.api.accounts.authenticate`), so a revoked account is out at its next click.
Roles and what each may do are the API's (:data:`openentry.api.accounts.ALLOWED`); every change
goes through the API's own functions and writes the same audit entry in the same transaction
(:func:`openentry.api.audit.audited`).

Nothing consequential happens in one click: declining or applying, and recording a round, are
asked for, then confirmed on a second page that says what will happen (a round is first run as
a dry run, and recorded with the dry run's idempotency key, so a repeated confirmation records
one round).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import Engine

from openentry.api.accounts import Access, Principal, authenticate, may
from openentry.api.audit import (
    NOMINATION_RECORDED,
    ROUND_RECORDED,
    AuditCallback,
    audit_entries,
    audited,
)
from openentry.api.candidates import NotFound, answer_invitation, own_profile, standing, submit_profile
from openentry.api.schemas import RoundRequest
from openentry.api.security import DatabaseEngine, actor_of, rate_limited
from openentry.cli.errors import UsageError
from openentry.domain import Round
from openentry.domain.rounds import PROGRAMS, PROVINCES, ROUND_KINDS
from openentry.history.bands import FINE_BANDS
from openentry.profiles.schema import ProfileError
from openentry.services.eligibility import category_keys
from openentry.services.invitations import LedgerError, round_invitations
from openentry.services.nominations import record_nomination
from openentry.services.pool import pool_summary, utc_now
from openentry.services.rounds import run_round
from openentry.web import charts
from openentry.web.forms import FormValues, values_of
from openentry.web.i18n import LANGUAGES_BY_CODE
from openentry.web.messages import translate
from openentry.web.profile_input import (
    FormError,
    ProfileInput,
    form_values,
    form_view,
    moment_field,
    read_profile_input,
)
from openentry.web.public import common_context
from openentry.web.rendering import render

TOKEN_COOKIE = "openentry_token"
CONFIRM = "yes"
AUDIT_PAGE = 50
ROUND_FIELDS = (
    "kind",
    "program",
    "category",
    "size",
    "crs_min",
    "crs_max",
    "noc",
    "created_from",
    "created_to",
    "province",
    "at",
    "key",
)


def principal_of(request: Request, engine: Engine) -> Principal | None:
    """The account whose token the request's cookie holds (None: not signed in, or revoked)."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token or len(token) > 200:
        return None
    return authenticate(engine, token)


def _integer(values: FormValues, name: str) -> int | None:
    text = values.first(name).replace(",", "").replace(" ", "")
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise FormError(name, f"input should be a valid integer (given {values.first(name)!r})") from None


def round_request(values: FormValues, dry_run: bool) -> RoundRequest:
    """The round the console's form describes, as the API's ``POST /v1/rounds`` body."""
    at = moment_field(values, "at") or utc_now()
    day_fields: dict[str, datetime.date | None] = {}
    for name in ("created_from", "created_to"):
        text = values.first(name)
        try:
            day_fields[name] = datetime.date.fromisoformat(text) if text else None
        except ValueError:
            raise FormError(name, f"{text!r} is not a date (YYYY-MM-DD)") from None
    try:
        return RoundRequest(
            at=at.isoformat(),
            kind=values.first("kind") or None,
            program=values.first("program") or None,
            category=values.first("category") or None,
            size=_integer(values, "size"),
            crs_min=_integer(values, "crs_min"),
            crs_max=_integer(values, "crs_max"),
            noc=[code for code in values.first("noc").replace(" ", ",").split(",") if code],
            created_from=day_fields["created_from"],
            created_to=day_fields["created_to"],
            province=values.first("province") or None,
            all=values.first("all") == "true",
            key=values.first("key") or None,
            dry_run=dry_run,
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise FormError(".".join(str(part) for part in first["loc"]) or "round", str(first["msg"])) from None


def _round_criteria_values(values: FormValues, at: str, key: str) -> list[tuple[str, str]]:
    """The hidden fields of the confirmation: the round as tried, at the moment tried, with a key."""
    kept = [
        (name, values.first(name))
        for name in ROUND_FIELDS
        if name not in ("at", "key") and values.first(name)
    ]
    if values.first("all") == "true":
        kept.append(("all", "true"))
    return [*kept, ("at", at), ("key", key)]


def _days_left(expires_on: str, today: datetime.date) -> int:
    return (datetime.date.fromisoformat(expires_on) - today).days


def account_routes(code: str) -> APIRouter:
    router = APIRouter(dependencies=[Depends(rate_limited)], include_in_schema=False)
    prefix = LANGUAGES_BY_CODE[code].prefix

    def sign_in_page(
        request: Request, next_page: str, error: str | None = None, status_code: int = 200
    ) -> HTMLResponse:
        context = {"next_page": next_page, "error": None if error is None else translate(error, code)}
        return render(request, code, "sign_in.html", context, status_code=status_code)

    def refused(request: Request, principal: Principal, needed: str) -> HTMLResponse:
        context = {"principal": principal, "needed": needed}
        return render(request, code, "refused.html", context, status_code=403)

    async def gate(
        request: Request, engine: Engine, page: str, accesses: tuple[Access, ...], roles: str
    ) -> Principal | HTMLResponse:
        """The signed-in account allowed one of ``accesses``, or the page to show instead (sign in
        with no valid token, 401 on a form post; refused, 403, for another role)."""
        principal = await run_in_threadpool(principal_of, request, engine)
        if principal is None:
            return sign_in_page(request, page, status_code=401 if request.method == "POST" else 200)
        if not any(may(principal.role, access) for access in accesses):
            return refused(request, principal, roles)
        return principal

    @router.get("/sign-in", response_class=HTMLResponse)
    def sign_in_form(request: Request) -> HTMLResponse:
        next_page = request.query_params.get("next", "portal")
        return sign_in_page(request, "console" if next_page == "console" else "portal")

    @router.post("/sign-in", response_class=HTMLResponse)
    async def sign_in(request: Request, engine: DatabaseEngine) -> Response:
        values = await form_values(request)
        next_page = "console" if values.first("next") == "console" else "portal"
        token = values.first("token")
        found = await run_in_threadpool(authenticate, engine, token) if 0 < len(token) <= 200 else None
        if found is None:
            message = "the token is not valid: unknown, or its account was revoked"
            return sign_in_page(request, next_page, message, status_code=401)
        target = "portal" if found.role == "candidate" else "console"
        response = RedirectResponse(f"{prefix}/{target}", status_code=303)
        response.set_cookie(
            TOKEN_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @router.post("/sign-out")
    def sign_out() -> Response:
        response = RedirectResponse(f"{prefix}/", status_code=303)
        response.delete_cookie(TOKEN_COOKIE, path="/")
        return response

    # --- the candidate portal --------------------------------------------------------------

    def portal_context(engine: Engine, principal: Principal, given: ProfileInput | None) -> dict[str, Any]:
        today = utc_now().date()
        found = standing(engine, principal.name)
        held = found["invitations"]
        assert isinstance(held, list)
        invitations = [
            {
                **invitation,
                "days_left": _days_left(str(invitation["expires_on"]), today),
                "open": invitation["outcome"] is None
                and _days_left(str(invitation["expires_on"]), today) >= 0,
            }
            for invitation in held
        ]
        if given is None:
            try:
                profile = own_profile(engine, principal.name)
            except NotFound:
                profile = None
            given = ProfileInput(
                values=values_of(profile) if profile else FormValues(), profile=profile, submitted=False
            )
        return {
            **common_context(),
            "principal": principal,
            "standing": found,
            "invitations": invitations,
            "form": form_view(given, code),
            "saved": None,
        }

    @router.get("/portal", response_class=HTMLResponse)
    async def portal(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        principal = await gate(request, engine, "portal", (Access.OWN_PROFILE,), "candidate")
        if isinstance(principal, HTMLResponse):
            return principal
        context = await run_in_threadpool(portal_context, engine, principal, None)
        return render(request, code, "portal.html", context)

    @router.post("/portal/profile", response_class=HTMLResponse)
    async def save_profile(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        principal = await gate(request, engine, "portal", (Access.OWN_PROFILE,), "candidate")
        if isinstance(principal, HTMLResponse):
            return principal
        given = read_profile_input(await form_values(request), code)
        saved = None
        if given.error is None and given.profile is not None:
            try:
                saved = await run_in_threadpool(submit_profile, engine, actor_of(principal), given.profile)
            except (ProfileError, ValueError) as error:
                field = getattr(error, "field", "profile")
                given.error = FormError(str(field), str(getattr(error, "message", error)))
        context = await run_in_threadpool(portal_context, engine, principal, given)
        context["saved"] = saved
        return render(request, code, "portal.html", context, status_code=200 if given.error is None else 422)

    @router.post("/portal/invitations/{round_number}/{answer}", response_class=HTMLResponse)
    async def answer(
        request: Request, round_number: int, answer: str, engine: DatabaseEngine
    ) -> HTMLResponse:
        principal = await gate(request, engine, "portal", (Access.OWN_PROFILE,), "candidate")
        if isinstance(principal, HTMLResponse):
            return principal
        if answer not in ("decline", "apply") or not 1 <= round_number < 2**31:
            context = await run_in_threadpool(portal_context, engine, principal, None)
            return render(request, code, "portal.html", context, status_code=404)
        values = await form_values(request)
        context = await run_in_threadpool(portal_context, engine, principal, None)
        if values.first("confirm") != CONFIRM:
            context["confirming"] = {"round": round_number, "answer": answer}
            return render(request, code, "portal.html", context)
        try:
            result = await run_in_threadpool(
                answer_invitation, engine, actor_of(principal), round_number, answer
            )
        except (NotFound, LedgerError, ValueError) as error:
            context["answer_error"] = translate(str(error), code)
            return render(request, code, "portal.html", context, status_code=409)
        context = await run_in_threadpool(portal_context, engine, principal, None)
        context["answered"] = {"round": round_number, "answer": answer, "result": result}
        return render(request, code, "portal.html", context)

    # --- the officer console ---------------------------------------------------------------

    def console_context(engine: Engine, principal: Principal, after: int | None = None) -> dict[str, Any]:
        context: dict[str, Any] = {
            **common_context(),
            "principal": principal,
            "may_read": may(principal.role, Access.READ_POOL),
            "may_record": may(principal.role, Access.RECORD),
            "may_audit": may(principal.role, Access.READ_AUDIT),
            "round_kinds": ROUND_KINDS,
            "programs": PROGRAMS,
            "provinces": PROVINCES,
            "categories": category_keys(utc_now().date()),
            "round_values": FormValues(),
            "round_error": None,
            "tried": None,
            "recorded": None,
            "invitations": None,
            "nomination": None,
            "nomination_error": None,
        }
        if context["may_read"]:
            summary = pool_summary(engine, utc_now())
            bands = summary["bands"]
            assert isinstance(bands, dict)
            rows = [
                {"band": f"{band.low}–{band.high}", "order": order, "count": bands.get(band.name, 0)}
                for order, band in enumerate(FINE_BANDS)
            ]
            context["summary"] = summary
            context["band_rows"] = rows
            reasons = summary["not_in_pool"]
            assert isinstance(reasons, dict)
            context["not_in_pool"] = {reason: count for reason, count in reasons.items() if count}
            context["bands_chart"] = charts.bands_chart(rows, code)
        if context["may_audit"]:
            context["audit"] = [
                entry.as_json() for entry in audit_entries(engine, after=after, limit=AUDIT_PAGE)
            ]
            context["audit_after"] = after
        return context

    async def console_page(request: Request, engine: DatabaseEngine) -> Principal | HTMLResponse:
        """The account of an officer's (analyst's, admin's) request, or the page to show instead."""
        return await gate(
            request, engine, "console", (Access.READ_POOL, Access.READ_AUDIT), "analyst, officer, admin"
        )

    @router.get("/console", response_class=HTMLResponse)
    async def console(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        principal = await console_page(request, engine)
        if isinstance(principal, HTMLResponse):
            return principal
        after = request.query_params.get("after", "")
        context = await run_in_threadpool(
            console_context, engine, principal, int(after) if after.isdigit() and len(after) < 12 else None
        )
        return render(request, code, "console.html", context)

    @router.post("/console/rounds", response_class=HTMLResponse)
    async def console_round(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        principal = await console_page(request, engine)
        if isinstance(principal, HTMLResponse):
            return principal
        values = await form_values(request)
        record = values.first("action") == "record"
        context = await run_in_threadpool(console_context, engine, principal)
        context["round_values"] = values
        if not context["may_read"] or (record and not context["may_record"]):
            return refused(request, principal, "officer")
        try:
            body = round_request(values, dry_run=not record)
            spec = body.spec()
        except FormError as error:
            context["round_error"] = {"field": error.field, "message": translate(error.message, code)}
            return render(request, code, "console.html", context, status_code=422)
        except (UsageError, ValueError) as error:
            context["round_error"] = {"field": "round", "message": translate(str(error), code)}
            return render(request, code, "console.html", context, status_code=422)
        if not record:
            try:
                tried = await run_in_threadpool(run_round, engine, spec, True)
            except ValueError as error:
                context["round_error"] = {"field": "round", "message": translate(str(error), code)}
                return render(request, code, "console.html", context, status_code=409)
            context["tried"] = tried.summary()
            context["confirm_fields"] = _round_criteria_values(
                values, str(tried.summary()["at"]), uuid.uuid4().hex
            )
            return render(request, code, "console.html", context)

        def change(audit: AuditCallback[Round]) -> Round:
            return run_round(engine, spec, audit=audit)

        def described(result: Round) -> tuple[str, dict[str, object]]:
            return f"round:{result.number}", {
                "kind": result.spec.kind,
                "invited": result.invited,
                "cutoff": result.cutoff,
                "key": result.spec.key,
            }

        try:
            recorded = await run_in_threadpool(
                audited, engine, actor_of(principal), ROUND_RECORDED, "round", change, described
            )
        except ValueError as error:
            context["round_error"] = {"field": "round", "message": translate(str(error), code)}
            return render(request, code, "console.html", context, status_code=409)
        context = await run_in_threadpool(console_context, engine, principal)
        context["recorded"] = recorded.summary()
        context["invitations"] = [
            item.as_json()
            for item in await run_in_threadpool(round_invitations, engine, int(recorded.number))
        ]
        return render(request, code, "console.html", context)

    @router.get("/console/invitations", response_class=HTMLResponse)
    async def console_invitations(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        principal = await console_page(request, engine)
        if isinstance(principal, HTMLResponse):
            return principal
        context = await run_in_threadpool(console_context, engine, principal)
        if not context["may_read"]:
            return refused(request, principal, "analyst, officer")
        text = request.query_params.get("round", "").strip()
        number = int(text) if text.isdigit() and len(text) < 10 else 0
        try:
            found = await run_in_threadpool(round_invitations, engine, number)
        except LedgerError as error:
            context["invitations_error"] = translate(str(error), code)
            return render(request, code, "console.html", context, status_code=404)
        context["invitations"] = [item.as_json() for item in found]
        context["invitations_round"] = number
        return render(request, code, "console.html", context)

    @router.post("/console/nominations", response_class=HTMLResponse)
    async def console_nomination(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        principal = await console_page(request, engine)
        if isinstance(principal, HTMLResponse):
            return principal
        values = await form_values(request)
        context = await run_in_threadpool(console_context, engine, principal)
        if not context["may_record"]:
            return refused(request, principal, "officer")
        candidate = values.first("candidate")
        province = values.first("province").upper()
        try:
            at = moment_field(values, "nominated_at") or utc_now()
        except FormError as error:
            context["nomination_error"] = translate(error.message, code)
            return render(request, code, "console.html", context, status_code=422)

        def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
            return record_nomination(engine, candidate, province, at, audit=audit)

        try:
            result = await run_in_threadpool(
                audited,
                engine,
                actor_of(principal),
                NOMINATION_RECORDED,
                f"candidate:{candidate[:64]}",
                change,
            )
        except ValueError as error:
            context["nomination_error"] = translate(str(error), code)
            return render(request, code, "console.html", context, status_code=409)
        context = await run_in_threadpool(console_context, engine, principal)
        context["nomination"] = result
        return render(request, code, "console.html", context)

    return router
