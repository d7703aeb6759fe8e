"""A candidate's whole life over HTTP (issue 13): profile, score, invited in a round, decline,
invited again, apply; and the audit entries each step wrote, in the step's own transaction."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import func, select

import openentry.api.audit as audit_module
from openentry.db import session_scope
from openentry.db.models import RoundRow
from openentry.db.service_models import AuditRow
from tests.api.conftest import SETUP, Service, candidate_profile, now_text
from tests.pool.conftest import CRS_BY_AGE


def _audit(service: Service) -> list[tuple[object, ...]]:
    """The entries written since the accounts were made: (actor, role, action, object, request id,
    outcome, detail)."""
    entries = service.call("root", "GET", "/v1/audit", params={"limit": 1000}).json()
    return [
        (e["actor"], e["role"], e["action"], e["object"], e["request_id"], e["outcome"], e["detail"])
        for e in entries
        if e["actor"] != SETUP.name
    ]


def test_a_candidates_whole_life_and_its_audit_trail(service: Service) -> None:
    alice, otto = service.client("alice"), service.client("otto")
    profile = candidate_profile(age=29)

    created = alice.put("/v1/me/profile", json=profile, headers={"X-Request-ID": "life-1"})
    assert created.status_code == 201, created.text
    submitted_at = created.json()["submitted_at"]
    assert created.json() == {
        "id": "alice",
        "submitted_at": submitted_at,
        "created": True,
        "effective_at": submitted_at,
    }
    assert alice.get("/v1/me/profile").json() == {**profile, "id": "alice", "submitted_at": submitted_at}

    scored = alice.post("/v1/score", json=profile)
    assert scored.status_code == 200
    assert scored.json()["total"] == CRS_BY_AGE[29]

    updated = alice.put(
        "/v1/me/profile",
        json={**profile, "provinces_of_interest": ["ON"]},
        headers={"X-Request-ID": "life-2"},
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["created"], updated.json()["submitted_at"]) == (False, submitted_at)
    me = alice.get("/v1/me").json()
    assert (me["crs"], me["in_pool"], me["not_in_pool"], me["holding_ita"], me["invitations"]) == (
        CRS_BY_AGE[29],
        True,
        None,
        False,
        [],
    )

    first_at = now_text()
    first = otto.post("/v1/rounds", json={"at": first_at, "size": 1}, headers={"X-Request-ID": "life-3"})
    assert first.status_code == 200, first.text
    assert {key: first.json()[key] for key in ("round", "invited", "cutoff", "tiebreak_id", "recorded")} == {
        "round": 1,
        "invited": 1,
        "cutoff": CRS_BY_AGE[29],
        "tiebreak_id": "alice",
        "recorded": True,
    }
    expires_on = (datetime.datetime.fromisoformat(first_at).date() + datetime.timedelta(days=60)).isoformat()
    me = alice.get("/v1/me").json()
    assert me["holding_ita"] is True
    assert me["invitations"] == [
        {
            "round": 1,
            "kind": "ita",
            "crs": CRS_BY_AGE[29],
            "issued_at": first_at,
            "expires_on": expires_on,
            "outcome": None,
        }
    ]

    # Another candidate's invitation is "not found", as a round that does not exist.
    assert service.call("bob", "POST", "/v1/me/invitations/1/decline").status_code == 404
    assert service.call("bob", "POST", "/v1/me/invitations/99/decline").json()["detail"] == (
        "you hold no invitation from round 99"
    )

    declined = alice.post("/v1/me/invitations/1/decline", headers={"X-Request-ID": "life-4"})
    assert (declined.status_code, declined.json()) == (
        200,
        {"id": "alice", "round": 1, "kind": "ita", "recorded": "declined"},
    )
    again = alice.post("/v1/me/invitations/1/decline", headers={"X-Request-ID": "life-5"})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    refusal = again.json()["detail"]
    assert refusal.startswith("the ITA of round 1 is already declined on ")

    second = otto.post("/v1/rounds", json={"at": now_text(), "size": 1}, headers={"X-Request-ID": "life-6"})
    assert second.status_code == 200, second.text
    assert (second.json()["round"], second.json()["invited"], second.json()["tiebreak_id"]) == (2, 1, "alice")

    applied = alice.post("/v1/me/invitations/2/apply", headers={"X-Request-ID": "life-7"})
    assert (applied.status_code, applied.json()) == (
        200,
        {"id": "alice", "round": 2, "kind": "ita", "recorded": "applied"},
    )
    me = alice.get("/v1/me").json()
    assert (me["in_pool"], me["not_in_pool"], me["holding_ita"]) == (False, "applied after an ITA", False)
    assert [(item["round"], item["outcome"]) for item in me["invitations"]] == [
        (1, "declined"),
        (2, "applied"),
    ]
    assert [entry["event"] for entry in me["history"]] == [
        "submitted",
        "updated",
        "invited",
        "declined",
        "invited",
        "applied",
    ]

    round_detail = {"kind": "general", "size": 1, "criteria": {"kind": "general"}, "invited": 1}
    assert _audit(service) == [
        ("alice", "candidate", "profile.created", "candidate:alice", "life-1", "ok", {}),
        ("alice", "candidate", "profile.updated", "candidate:alice", "life-2", "ok", {}),
        (
            "otto",
            "officer",
            "round.recorded",
            "round:1",
            "life-3",
            "ok",
            {**round_detail, "at": first_at, "cutoff": CRS_BY_AGE[29], "key": None},
        ),
        ("alice", "candidate", "invitation.declined", "candidate:alice/round:1", "life-4", "ok", {}),
        (
            "alice",
            "candidate",
            "invitation.declined",
            "candidate:alice/round:1",
            "life-5",
            "refused",
            {"reason": refusal},
        ),
        (
            "otto",
            "officer",
            "round.recorded",
            "round:2",
            "life-6",
            "ok",
            {**round_detail, "at": second.json()["at"], "cutoff": CRS_BY_AGE[29], "key": None},
        ),
        ("alice", "candidate", "invitation.applied", "candidate:alice/round:2", "life-7", "ok", {}),
    ]


def test_an_audit_entry_that_cannot_be_written_takes_the_change_with_it(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry is written in the round's own transaction: when writing it fails, the round is
    not recorded either."""
    assert service.call("alice", "PUT", "/v1/me/profile", json=candidate_profile()).status_code == 201

    def broken(*arguments: object, **options: object) -> None:
        raise RuntimeError("the audit table cannot be written")

    monkeypatch.setattr(audit_module, "write_entry", broken)
    failed = service.call("otto", "POST", "/v1/rounds", json={"at": now_text(), "size": 1})
    assert (failed.status_code, failed.headers["content-type"]) == (500, "application/problem+json")
    assert failed.json()["detail"] == "the service failed on this request; it is logged with its request id"
    monkeypatch.undo()
    with session_scope(service.engine) as session:
        assert session.scalar(select(func.count()).select_from(RoundRow)) == 0
        actions = session.execute(select(AuditRow.action).where(AuditRow.actor != SETUP.name)).scalars().all()
    assert actions == ["profile.created"]
