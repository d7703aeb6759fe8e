"""Errors as problem documents with the command line's fields and words; the body size limit, the
cap on profiles per request and the rate limit of the public routes (issue 13 §4), over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from tests.api.conftest import Service, free_port, now_text, running_service

EXAMPLE = json.loads((Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text().splitlines()[0])
PROFILE = EXAMPLE["profile"]
PROBLEM = "application/problem+json"


def _problem(response: httpx.Response) -> tuple[int, str | None, str]:
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["status"], body["request_id"]) == (
        "about:blank",
        response.status_code,
        response.headers["x-request-id"],
    )
    return response.status_code, body.get("field"), body["detail"]


def test_a_1_mb_list_is_scored_and_50_mb_is_413(service: Service) -> None:
    client = service.client()
    profiles = [{**PROFILE, "id": f"p{number}"} for number in range(5600)]
    body = json.dumps(profiles).encode()
    assert 1_000_000 <= len(body) < 1_200_000
    scored = client.post("/v1/score", params={"on": EXAMPLE["on"]}, content=body)
    assert scored.status_code == 200
    assert {line["total"] for line in scored.json()} == {EXAMPLE["expected"]["total"]}
    assert len(scored.json()) == 5600
    too_large = (
        "the request body is over 10,485,760 bytes, the most this service accepts; send less at a time"
    )
    huge = b"[" + b" " * (50 * 1024 * 1024) + b"]"
    assert _problem(client.post("/v1/score", content=huge)) == (413, None, too_large)
    # Sent in chunks, without a length: refused once the bytes received pass the limit.
    chunks = (b" " * (1024 * 1024) for _ in range(50))
    assert _problem(client.post("/v1/score", content=chunks)) == (413, None, too_large)


def test_profiles_per_request_are_capped_and_the_cap_is_said(database_url: str) -> None:
    with running_service(database_url, accounts=False, max_profiles=3) as service:
        client = service.client()
        four = [{**PROFILE, "id": f"p{number}"} for number in range(4)]
        assert _problem(client.post("/v1/score", json=four)) == (
            413,
            "body",
            "4 profiles in one request; this service takes at most 3 per request: "
            "send the others in further requests",
        )
        assert client.post("/v1/score", json=four[:3]).status_code == 200
        document = client.get("/openapi.json").json()
        body = document["paths"]["/v1/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body["anyOf"][1]["maxItems"] == 3


def test_errors_name_the_field_as_the_command_line(service: Service, tmp_path: Path) -> None:
    client = service.client()
    (tmp_path / "profile.json").write_text(json.dumps(PROFILE), encoding="utf-8")
    command = subprocess.run(
        [
            sys.executable,
            "-m",
            "openentry.cli.main",
            "score",
            str(tmp_path / "profile.json"),
            "--on",
            "yesterday",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (command.returncode, command.stderr) == (
        2,
        "openentry: --on: 'yesterday' is not a date (YYYY-MM-DD)\n",
    )
    assert _problem(client.post("/v1/score", params={"on": "yesterday"}, json=PROFILE)) == (
        422,
        "on",
        "'yesterday' is not a date (YYYY-MM-DD)",
    )
    assert _problem(client.post("/v1/score", params={"explain": "maybe"}, json=PROFILE)) == (
        422,
        "explain",
        "input should be a valid boolean, unable to interpret input (given 'maybe')",
    )
    assert _problem(client.post("/v1/score", json={**PROFILE, "age": "29"})) == (
        422,
        "age",
        "input should be a valid integer (given '29')",
    )
    assert _problem(client.post("/v1/score", content=b"{not json")) == (
        400,
        "body",
        "the body is not valid JSON (Expecting property name enclosed in double quotes, line 1 column 2)",
    )
    officer = service.client("otto")
    assert _problem(officer.post("/v1/rounds", json={"at": now_text(), "size": 0})) == (
        422,
        "size",
        "--size: 0 invitations; a round invites at least 1",
    )
    assert _problem(officer.post("/v1/rounds", json={"at": "soon", "size": 1})) == (
        422,
        "at",
        "'soon' is not a date-time (e.g. 2024-11-20T14:00:00Z)",
    )
    assert _problem(officer.post("/v1/rounds", json={"at": now_text(), "sizes": 1})) == (
        422,
        "sizes",
        "unknown field; allowed fields are at, size, kind, program, category, crs_min, crs_max, noc, "
        "created_from, created_to, province, all, key, dry_run",
    )
    assert _problem(officer.post("/v1/rounds", json={"at": now_text(), "size": "ten"})) == (
        422,
        "size",
        "input should be a valid integer, unable to parse string as an integer (given 'ten')",
    )
    assert _problem(client.get("/v1/nowhere")) == (
        404,
        None,
        "no route /v1/nowhere; the routes are listed at /docs and /openapi.json",
    )
    assert _problem(client.delete("/v1/score")) == (405, None, "DELETE is not allowed on /v1/score")


def test_public_routes_are_rate_limited_per_client(database_url: str) -> None:
    with running_service(database_url, rate_limit=3, rate_window_seconds=10**6) as service:
        public = service.client()
        assert [public.post("/v1/score", json=PROFILE).status_code for _ in range(3)] == [200, 200, 200]
        refused = public.post("/v1/score", json=PROFILE)
        status, _, detail = _problem(refused)
        wait = int(refused.headers["retry-after"])
        assert (status, detail) == (
            429,
            f"more than 3 requests in 1000000 s from 127.0.0.1 to the public routes; try again in {wait} s",
        )
        assert 1 <= wait <= 10**6
        assert public.get("/v1/history/rounds/327").status_code == 429
        # Not limited: the health check, and the routes of accounts.
        assert public.get("/health").status_code == 200
        assert [service.call("ana", "GET", "/v1/pool/summary").status_code for _ in range(5)] == [200] * 5


def test_the_rate_limit_is_shared_through_redis(database_url: str) -> None:
    shared = {
        "rate_limit": 3,
        "rate_window_seconds": 10**6,
        "redis_url": "redis://127.0.0.1:6379/0",
        "redis_prefix": f"openentry-test-{uuid.uuid4().hex}",
    }
    with (
        running_service(database_url, accounts=False, **shared) as first,
        running_service(database_url, accounts=False, **shared) as second,
    ):
        statuses = [
            service.client().post("/v1/score", json=PROFILE).status_code
            for service in (first, second, first, second)
        ]
        assert statuses == [200, 200, 200, 429]
    # Redis not answering: the limit is not counted and requests go on.
    unreachable = {**shared, "redis_url": f"redis://127.0.0.1:{free_port()}/0"}
    with running_service(database_url, accounts=False, **unreachable) as alone:
        assert [alone.client().post("/v1/score", json=PROFILE).status_code for _ in range(5)] == [200] * 5
