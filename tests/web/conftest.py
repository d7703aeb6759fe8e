"""The pages over real HTTP: the app of ``openentry serve`` (``create_app``) with the web part
installed (``install_web``), served by uvicorn on 127.0.0.1 at a free port in a thread of the
test process, over a fresh SQLite database with one account of each role; and Debian's Chromium
(``/usr/bin/chromium``, never a downloaded browser) driven by Playwright."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from openentry.api.accounts import add_user
from openentry.api.app import create_app
from openentry.api.audit import Actor
from openentry.api.settings import ServiceSettings
from openentry.db import open_database
from tests.api.conftest import free_socket

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("OPENENTRY_WEB_SHOTS", "/tmp/web-shots"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
EXAMPLES = Path(__file__).parent.parent / "data" / "crs-examples.jsonl"
SETUP = Actor(name="test-setup", role="command-line")
ACCOUNTS = {"alice": "candidate", "ana": "analyst", "otto": "officer", "root": "admin"}


def examples() -> list[dict[str, Any]]:
    """The worked examples E1-E8 (tests/data/crs-examples.jsonl)."""
    return [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def web_app(settings: ServiceSettings) -> Any:
    """The service's app with the pages installed, as ``openentry serve`` will serve it."""
    return create_app(settings)


@dataclass
class Site:
    """A running service with its pages: its address, database and accounts' tokens."""

    url: str
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)


def start_site(database_url: str) -> tuple[Site, uvicorn.Server, threading.Thread, Any]:
    engine = open_database(database_url)
    settings = ServiceSettings(database_url=database_url, rate_limit=0, redis_url=None)
    listening = free_socket()
    server = uvicorn.Server(uvicorn.Config(web_app(settings), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.01)
    site = Site(url=f"http://127.0.0.1:{listening.getsockname()[1]}", engine=engine)
    for name, role in ACCOUNTS.items():
        site.tokens[name] = add_user(engine, name, role, SETUP).token
    return site, server, thread, listening


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One service for the browser tests of the session (SQLite in a temporary folder)."""
    database = tmp_path_factory.mktemp("web") / "web.sqlite"
    running, server, thread, listening = start_site(f"sqlite:///{database}")
    try:
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listening.close()
        running.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (no browser is downloaded)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium (the browser tests need it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-background-networking"]
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh browser page (its own cookies) on the site; requests outside it fail the test."""
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def check(route: Any) -> None:
        if route.request.url.startswith(site.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", check)
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    try:
        yield opened
    finally:
        context.close()
    assert outside == [], f"the page asked for addresses outside the site: {outside}"


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot in /tmp/web-shots (looked at by the engineer)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": item["id"], "impact": item["impact"], "nodes": [node["target"] for node in item["nodes"]][:5]}
        for item in result["violations"]
        if item["impact"] in ("serious", "critical")
    ]
