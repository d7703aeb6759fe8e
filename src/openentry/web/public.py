"""The public pages that take a profile: calculator, eligibility, and the rule behind each line.

A page reads the profile (its form, or pasted JSON: web/profile_input.py), calls the command's
service (``score --explain``, ``whatif``, ``timeline``, ``eligibility``) and renders the lines.
Nothing is stored: the profile lives in the request only. The what-if list and the 24-month
timeline come in their own requests after the score (htmx), so the score is not held up by them;
a page without scripts gets them in the same response.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from openentry.api.security import rate_limited
from openentry.profiles.columnar import columns_from_table, table_from_profiles
from openentry.profiles.schema import ProfileError, parse_profile
from openentry.rules import at as rules_at
from openentry.rules.candidates import derive_factors
from openentry.services.eligibility import eligibility_profiles
from openentry.services.scoring import RawProfile, score_profiles
from openentry.services.timeline import timeline_profiles
from openentry.services.whatif import apply_edits, level_lines, whatif_profiles
from openentry.web import labels
from openentry.web.charts import timeline_chart
from openentry.web.explain import rule_views, score_sections
from openentry.web.forms import ABILITY_LABELS, LANGUAGE_SLOTS, PROVINCE_LABELS, FormValues, profile_of
from openentry.web.i18n import LANGUAGES_BY_CODE, N_, gettext
from openentry.web.messages import translate
from openentry.web.profile_input import (
    FormError,
    ProfileInput,
    day_field,
    form_values,
    form_view,
    query_values,
    read_profile_input,
)
from openentry.web.rendering import render

TIMELINE_MONTHS = 24  # the calculator's window (issue 14: "the 24-month timeline")


def common_context() -> dict[str, Any]:
    return {
        "province_labels": PROVINCE_LABELS,
        "eligibility_labels": labels.ELIGIBILITY_LABELS,
        "outcome_labels": labels.OUTCOME_LABELS,
        "event_labels": labels.EVENT_LABELS,
        "audit_labels": labels.AUDIT_ACTION_LABELS,
        "labels": labels,
    }


def scored(
    given: ProfileInput, day_name: str = "on"
) -> tuple[datetime.date | None, dict[str, object] | None]:
    """The day asked about and the profile's score line (``--explain``); the first error found
    goes to ``given.error``."""
    try:
        day = day_field(given.values, day_name)
    except FormError as error:
        given.error = given.error or error
        return None, None
    if given.error is not None or given.profile is None:
        return day, None
    line = score_profiles([RawProfile(given.profile)], day, explain=True)[0]
    failure = failure_of(line)
    if failure is not None:
        given.error = FormError(failure.field, failure.message)
        return day, None
    return day, line


@dataclass
class Failure:
    field: str
    message: str


def failure_of(line: dict[str, object]) -> Failure | None:
    error = line.get("error")
    return Failure(str(error["field"]), str(error["message"])) if isinstance(error, dict) else None


def whatif_view(profile: dict[str, object], day: datetime.date) -> dict[str, Any]:
    """``openentry whatif`` for one profile, each change with the edited profile to score."""
    line = whatif_profiles([RawProfile(profile)], day)[0]
    failure = failure_of(line)
    if failure is not None:
        return {"error": failure, "changes": [], "eligibility_only": []}
    view: dict[str, Any] = dict(line)
    for group in ("changes", "eligibility_only"):
        changes = []
        for change in view.get(group, []):
            try:
                edited = apply_edits(profile, change["edits"])
            except ValueError:
                edited = None
            changes.append({**change, "edited": edited})
        view[group] = changes
    view["error"] = None
    return view


def timeline_view(profile: dict[str, object], day: datetime.date, code: str) -> dict[str, Any]:
    """``openentry timeline`` over 24 months from ``day``, with its chart."""
    line = timeline_profiles([RawProfile(profile)], day, TIMELINE_MONTHS)[0]
    failure = failure_of(line)
    if failure is not None:
        return {"error": failure}
    events = line["events"]
    months = line["months"]
    assert isinstance(events, list) and isinstance(months, list)
    points = [
        {
            "on": event["on"],
            "total": event["total"],
            "why": "; ".join(translate(str(why), code).text for why in event["why"]),
        }
        for event in events
    ]
    return {
        "error": None,
        "start": day,
        "events": events,
        "months": months,
        "chart": timeline_chart(
            [{"on": day.isoformat(), "total": _first_total(line)}, *months], points, code
        ),
    }


def _first_total(line: dict[str, object]) -> object:
    """The total on the window's first day: the first event's before it, else the first month's."""
    months = line["months"]
    events = line["events"]
    assert isinstance(months, list) and isinstance(events, list)
    if events and events[0]["on"] <= (months[0]["on"] if months else events[0]["on"]):
        return int(events[0]["total"]) - int(events[0]["delta"])
    return months[0]["total"] if months else None


def levels_text(values: FormValues, slot: str, code: str) -> str:
    """The CLB or NCLC level each ability of a slot's result gives on the form's day, in words
    (what the page shows as the scores are typed); the result's error when it has one."""
    result = profile_of(values, code).get(slot)
    if not isinstance(result, dict):
        return ""
    try:
        day = day_field(values, "on")
    except FormError:
        day = datetime.date.today()
    placeholder = {
        "age": 30,
        "marital_status": "never_married",
        "education": "secondary",
        "first_language": result,
    }
    problem: tuple[str, str] | None = None
    try:
        profile = parse_profile(placeholder)
    except ProfileError as error:
        problem = (error.field, error.message)
    else:
        read = columns_from_table(table_from_profiles([profile]))
        factors, problems = derive_factors(rules_at(day), read.columns)
        problem = read.errors.get(0) or problems.errors.get(0)
    if problem is not None:
        field, message = problem
        if not field.startswith("first_language."):
            return ""
        ability = field.partition(".")[2]
        if ability not in ABILITY_LABELS or message == "required":  # not all four typed yet
            return ""
        return f"{gettext(code, ABILITY_LABELS[ability])}: {translate(message, code).text}"
    levels = level_lines(factors, 0, profile)["first_language"]
    benchmark = str(levels["benchmark"])
    parts = [
        f"{gettext(code, ABILITY_LABELS[ability])} {benchmark} {levels[ability]}"
        for ability in ABILITY_LABELS
    ]
    return gettext(code, N_("Levels: %(levels)s")) % {"levels": " · ".join(parts)}


def _profile_json(profile: dict[str, object] | None) -> str:
    return json.dumps(profile, ensure_ascii=False) if profile is not None else ""


def calculator_context(given: ProfileInput, code: str, inline: bool) -> dict[str, Any]:
    """What the calculator shows: the form, and the score with its lines (and, ``inline``,
    the what-if list and timeline) when the profile can be scored."""
    day, line = scored(given)
    prefix = LANGUAGES_BY_CODE[code].prefix
    context: dict[str, Any] = {**common_context(), "form": form_view(given, code), "score": None}
    # With scripts, each result's levels come in their own request once the page shows (htmx).
    context["levels"] = (
        {} if not inline else {slot: levels_text(given.values, slot, code) for slot in LANGUAGE_SLOTS}
    )
    if line is not None and given.profile is not None and day is not None:
        context.update(
            score=line,
            profile=given.profile,
            profile_json=_profile_json(given.profile),
            day=day.isoformat(),
            lines=score_sections(line, prefix),
            whatif=whatif_view(given.profile, day) if inline else None,
            timeline=timeline_view(given.profile, day, code) if inline else None,
        )
    return context


def _partial_profile(values: FormValues) -> tuple[dict[str, object] | None, datetime.date | None]:
    """The profile and day a lazy part of the result was sent (the page's own JSON)."""
    try:
        profile = json.loads(values.first("profile"))
        day = datetime.date.fromisoformat(values.first("on"))
    except (json.JSONDecodeError, ValueError, RecursionError):
        return None, None
    return (profile if isinstance(profile, dict) else None), day


def blank_page(request: Request, code: str, template: str, **extra: Any) -> HTMLResponse:
    """A page that takes a profile, before one is given: its form (filled from the address's
    query, if any) and no result."""
    given = ProfileInput(values=query_values(request), profile=None, submitted=False)
    context = {**common_context(), "form": form_view(given, code), "score": None, "result": None, **extra}
    return render(request, code, template, context)


def public_routes(code: str) -> APIRouter:
    """The calculator, eligibility and rule pages in the language ``code``."""
    router = APIRouter(dependencies=[Depends(rate_limited)], include_in_schema=False)
    is_fragment = "HX-Request"

    @router.get("/", response_class=HTMLResponse)
    def calculator(request: Request) -> HTMLResponse:
        return blank_page(request, code, "calculator.html")

    @router.post("/", response_class=HTMLResponse)
    async def calculate(request: Request) -> HTMLResponse:
        given = read_profile_input(await form_values(request), code)
        inline = request.headers.get(is_fragment) != "true"
        context = await run_in_threadpool(calculator_context, given, code, inline)
        return render(
            request, code, "calculator.html", context, status_code=200 if given.error is None else 422
        )

    @router.post("/partials/levels/{slot}", response_class=HTMLResponse)
    async def levels(request: Request, slot: str) -> HTMLResponse:
        values = await form_values(request)
        text = levels_text(values, slot, code) if slot in LANGUAGE_SLOTS else ""
        return HTMLResponse(_escape(text))

    @router.post("/partials/whatif", response_class=HTMLResponse)
    async def whatif(request: Request) -> HTMLResponse:
        profile, day = _partial_profile(await form_values(request))
        if profile is None or day is None:
            return HTMLResponse("", status_code=422)
        view = await run_in_threadpool(whatif_view, profile, day)
        return render(request, code, "_whatif.html", {**common_context(), "whatif": view})

    @router.post("/partials/timeline", response_class=HTMLResponse)
    async def timeline(request: Request) -> HTMLResponse:
        profile, day = _partial_profile(await form_values(request))
        if profile is None or day is None:
            return HTMLResponse("", status_code=422)
        view = await run_in_threadpool(timeline_view, profile, day, code)
        return render(request, code, "_timeline.html", {**common_context(), "timeline": view})

    @router.get("/eligibility", response_class=HTMLResponse)
    def eligibility_page(request: Request) -> HTMLResponse:
        return blank_page(request, code, "eligibility.html")

    @router.post("/eligibility", response_class=HTMLResponse)
    async def eligibility(request: Request) -> HTMLResponse:
        given = read_profile_input(await form_values(request), code)
        context = await run_in_threadpool(eligibility_context, given, code)
        return render(
            request, code, "eligibility.html", context, status_code=200 if given.error is None else 422
        )

    @router.get("/rules/{name}", response_class=HTMLResponse)
    def rule(request: Request, name: str) -> HTMLResponse:
        values = query_values(request)
        error: FormError | None = None
        try:
            day = day_field(values, "on")
        except FormError as problem:
            error, day = problem, datetime.date.today()
        views = rule_views(name, day)
        context = {
            "name": name,
            "line_label": labels.LINE_LABELS.get(name),
            "day": day,
            "rules": views,
            "error": None if error is None else translate(error.message, code),
        }
        return render(
            request, code, "rule.html", context, status_code=200 if views and error is None else 404
        )

    return router


def eligibility_context(given: ProfileInput, code: str) -> dict[str, Any]:
    """The eligibility page: programs (with the FSW grid), categories and provincial streams."""
    result: dict[str, object] | None = None
    day: datetime.date | None = None
    try:
        day = day_field(given.values, "on")
    except FormError as error:
        given.error = given.error or error
    if given.error is None and given.profile is not None and day is not None:
        line = eligibility_profiles([RawProfile(given.profile)], day)[0]
        failure = failure_of(line)
        if failure is not None:
            given.error = FormError(failure.field, failure.message)
        else:
            result = line
    return {
        **common_context(),
        "form": form_view(given, code),
        "result": result,
        "profile": given.profile,
        "day": day,
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
