"""Fuzzing the service from its OpenAPI document (issue 13): schemathesis generates requests for
every route (valid and invalid ones), sent over HTTP to uvicorn with the token of a role that may
use the route. No answer may be a server error, and every 4xx must be a problem document whose
status is the response's; answers must match the statuses, media types and schemas the document
declares."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from openentry.api.app import create_app
from openentry.api.settings import ServiceSettings
from tests.api.conftest import Service, candidate_profile, now_text, running_service

# Hypothesis examples per route and phase: about 850 cases for each route taking profiles, 50 to
# 150 for the others (their inputs are few), some 4,000 in all, in about a minute and a half on two cores.
EXAMPLES = 40

# Whose token each route is called with (the others get 401 or 403, as tests/api/test_roles.py shows).
TOKEN_BY_PREFIX = (
    ("/v1/me", "alice"),
    ("/v1/users", "root"),
    ("/v1/audit", "root"),
    ("/v1/pool", "otto"),
    ("/v1/rounds", "otto"),
    ("/v1/nominations", "otto"),
    ("/v1/invitations", "otto"),
)


@pytest.fixture(scope="module")
def fuzzed_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with running_service(f"sqlite:///{folder / 'fuzz.sqlite'}") as service:
        for name, age in (("alice", 29), ("bob", 31)):
            service.call(name, "PUT", "/v1/me/profile", json=candidate_profile(age=age))
        service.call("otto", "POST", "/v1/rounds", json={"at": now_text(), "size": 1})
        yield service


# The document the service serves, with the settings the fuzzed service runs with (no rate limit).
SETTINGS = ServiceSettings(database_url=None, redis_url=None, rate_limit=0)
schema = schemathesis.openapi.from_dict(create_app(SETTINGS).openapi())


@schemathesis.check
def problem_document(ctx: Any, response: Any, case: Any) -> None:
    """Every 4xx is ``application/problem+json`` with its own status."""
    if 400 <= response.status_code < 500:
        assert response.headers.get("content-type") == ["application/problem+json"], response.headers
        body = response.json()
        assert body["status"] == response.status_code and body["detail"], body


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_route(case: Any, fuzzed_service: Service) -> None:
    token = next((name for prefix, name in TOKEN_BY_PREFIX if case.path.startswith(prefix)), None)
    headers = dict(case.headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {fuzzed_service.tokens[token]}"
    case.headers = headers
    case.call_and_validate(
        base_url=fuzzed_service.url,
        checks=[
            not_a_server_error,
            problem_document,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
