"""Server time of the web pages (issue 14): the calculator's result, its what-if list and its
24-month timeline, in English and French. Prints figures (best and median of many requests,
since the machine's other work makes runs vary); asserts nothing.

    .venv/bin/python scripts/bench_web.py [--requests 200]

Server time is measured inside the app: an ASGI wrapper around the service's app (``create_app``
with the pages installed, as ``openentry serve`` will serve it) times each request from its
arrival to the last byte of its answer, so no client or network time is counted. Requests are
sent in process (httpx's ASGI transport), one at a time, over an SQLite file.

Target (issue 14): the calculator's result under 50 ms of server time. Baselines measured in the
same run: the scoring service alone (``score_profiles`` with ``--explain``, which the result pays)
and the API's ``POST /v1/score?explain=true`` for the same profile (the same service through the
same app, rendered as JSON instead of a page).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import statistics
import tempfile
import time
import timeit
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from openentry.api.app import create_app
from openentry.api.settings import ServiceSettings
from openentry.services.scoring import RawProfile, score_profiles
from openentry.web import install_web

EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "crs-examples.jsonl"
DAY = "2026-01-05"
WORKER = {
    "id": "maria",
    "birth_date": "1995-03-10",
    "marital_status": "never_married",
    "education": "bachelors",
    "first_language": {
        "test": "ielts",
        "reading": 7.5,
        "writing": 7,
        "listening": 8,
        "speaking": 7,
        "test_date": "2025-04-26",
    },
    "primary_noc": "21231",
    "work_history": [
        {"noc": "21231", "start": "2023-01-09", "end": None, "hours_per_week": 37.5, "in_canada": True},
        {
            "noc": "21231",
            "start": "2020-01-06",
            "end": "2022-12-30",
            "hours_per_week": 40,
            "in_canada": False,
        },
    ],
    "canadian_work_years": 2,
    "foreign_work_years": 2,
    "submitted_at": "2025-06-02T15:30:00Z",
}


class ServerTimer:
    """ASGI wrapper: the seconds from a request's arrival to the end of its answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.last = time.perf_counter() - started

        await self.app(scope, receive, timed_send)


def _show(what: str, seconds: list[float]) -> None:
    best, median = min(seconds) * 1000, statistics.median(seconds) * 1000
    ninetieth = sorted(seconds)[int(0.9 * (len(seconds) - 1))] * 1000
    print(f"  {what:<58} best {best:7.2f} ms   median {median:7.2f} ms   p90 {ninetieth:7.2f} ms")


async def _measure(
    timer: ServerTimer, count: int, request: Callable[[], Awaitable[httpx.Response]], expect: int = 200
) -> list[float]:
    times = []
    for _ in range(count):
        response = await request()
        if response.status_code != expect:
            raise SystemExit(f"unexpected {response.status_code}: {response.text[:300]}")
        times.append(timer.last)
    return times


def _form(profile: dict[str, object]) -> dict[str, str]:
    return {"action": "paste", "profile_json": json.dumps(profile), "on": DAY}


async def _bench_profile(
    client: httpx.AsyncClient, timer: ServerTimer, name: str, profile: dict[str, object], count: int
) -> None:
    """Every figure of one profile, with the scoring service alone as baseline."""
    print(f"{name}, {count} requests each, server time:")
    htmx = {"HX-Request": "true"}
    on = datetime.date.fromisoformat(DAY)
    alone = timeit.repeat(
        lambda: score_profiles([RawProfile(profile)], on, explain=True), number=1, repeat=count
    )
    _show("baseline: score_profiles --explain (in process)", alone)
    api = f"/v1/score?explain=true&on={DAY}"
    _show(
        "baseline: POST /v1/score?explain=true (API, JSON)",
        await _measure(timer, count, lambda: client.post(api, json=profile)),
    )
    form = _form(profile)
    _show(
        "calculator's result: POST / (htmx: score, 16 lines, form)",
        await _measure(timer, count, lambda: client.post("/", data=form, headers=htmx)),
    )
    _show(
        "the same in French: POST /fr/",
        await _measure(timer, count, lambda: client.post("/fr/", data=form, headers=htmx)),
    )
    lazy = {"profile": json.dumps(profile), "on": DAY}
    _show(
        "what-if list: POST /partials/whatif",
        await _measure(timer, count, lambda: client.post("/partials/whatif", data=lazy, headers=htmx)),
    )
    fewer = max(count // 4, 5)
    _show(
        "24-month timeline and chart: POST /partials/timeline",
        await _measure(timer, fewer, lambda: client.post("/partials/timeline", data=lazy, headers=htmx)),
    )
    _show(
        "no scripts: POST / with all three in one page",
        await _measure(timer, fewer, lambda: client.post("/", data=form)),
    )


async def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = ServiceSettings(
            database_url=f"sqlite:///{folder}/bench.sqlite", rate_limit=0, redis_url=None
        )
        app = create_app(settings)
        install_web(app, settings)
        timer = ServerTimer(app)
        transport = httpx.ASGITransport(app=timer)
        e1 = json.loads(EXAMPLES.read_text(encoding="utf-8").splitlines()[0])["profile"]
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            htmx = {"HX-Request": "true"}
            for _ in range(5):  # first requests load the rules, the templates and the catalogue
                await client.post("/", data=_form(e1), headers=htmx)
                await client.post("/fr/", data=_form(e1), headers=htmx)
                await client.post("/v1/score?explain=true&on=" + DAY, json=e1)
            for name, profile in (("E1 (single, CLB 9)", e1), ("a worker with a work history", WORKER)):
                await _bench_profile(client, timer, name, profile, count)
            _show("the empty calculator: GET /", await _measure(timer, count, lambda: client.get("/")))
            _show(
                "history page (charts and 495 rounds): GET /history",
                await _measure(timer, 20, lambda: client.get("/history")),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="Requests per figure")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.requests))


if __name__ == "__main__":
    main()
