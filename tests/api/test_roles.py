"""Each role allowed and refused on each route (issue 13 §2; interfaces.md §9), over HTTP.

One row per route: the status each caller gets, public (no token), candidate, analyst, officer,
admin. Refusals come before anything changes (401 without a valid token, 403 for a role that
may not), so each row's callers are tried refused ones first and the allowed ones then see the
same state. The pool: alice and bob (candidates, CRS 472 and 461); round 1 invited bob.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.api.conftest import ROLE_ACCOUNT, Service, candidate_profile, now_text
from tests.pool.conftest import CRS_BY_AGE

EXAMPLE = json.loads((Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text().splitlines()[0])
CALLERS = ("public", "candidate", "analyst", "officer", "admin")

Body = Callable[[], Any] | None


def row(
    method: str, path: str, body: Body, public: int, candidate: int, analyst: int, officer: int, admin: int
) -> tuple[str, str, Body, dict[str, int]]:
    statuses = dict(zip(CALLERS, (public, candidate, analyst, officer, admin), strict=True))
    return method, path, body, statuses


def _profile() -> dict[str, object]:
    return dict(EXAMPLE["profile"])


TABLE = [
    row("GET", "/health", None, 200, 200, 200, 200, 200),
    row("POST", "/v1/score", _profile, 200, 200, 200, 200, 200),
    row("POST", "/v1/eligibility", _profile, 200, 200, 200, 200, 200),
    row("POST", "/v1/whatif", _profile, 200, 200, 200, 200, 200),
    row("POST", "/v1/timeline", _profile, 200, 200, 200, 200, 200),
    row("POST", "/v1/chances", _profile, 200, 200, 200, 200, 200),
    row("GET", "/v1/history/rounds/327", None, 200, 200, 200, 200, 200),
    row("POST", "/v1/history/rounds/327/check", _profile, 200, 200, 200, 200, 200),
    row("GET", "/v1/me", None, 401, 200, 403, 403, 403),
    row("GET", "/v1/me/profile", None, 401, 200, 403, 403, 403),
    row("PUT", "/v1/me/profile", lambda: candidate_profile(age=29), 401, 200, 403, 403, 403),
    # Round 1 invited bob: alice's own invitations of it do not exist.
    row("POST", "/v1/me/invitations/1/decline", None, 401, 404, 403, 403, 403),
    row("POST", "/v1/me/invitations/1/apply", None, 401, 404, 403, 403, 403),
    row("POST", "/v1/me/withdraw", None, 401, 200, 403, 403, 403),
    row("GET", "/v1/pool/summary", None, 401, 403, 200, 200, 403),
    row("GET", "/v1/pool/candidates/bob/history", None, 401, 403, 200, 200, 403),
    row(
        "POST", "/v1/rounds", lambda: {"at": now_text(), "size": 1, "dry_run": True}, 401, 403, 200, 200, 403
    ),
    row("POST", "/v1/rounds", lambda: {"at": now_text(), "size": 1}, 401, 403, 403, 200, 403),
    row("GET", "/v1/rounds/1/invitations", None, 401, 403, 200, 200, 403),
    row(
        "POST",
        "/v1/nominations",
        lambda: {"candidate": "bob", "province": "ON", "at": now_text()},
        401,
        403,
        403,
        200,
        403,
    ),
    # bob's ITA is valid for 60 days: it cannot be recorded as expired today.
    row(
        "POST",
        "/v1/invitations/expire",
        lambda: {"candidate": "bob", "at": now_text(), "round": 1},
        401,
        403,
        403,
        409,
        403,
    ),
    row("GET", "/v1/audit", None, 401, 403, 403, 200, 200),
    row("GET", "/v1/users", None, 401, 403, 403, 403, 200),
    row("POST", "/v1/users", lambda: {"user": "newcomer", "role": "analyst"}, 401, 403, 403, 403, 201),
    row("POST", "/v1/users/leaver/revoke", None, 401, 403, 403, 403, 200),
]


def _pool(service: Service) -> None:
    """alice (472) and bob (461) in the pool; round 1 invites bob alone (a score range)."""
    for name, age in (("alice", 29), ("bob", 31)):
        assert service.call(name, "PUT", "/v1/me/profile", json=candidate_profile(age=age)).status_code == 201
    body = {"at": now_text(), "crs_min": CRS_BY_AGE[31], "crs_max": CRS_BY_AGE[31]}
    invited = service.call("otto", "POST", "/v1/rounds", json=body)
    assert (invited.status_code, invited.json()["invited"], invited.json()["tiebreak_id"]) == (200, 1, "bob")
    service.add_account("leaver", "analyst")


def test_each_role_on_each_route(service: Service) -> None:
    _pool(service)
    assert service.call("ana", "GET", "/v1/me").json()["detail"] == (
        "an account with the role analyst may not keep their own profile and answer their own invitations; "
        "allowed: candidate"
    )
    found: list[tuple[str, str, str, int]] = []
    expected: list[tuple[str, str, str, int]] = []
    for method, path, body, statuses in TABLE:
        # Refused callers first: they change nothing; then the allowed ones.
        for caller in sorted(CALLERS, key=lambda name: statuses[name] < 400):
            account = ROLE_ACCOUNT.get(caller)
            options = {} if body is None else {"json": body()}
            response = service.call(account, method, path, **options)
            found.append((method, path, caller, response.status_code))
            expected.append((method, path, caller, statuses[caller]))
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json", (method, path)
                assert response.json()["status"] == response.status_code
    assert found == expected


def test_a_revoked_or_unknown_token_is_401(service: Service) -> None:
    assert service.call("ana", "GET", "/v1/pool/summary").status_code == 200
    revoked = service.call("root", "POST", "/v1/users/ana/revoke")
    assert (revoked.status_code, revoked.json()["user"], revoked.json()["revoked_at"] is not None) == (
        200,
        "ana",
        True,
    )
    refused = service.call("ana", "GET", "/v1/pool/summary")
    assert (refused.status_code, refused.headers["www-authenticate"], refused.json()["detail"]) == (
        401,
        "Bearer",
        "the token is not valid: unknown, or its account was revoked",
    )
    unknown = service.call(None, "GET", "/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert unknown.status_code == 401
    again = service.call("root", "POST", "/v1/users/ana/revoke")
    assert again.status_code == 409
    assert again.json()["detail"].startswith("'ana' was revoked at ")
    nobody = service.call("root", "POST", "/v1/users/nobody/revoke", headers={"X-Request-ID": "r-1"})
    assert (nobody.headers["x-request-id"], nobody.json()) == (
        "r-1",
        {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "no account 'nobody'",
            "field": "user",
            "request_id": "r-1",
        },
    )
