"""The serve page, which has no example that runs (a server does not end), names every route of
the service and every setting it reads, so that it cannot fall behind them silently."""

from __future__ import annotations

from openentry.api.app import create_app
from openentry.api.settings import ServiceSettings
from tests.docs.examples import DOCS

PAGE = (DOCS / "commands" / "serve.md").read_text(encoding="utf-8")


def test_the_page_names_every_route_of_the_service() -> None:
    document = create_app(ServiceSettings(database_url="sqlite://")).openapi()
    routes = [
        f"{method.upper()} {path}" for path, operations in document["paths"].items() for method in operations
    ]
    assert len(routes) > 20
    assert [route for route in routes if f"`{route}" not in PAGE] == []


def test_the_page_names_every_setting() -> None:
    variables = [f"OPENENTRY_{name.upper()}" for name in ServiceSettings.model_fields]
    assert "OPENENTRY_RATE_WINDOW_SECONDS" in variables
    assert [variable for variable in variables if f"`{variable}`" not in PAGE] == []
