"""The web pages (issue 14; interfaces.md §10): server-rendered, in English at ``/`` and in French
at ``/fr/``, served by the same FastAPI app as the REST API.

:func:`web_routes` is the pages' group of routes (one more of ``openentry.api.app.ROUTE_GROUPS``);
:func:`install_web` adds them and the static files (htmx and the chart library, served from the
package: no CDN) to an app. Importing this package loads no web framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

    from openentry.api.settings import ServiceSettings

STATIC_PATH = "/static"


def web_routes(settings: ServiceSettings) -> APIRouter:
    """Every page in both languages (``/…`` in English, ``/fr/…`` in French)."""
    from openentry.web.routes import all_routes

    return all_routes(settings)


def install_web(app: FastAPI, settings: ServiceSettings) -> None:
    """Serve the pages and their static files from ``app``."""
    from fastapi.staticfiles import StaticFiles

    app.include_router(web_routes(settings))
    app.mount(STATIC_PATH, StaticFiles(packages=[("openentry.web", "static")]), name="static")
