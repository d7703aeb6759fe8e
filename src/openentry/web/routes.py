"""Every page, in each language: the English routes at ``/…`` and the same under ``/fr``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from openentry.api.settings import ServiceSettings
from openentry.web.accounts import account_routes
from openentry.web.forecast_pages import forecast_routes
from openentry.web.history_pages import history_routes
from openentry.web.i18n import FRENCH, LANGUAGES
from openentry.web.public import public_routes


def all_routes(settings: ServiceSettings) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(FRENCH.prefix, include_in_schema=False)
    def french_home() -> RedirectResponse:
        return RedirectResponse(FRENCH.prefix + "/", status_code=308)

    for language in LANGUAGES:
        for group in (public_routes, history_routes, forecast_routes, account_routes):
            router.include_router(group(language.code), prefix=language.prefix)
    return router
