"""The published history: charts and lists of IRCC's rounds and Ontario's draws, a page per
round or draw, and a profile checked against every one of them ("would I have been invited").

The rounds are the database's (``openentry history import`` adds newer ones; read again after an
import, as the API reads them: api/catalogue.py). A round's page shows ``history show N --json``'s
facts; the checks are ``history check --round N`` (history/replay.py), one round at a time, so a
year of rounds is one request (a page asks for each year in turn and shows it when it comes).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from openentry.api.catalogue import CatalogueCache
from openentry.api.security import DatabaseEngine, rate_limited
from openentry.history.catalogue import AnyRound, RoundCatalogue
from openentry.history.provincial import ProvincialDraw, draw_as_dict
from openentry.history.replay import PreparedProfiles, check_draw, check_round, prepare_profiles
from openentry.history.rounds import PublishedRound, round_as_dict
from openentry.history.stats import kind_label, totals_by_period
from openentry.services.scoring import RawProfile
from openentry.web import charts, labels
from openentry.web.forms import FormValues
from openentry.web.i18n import gettext
from openentry.web.profile_input import (
    FormError,
    ProfileInput,
    form_values,
    form_view,
    query_values,
    read_profile_input,
)
from openentry.web.public import blank_page, common_context
from openentry.web.rendering import render

KINDS = ("general", "program", "category", "provincial")


def _year(values: FormValues, name: str) -> int | None:
    text = values.first(name)
    return int(text) if text.isdigit() and 2015 <= int(text) <= 2100 else None


def _kind_of(code: str, published: AnyRound) -> str:
    return gettext(code, labels.history_kind(kind_label(published)))


def published_years(catalogue: RoundCatalogue) -> list[int]:
    """The years with a published round or draw, oldest first."""
    found: set[int] = {published.date.year for published in catalogue.rounds}
    found |= {draw.date.year for draw in catalogue.draws}
    return sorted(found)


def history_filters(values: FormValues, catalogue: RoundCatalogue) -> dict[str, Any]:
    """The filters of the history page as given (a kind, a first and a last year), checked."""
    kind = values.first("kind")
    years = published_years(catalogue)
    return {
        "kind": kind if kind in KINDS else "",
        "from_year": _year(values, "from"),
        "to_year": _year(values, "to"),
        "years": years,
    }


def history_context(catalogue: RoundCatalogue, filters: dict[str, Any], code: str) -> dict[str, Any]:
    """The charts and the list of the rounds and draws the filters keep."""
    since = datetime.date(filters["from_year"], 1, 1) if filters["from_year"] else None
    until = datetime.date(filters["to_year"], 12, 31) if filters["to_year"] else None
    chosen = catalogue.select(kind=filters["kind"] or None, since=since, until=until)
    cutoff_points: list[dict[str, object]] = [
        {
            "round": published.number,
            "date": published.date.isoformat(),
            "name": published.name,
            "kind": _kind_of(code, published),
            "cutoff": published.cutoff,
            "invitations": published.invitations,
        }
        for published in chosen
        if published.cutoff is not None
    ]
    monthly = [
        {
            "month": total.period + "-01",
            "kind": gettext(code, labels.history_kind(total.label)),
            "invitations": total.invitations,
        }
        for total in totals_by_period(chosen, by="month", detailed=False)
    ]
    pool_rows = []
    pools_seen: set[datetime.date] = set()
    for published in chosen:
        if not isinstance(published, PublishedRound) or published.pool is None:
            continue
        as_of = published.pool.as_of or published.date
        if as_of in pools_seen:
            continue
        pools_seen.add(as_of)
        for order, band in enumerate(published.pool.bands):
            pool_rows.append(
                {
                    "date": as_of.isoformat(),
                    "band": f"{band.low}–{band.high}",
                    "order": order,
                    "count": band.count,
                }
            )
    return {
        **common_context(),
        "filters": filters,
        "kinds": KINDS,
        "rounds": chosen,
        "kind_of": lambda published: _kind_of(code, published),
        "is_draw": lambda published: isinstance(published, ProvincialDraw),
        "cutoffs_chart": charts.cutoffs_chart(cutoff_points, code),
        "invitations_chart": charts.invitations_chart(monthly, code),
        "pool_chart": charts.pool_chart(pool_rows, code),
        "cutoff_points": len(cutoff_points),
        "monthly_totals": totals_by_period(chosen, by="year", detailed=False),
        "history_kind": lambda label: gettext(code, labels.history_kind(label)),
        "pools": len(pools_seen),
    }


def _prepared(given: ProfileInput) -> PreparedProfiles | None:
    """The profile ready to replay; its validation error goes to ``given.error``."""
    if given.error is not None or given.profile is None:
        return None
    prepared = prepare_profiles([RawProfile(given.profile)], require_id=False)
    if prepared.errors:
        error = prepared.errors[0]["error"]
        assert isinstance(error, dict)
        given.error = FormError(str(error["field"]), str(error["message"]))
        return None
    return prepared


def checked(published: AnyRound, prepared: PreparedProfiles) -> dict[str, object]:
    """``history check --round N`` for the one profile."""
    if isinstance(published, ProvincialDraw):
        return check_draw(published, prepared)[0]
    return check_round(published, prepared)[0]


def year_checks(catalogue: RoundCatalogue, year: int, prepared: PreparedProfiles) -> dict[str, Any]:
    """The profile against every round and draw of a year: the rows it was scored in, and the
    rounds it could not be scored in grouped by why."""
    rows: list[dict[str, Any]] = []
    unscored: dict[str, list[str]] = defaultdict(list)
    for published in catalogue.select(since=datetime.date(year, 1, 1), until=datetime.date(year, 12, 31)):
        if published.cutoff is None:
            continue
        line = checked(published, prepared)
        error = line.get("error")
        if isinstance(error, dict):
            unscored[f"{error['field']}: {error['message']}"].append(published.number)
            continue
        rows.append({"round": published, "line": line})
    return {
        "year": year,
        "rows": rows,
        "invited": sum(1 for row in rows if row["line"]["invited"]),
        "unscored": dict(unscored),
    }


def history_routes(code: str) -> APIRouter:
    """The history pages and the would-I-have-been-invited page in the language ``code``."""
    router = APIRouter(dependencies=[Depends(rate_limited)], include_in_schema=False)
    catalogues = CatalogueCache()

    @router.get("/history", response_class=HTMLResponse)
    async def history(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        catalogue = await run_in_threadpool(catalogues.get, engine)
        filters = history_filters(query_values(request), catalogue)
        context = history_context(catalogue, filters, code)
        return render(request, code, "history.html", context)

    def round_page(
        request: Request, published: AnyRound | None, number: str, check: dict[str, Any]
    ) -> HTMLResponse:
        if published is None:
            return render(request, code, "round.html", {"number": number, "published": None}, status_code=404)
        described = (
            draw_as_dict(published) if isinstance(published, ProvincialDraw) else round_as_dict(published)
        )
        context: dict[str, Any] = {
            **common_context(),
            **check,
            "number": number,
            "published": published,
            "described": described,
            "is_draw": isinstance(published, ProvincialDraw),
            "kind_label": _kind_of(code, published),
        }
        return render(
            request, code, "round.html", context, status_code=200 if not check.get("failed") else 422
        )

    def find(catalogue: RoundCatalogue, number: str) -> AnyRound | None:
        return catalogue.get(number) or catalogue.get_draw(number)

    @router.get("/history/{number}", response_class=HTMLResponse)
    async def published_round(request: Request, number: str, engine: DatabaseEngine) -> HTMLResponse:
        catalogue = await run_in_threadpool(catalogues.get, engine)
        given = ProfileInput(values=FormValues(), profile=None, submitted=False)
        return round_page(
            request, find(catalogue, number), number, {"form": form_view(given, code), "check": None}
        )

    @router.post("/history/{number}", response_class=HTMLResponse)
    async def check_published_round(request: Request, number: str, engine: DatabaseEngine) -> HTMLResponse:
        catalogue = await run_in_threadpool(catalogues.get, engine)
        published = find(catalogue, number)
        given = read_profile_input(await form_values(request), code)
        line: dict[str, object] | None = None
        if published is not None:
            prepared = _prepared(given)
            if prepared is not None:
                line = await run_in_threadpool(checked, published, prepared)
                error = line.get("error")
                if isinstance(error, dict):
                    given.error = FormError(str(error["field"]), str(error["message"]))
                    line = None
        check = {"form": form_view(given, code), "check": line, "failed": given.error is not None}
        return round_page(request, published, number, check)

    @router.get("/invited", response_class=HTMLResponse)
    async def invited_page(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        catalogue = await run_in_threadpool(catalogues.get, engine)
        return blank_page(request, code, "invited.html", years=None, all_years=published_years(catalogue))

    @router.post("/invited", response_class=HTMLResponse)
    async def invited(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        given = read_profile_input(await form_values(request), code)
        prepared = _prepared(given)
        catalogue = await run_in_threadpool(catalogues.get, engine)
        context: dict[str, Any] = {
            **common_context(),
            "years": None,
            "profile": given.profile,
            "all_years": published_years(catalogue),
        }
        if prepared is not None:
            since = _year(given.values, "since") or 0
            years = [year for year in published_years(catalogue)[::-1] if year >= since]
            context["years"] = years
            context["profile_json"] = given.profile
            if request.headers.get("HX-Request") != "true":  # no scripts: every year now
                context["checks"] = {
                    year: await run_in_threadpool(year_checks, catalogue, year, prepared) for year in years
                }
        context["form"] = form_view(given, code)
        return render(request, code, "invited.html", context, status_code=200 if given.error is None else 422)

    @router.post("/partials/invited/{year}", response_class=HTMLResponse)
    async def invited_year(request: Request, year: int, engine: DatabaseEngine) -> HTMLResponse:
        values = await form_values(request)
        given = read_profile_input(
            FormValues([("action", "paste"), ("profile_json", values.first("profile"))]), code
        )
        prepared = _prepared(given)
        if prepared is None:
            return HTMLResponse("", status_code=422)
        catalogue = await run_in_threadpool(catalogues.get, engine)
        result = await run_in_threadpool(year_checks, catalogue, year, prepared)
        return render(request, code, "_invited_year.html", {"check": result})

    return router
