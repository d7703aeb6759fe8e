"""Public routes (no token; rate-limited per client): score, eligibility, published history.

Each route reads its input as the command does, calls the command's service and answers the
command's objects: ``POST /v1/score`` is ``openentry score``, ``POST /v1/eligibility`` is
``openentry eligibility``, ``GET /v1/history/rounds/{number}`` is ``openentry history show N
--json`` and the check of a round is ``openentry history check --round N`` (interfaces.md §2, §4,
§6, §9). ``history check --all`` (every published round, about ten seconds of work a request)
is left to the command line: on a public route it would let anyone keep the service busy.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from openentry import __version__
from openentry.api.batching import ProfileBatcher
from openentry.api.bodies import one_or_list, profiles_request_body, read_profiles
from openentry.api.catalogue import CatalogueCache
from openentry.api.problems import ProblemError, problem_responses, usage_problem
from openentry.api.schemas import (
    ChancesLine,
    EligibilityLine,
    Health,
    HistoryCheckLine,
    ProfileErrorLine,
    PublishedRound,
    ScoreLine,
    TimelineLine,
    WhatIfLine,
)
from openentry.api.security import DatabaseEngine, rate_limited
from openentry.api.settings import ServiceSettings
from openentry.cli.inputs import UsageError, parse_day
from openentry.forecast.chances import chances as profile_chances
from openentry.forecast.chances import parse_months
from openentry.forecast.service import ForecastInputError
from openentry.history.catalogue import AnyRound, RoundCatalogue
from openentry.history.catalogue import find_published as _find
from openentry.history.catalogue import published_as_dict as _as_dict
from openentry.history.provincial import ProvincialDraw
from openentry.history.replay import check_draw, check_round, prepare_profiles
from openentry.services.eligibility import eligibility_profiles
from openentry.services.scoring import score_profiles
from openentry.services.timeline import DEFAULT_MONTHS, MAXIMUM_MONTHS, timeline_profiles
from openentry.services.whatif import whatif_profiles

T = TypeVar("T")
Route = TypeVar("Route", bound=Callable[..., Any])

# A request with at most this many profiles is worked out on the event loop (about a millisecond
# a profile); a larger one in a worker thread, so that it does not hold up the others.
INLINE_PROFILES = 8

OnParameter = Annotated[
    str | None,
    Query(description="The date whose rules apply, YYYY-MM-DD (default: today)", examples=["2026-01-05"]),
]
ExplainParameter = Annotated[
    bool, Query(description="Add IRCC's 16 itemised lines, the scoring date and the rules version")
]


def day_of(value: str | None, field: str = "on") -> datetime.date:
    """A day parameter read as the command's option (``on`` as ``--on``); 422 naming it otherwise."""
    try:
        return parse_day(value, f"--{field.replace('_', '-')}")
    except UsageError as error:
        raise usage_problem(error, field) from None


async def compute(function: Callable[..., T], size: int, *arguments: object, **options: object) -> T:
    """Run ``function`` here for a few profiles, in a worker thread for more."""
    if size <= INLINE_PROFILES:
        return function(*arguments, **options)
    return await run_in_threadpool(function, *arguments, **options)


def published(catalogue: RoundCatalogue, number: str) -> AnyRound:
    """The round or draw ``number``; 404 with the command's words otherwise."""
    try:
        return _find(catalogue, number)
    except UsageError as error:
        raise ProblemError(404, str(error)) from None


def health_routes() -> APIRouter:
    router = APIRouter(tags=["public"])

    @router.get("/health", response_model=Health, summary="The service answers")
    async def health() -> JSONResponse:
        """The service is up (not rate-limited; reads no database)."""
        return JSONResponse({"status": "ok", "version": __version__})

    return router


def public_routes(settings: ServiceSettings) -> APIRouter:
    """The routes anyone may use, limited per client (``settings.rate_limit``)."""
    cap = settings.max_profiles
    router = APIRouter(dependencies=[Depends(rate_limited)], tags=["public"])
    profiles_problems = problem_responses(400, 413, 422, 429)
    catalogues = CatalogueCache()

    def profiles_route(
        path: str, line: type[BaseModel], summary: str, responses: dict[int | str, Any] = profiles_problems
    ) -> Callable[[Route], Route]:
        """A route taking one profile (answering its line) or a list (answering one line each)."""
        listed: Any = list  # the line's class is known at run time only
        return router.post(
            path,
            response_model=line | listed[line | ProfileErrorLine],
            responses=responses,
            openapi_extra=profiles_request_body(cap),
            summary=summary,
        )

    # Single profiles arriving together are scored (assessed) in one pass (api/batching.py).
    scoring: ProfileBatcher[tuple[datetime.date, bool]] = ProfileBatcher(
        lambda profiles, key: score_profiles(profiles, key[0], explain=key[1]), cap
    )
    assessing: ProfileBatcher[datetime.date] = ProfileBatcher(eligibility_profiles, cap)

    @profiles_route("/v1/score", ScoreLine, "CRS of one profile or a list (openentry score)")
    async def score(
        request: Request, on: OnParameter = None, explain: ExplainParameter = False
    ) -> JSONResponse:
        """The CRS in force on ``on`` of one profile (its result, or 422 naming the field at
        fault) or of a list (one result or error object per profile, in order), as ``openentry
        score`` prints them."""
        day = day_of(on)
        given = await read_profiles(request, cap)
        if given.is_batch:
            results = await compute(
                score_profiles, len(given.profiles), given.profiles, day, explain=explain, require_id=True
            )
        else:
            results = [await scoring.submit(given.profiles[0], (day, explain))]
        return JSONResponse(one_or_list(given, results))

    @profiles_route(
        "/v1/eligibility",
        EligibilityLine,
        "Programs, categories and provincial streams (openentry eligibility)",
    )
    async def eligibility(request: Request, on: OnParameter = None) -> JSONResponse:
        """Eligibility on ``on`` for FSW, CEC, FST, every category and provincial stream in force,
        as ``openentry eligibility``: one profile's line, or one line per profile of a list."""
        day = day_of(on)
        given = await read_profiles(request, cap)
        if given.is_batch:
            results = await compute(
                eligibility_profiles, len(given.profiles), given.profiles, day, require_id=True
            )
        else:
            results = [await assessing.submit(given.profiles[0], day)]
        return JSONResponse(one_or_list(given, results))

    @profiles_route("/v1/whatif", WhatIfLine, "The single changes that raise the CRS most (openentry whatif)")
    async def whatif(request: Request, on: OnParameter = None) -> JSONResponse:
        """Each single change a person can make that raises the profile's CRS on ``on``, largest
        gain first, with the edits that make it and the total it leads to, as ``openentry
        whatif``."""
        day = day_of(on)
        given = await read_profiles(request, cap)
        results = await run_in_threadpool(whatif_profiles, given.profiles, day, require_id=given.is_batch)
        return JSONResponse(one_or_list(given, results))

    @profiles_route(
        "/v1/timeline", TimelineLine, "How the CRS moves by itself, day by day (openentry timeline)"
    )
    async def timeline(
        request: Request,
        start: Annotated[
            str | None,
            Query(alias="from", description="First day of the window, YYYY-MM-DD (default: today)"),
        ] = None,
        months: Annotated[
            int, Query(description=f"Length of the window in months, 1 to {MAXIMUM_MONTHS}")
        ] = DEFAULT_MONTHS,
    ) -> JSONResponse:
        """The days in the window on which the profile's CRS, programs or categories change
        (age, work, a result's expiry, the pool's 12 months, the law's dated changes), and its
        total month by month, as ``openentry timeline``."""
        if not 1 <= months <= MAXIMUM_MONTHS:
            raise ProblemError(422, f"{months} is outside 1 to {MAXIMUM_MONTHS}", field="months")
        day = day_of(start, "from")
        given = await read_profiles(request, cap)
        results = await run_in_threadpool(
            timeline_profiles, given.profiles, day, months, require_id=given.is_batch
        )
        return JSONResponse(one_or_list(given, results))

    @profiles_route(
        "/v1/chances",
        ChancesLine,
        "The probability of an invitation within 1, 3, 6, 12 months (openentry chances)",
    )
    async def chances(
        request: Request,
        engine: DatabaseEngine,
        as_of: Annotated[
            str | None, Query(description="Day of the score and of the forecast, YYYY-MM-DD (default: today)")
        ] = None,
        months: Annotated[
            str | None, Query(description="Horizons in months, comma-separated (default: 1,3,6,12)")
        ] = None,
    ) -> JSONResponse:
        """Each profile's probability of at least one invitation within each horizon, from the
        rounds published before ``as_of``, as ``openentry chances``."""
        day = day_of(as_of, "as_of")
        try:
            horizons = parse_months(months)
        except ForecastInputError as error:
            raise usage_problem(UsageError(str(error)), "months") from None
        given = await read_profiles(request, cap)

        def forecast() -> list[dict[str, object]]:
            rounds = catalogues.get(engine).rounds
            return profile_chances(given.profiles, rounds, day, horizons, require_id=given.is_batch)

        try:
            results = await run_in_threadpool(forecast)
        except ForecastInputError as error:
            raise usage_problem(UsageError(str(error)), "as_of") from None
        return JSONResponse(one_or_list(given, results))

    @router.get(
        "/v1/history/rounds/{number}",
        response_model=PublishedRound,
        responses=problem_responses(404, 429),
        summary="A published round or Ontario draw (openentry history show N --json)",
    )
    def published_round(number: str, engine: DatabaseEngine) -> JSONResponse:
        """One published round (number, date, name, kind, key, list version, invitations,
        cut-off, tie-break, the pool's score bands when published) or one Ontario draw, as
        ``openentry history show N --json``."""
        found = published(catalogues.get(engine), number)
        return JSONResponse(_as_dict(found))

    @profiles_route(
        "/v1/history/rounds/{number}/check",
        HistoryCheckLine,
        "Would each profile have been invited in round N (openentry history check --round N)",
        responses=problem_responses(400, 404, 413, 422, 429),
    )
    async def check_published_round(number: str, request: Request, engine: DatabaseEngine) -> JSONResponse:
        """Each profile's CRS on the round's date under that date's rules against the published
        cut-off and tie-break, and its eligibility for the round's program or category (for an
        Ontario draw: the stream, window, occupation list and range), as ``history check
        --round N``."""
        given = await read_profiles(request, cap)

        def check() -> list[dict[str, object]]:
            found = published(catalogues.get(engine), number)
            prepared = prepare_profiles(given.profiles, require_id=given.is_batch)
            if isinstance(found, ProvincialDraw):
                return check_draw(found, prepared)
            return check_round(found, prepared)

        results = await run_in_threadpool(check)
        return JSONResponse(one_or_list(given, results))

    return router
