"""The chances page: a profile's probability of an invitation within 1, 3, 6 and 12 months
(``openentry chances``, forecast/chances.py) and the forecast fan of the kinds of round that
carry them.

The fan is the one ``openentry forecast`` draws (forecast/plots.py ``fan_figure``), as data for
a Vega-Lite chart: per kind, its published cut-offs of the last two years, the 10-90 % and
25-75 % bands and the median of the simulated rounds by fortnight over six months
(forecast/outlook.py ``simulate``, the same futures as the chances), and the next round's forecast
with its 80 % interval (``next_round``).
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from openentry.api.catalogue import CatalogueCache
from openentry.api.security import DatabaseEngine, rate_limited
from openentry.forecast.chances import ACTIVE_DAYS, DEFAULT_MONTHS, chances_profiles
from openentry.forecast.kinds import RoundKey
from openentry.forecast.outlook import DRAWS, NO_ROUND, next_round, outlook, simulate
from openentry.forecast.pool import PoolView
from openentry.forecast.service import ForecastInputError, view_on
from openentry.history.rounds import PublishedRound
from openentry.services.scoring import RawProfile
from openentry.web import charts, labels
from openentry.web.i18n import gettext
from openentry.web.profile_input import (
    FormError,
    ProfileInput,
    day_field,
    form_values,
    form_view,
    read_profile_input,
)
from openentry.web.public import blank_page, common_context, failure_of
from openentry.web.rendering import render

# The fan as forecast/plots.py draws it (its FAN_DAYS, HISTORY_DAYS, FAN_BIN_DAYS, FAN_MINIMUM and
# PERCENTILES; that module loads matplotlib, which the service does not need).
FAN_DAYS = 182
HISTORY_DAYS = 730
FAN_BIN_DAYS = 14
FAN_MINIMUM = 0.05
PERCENTILES = (10.0, 25.0, 50.0, 75.0, 90.0)


def kind_name(key: str, code: str) -> str:
    """A kind of round in words: general, a program, or a category."""
    if key == "general":
        return gettext(code, labels.KIND_LABELS["general"])
    return gettext(code, labels.ELIGIBILITY_LABELS.get(key, key))


def fan_data(view: PoolView, keys: list[RoundKey], code: str) -> dict[str, Any]:
    """The fan of each kind in ``keys``: past cut-offs, simulated bands, the next round."""
    past: list[dict[str, object]] = []
    bands: list[dict[str, object]] = []
    nexts: list[dict[str, object]] = []
    start = view.day - datetime.timedelta(days=HISTORY_DAYS)
    for key in keys:
        name = kind_name(key.key, code)
        kind = outlook(view, key)
        for record in view.rounds_of(key):
            if record.date >= start and record.cutoff:
                past.append(
                    {
                        "kind": name,
                        "round": record.number,
                        "date": record.date.isoformat(),
                        "cutoff": record.cutoff,
                    }
                )
        simulated = simulate(view, kind, horizon_days=FAN_DAYS)
        for low in range(0, FAN_DAYS, FAN_BIN_DAYS):
            inside = (simulated.days >= low) & (simulated.days < low + FAN_BIN_DAYS)
            cutoffs = simulated.cutoffs[inside & (simulated.cutoffs < NO_ROUND)]
            if cutoffs.size >= FAN_MINIMUM * simulated.days.shape[0]:
                centre = view.day + datetime.timedelta(days=low + FAN_BIN_DAYS // 2)
                bands.append(
                    {
                        "kind": name,
                        "date": centre.isoformat(),
                        **charts.percentile_rows(np.asarray(cutoffs), PERCENTILES),
                    }
                )
        forecast = next_round(view, kind)
        nexts.append(
            {
                "kind": name,
                "date": forecast.day.isoformat(),
                "cutoff": forecast.cutoff,
                "cutoff_low": forecast.cutoff_low,
                "cutoff_high": forecast.cutoff_high,
                "size": forecast.size,
            }
        )
    return {"chart": charts.fan_chart(past, bands, nexts, view.day, code), "nexts": nexts}


def chances_context(given: ProfileInput, rounds: list[PublishedRound], code: str) -> dict[str, Any]:
    """The chances of the profile on the day asked, and the fan of the kinds that carry them."""
    result: dict[str, object] | None = None
    fan: dict[str, Any] | None = None
    try:
        day = day_field(given.values, "as_of")
    except FormError as error:
        given.error = given.error or error
        day = None
    if given.error is None and given.profile is not None and day is not None:
        try:
            view = view_on(rounds, day, "--as-of")
        except ForecastInputError as error:
            given.error = FormError("as_of", str(error).partition(": ")[2] or str(error))
        else:
            line = chances_profiles([RawProfile(given.profile)], view, DEFAULT_MONTHS)[0]
            failure = failure_of(line)
            if failure is not None:
                given.error = FormError(failure.field, failure.message)
            else:
                result = line
                kinds = line["rounds"]
                assert isinstance(kinds, list)
                carried = {str(item["key"]) for item in kinds}
                keys = [
                    key
                    for key in view.kinds_since(day - datetime.timedelta(days=ACTIVE_DAYS))
                    if key.key in carried
                ]
                fan = fan_data(view, keys, code) if keys else None
    return {
        **common_context(),
        "form": form_view(given, code),
        "result": result,
        "fan": fan,
        "profile": given.profile,
        "kind_name": lambda key: kind_name(key, code),
        "simulated_futures": DRAWS,
    }


def forecast_routes(code: str) -> APIRouter:
    router = APIRouter(dependencies=[Depends(rate_limited)], include_in_schema=False)
    catalogues = CatalogueCache()

    @router.get("/chances", response_class=HTMLResponse)
    def chances_page(request: Request) -> HTMLResponse:
        return blank_page(request, code, "chances.html", simulated_futures=DRAWS)

    @router.post("/chances", response_class=HTMLResponse)
    async def chances(request: Request, engine: DatabaseEngine) -> HTMLResponse:
        given = read_profile_input(await form_values(request), code)
        catalogue = await run_in_threadpool(catalogues.get, engine)
        context = await run_in_threadpool(chances_context, given, catalogue.rounds, code)
        return render(request, code, "chances.html", context, status_code=200 if given.error is None else 422)

    return router
