"""A candidate withdraws their profile over HTTP (issue 13 §2): out of the pool, not invited, a
second withdrawal refused; submitted again, a new submission in the pool with a new submitted_at
and invited; an ITA held when withdrawing is not used; the audit entries each step wrote."""

from __future__ import annotations

import datetime

from tests.api.conftest import SETUP, Service, candidate_profile, now_text
from tests.pool.conftest import CRS_BY_AGE


def _audit(service: Service) -> list[tuple[object, ...]]:
    """The entries written since the accounts were made: (actor, action, object, request id,
    outcome, detail)."""
    entries = service.call("root", "GET", "/v1/audit", params={"limit": 1000}).json()
    return [
        (e["actor"], e["action"], e["object"], e["request_id"], e["outcome"], e["detail"])
        for e in entries
        if e["actor"] != SETUP.name
    ]


def _moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _round(service: Service, request_id: str) -> dict[str, object]:
    response = service.call(
        "otto", "POST", "/v1/rounds", json={"at": now_text(), "size": 1}, headers={"X-Request-ID": request_id}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_withdraw_not_invited_submit_again_invited(service: Service) -> None:
    alice = service.client("alice")
    nobody = service.call("bob", "POST", "/v1/me/withdraw", headers={"X-Request-ID": "w-0"})
    assert (nobody.status_code, nobody.headers["content-type"], nobody.json()["detail"]) == (
        404,
        "application/problem+json",
        "no profile for 'bob' yet; send one with PUT /v1/me/profile",
    )
    assert service.call(None, "POST", "/v1/me/withdraw").status_code == 401
    assert service.call("ana", "POST", "/v1/me/withdraw").status_code == 403

    created = alice.put("/v1/me/profile", json=candidate_profile(age=29), headers={"X-Request-ID": "w-1"})
    assert created.status_code == 201, created.text
    first_submission = created.json()["submitted_at"]
    bob = service.call(
        "bob", "PUT", "/v1/me/profile", json=candidate_profile(age=31), headers={"X-Request-ID": "w-2"}
    )
    assert bob.status_code == 201

    withdrawn = alice.post("/v1/me/withdraw", headers={"X-Request-ID": "w-3"})
    assert withdrawn.status_code == 200, withdrawn.text
    withdrawn_at = withdrawn.json()["at"]
    assert withdrawn.json() == {
        "id": "alice",
        "recorded": "withdrawn",
        "at": withdrawn_at,
        "submitted_at": first_submission,
        "invitations_not_used": [],
    }
    me = alice.get("/v1/me").json()
    assert (me["submitted_at"], me["crs"], me["in_pool"], me["not_in_pool"]) == (
        first_submission,
        CRS_BY_AGE[29],
        False,
        "withdrawn by the candidate",
    )
    again = alice.post("/v1/me/withdraw", headers={"X-Request-ID": "w-4"})
    refusal = (
        f"'alice' withdrew the profile submitted at {first_submission} already, at {withdrawn_at}; "
        "submitting the profile again enters it in the pool anew"
    )
    assert (again.status_code, again.headers["content-type"], again.json()["detail"]) == (
        409,
        "application/problem+json",
        refusal,
    )

    # alice (472) is out: the round invites bob (461).
    first = _round(service, "w-5")
    assert (first["round"], first["invited"], first["tiebreak_id"]) == (1, 1, "bob")

    resubmitted = alice.put("/v1/me/profile", json=candidate_profile(age=29), headers={"X-Request-ID": "w-6"})
    assert resubmitted.status_code == 201, resubmitted.text
    second_submission = resubmitted.json()["submitted_at"]
    assert resubmitted.json() == {
        "id": "alice",
        "submitted_at": second_submission,
        "created": True,
        "effective_at": second_submission,
    }
    assert _moment(first_submission) < _moment(withdrawn_at) < _moment(second_submission)
    assert alice.get("/v1/me/profile").json()["submitted_at"] == second_submission
    me = alice.get("/v1/me").json()
    assert (me["submitted_at"], me["in_pool"], me["not_in_pool"]) == (second_submission, True, None)
    # An update keeps the new submission's moment.
    updated = alice.put("/v1/me/profile", json=candidate_profile(age=29), headers={"X-Request-ID": "w-7"})
    assert (updated.status_code, updated.json()["created"], updated.json()["submitted_at"]) == (
        200,
        False,
        second_submission,
    )

    second = _round(service, "w-8")
    assert (second["round"], second["invited"], second["tiebreak_id"], second["cutoff"]) == (
        2,
        1,
        "alice",
        CRS_BY_AGE[29],
    )
    assert alice.get("/v1/me").json()["holding_ita"] is True

    round_detail = {"kind": "general", "size": 1, "criteria": {"kind": "general"}, "invited": 1, "key": None}
    assert _audit(service) == [
        ("alice", "profile.created", "candidate:alice", "w-1", "ok", {}),
        ("bob", "profile.created", "candidate:bob", "w-2", "ok", {}),
        ("alice", "profile.withdrawn", "candidate:alice", "w-3", "ok", {}),
        ("alice", "profile.withdrawn", "candidate:alice", "w-4", "refused", {"reason": refusal}),
        (
            "otto",
            "round.recorded",
            "round:1",
            "w-5",
            "ok",
            {**round_detail, "at": first["at"], "cutoff": CRS_BY_AGE[31]},
        ),
        ("alice", "profile.created", "candidate:alice", "w-6", "ok", {}),
        ("alice", "profile.updated", "candidate:alice", "w-7", "ok", {}),
        (
            "otto",
            "round.recorded",
            "round:2",
            "w-8",
            "ok",
            {**round_detail, "at": second["at"], "cutoff": CRS_BY_AGE[29]},
        ),
    ]


def test_an_ita_held_when_withdrawing_is_not_used(service: Service) -> None:
    alice = service.client("alice")
    created = alice.put("/v1/me/profile", json=candidate_profile(age=29), headers={"X-Request-ID": "i-1"})
    assert created.status_code == 201
    invited = _round(service, "i-2")
    assert invited["tiebreak_id"] == "alice"
    expires_on = (_moment(str(invited["at"])).date() + datetime.timedelta(days=60)).isoformat()

    withdrawn = alice.post("/v1/me/withdraw", headers={"X-Request-ID": "i-3"})
    assert withdrawn.json()["invitations_not_used"] == [{"round": 1, "kind": "ita", "expires_on": expires_on}]
    me = alice.get("/v1/me").json()
    assert (me["in_pool"], me["not_in_pool"], me["holding_ita"]) == (
        False,
        "withdrawn by the candidate",
        False,
    )
    assert me["invitations"] == [
        {
            "round": 1,
            "kind": "ita",
            "crs": CRS_BY_AGE[29],
            "issued_at": invited["at"],
            "expires_on": expires_on,
            "outcome": None,
        }
    ]
    applied = alice.post("/v1/me/invitations/1/apply", headers={"X-Request-ID": "i-4"})
    refusal = (
        "the ITA of round 1 is not used: 'alice' withdrew the profile it was issued to at "
        f"{withdrawn.json()['at']}"
    )
    assert (applied.status_code, applied.json()["detail"]) == (409, refusal)

    # Submitted again within the old ITA's 60 days: a new submission, holding none, invited again.
    again = alice.put("/v1/me/profile", json=candidate_profile(age=29), headers={"X-Request-ID": "i-5"})
    assert again.status_code == 201
    assert alice.get("/v1/me").json()["holding_ita"] is False
    assert _round(service, "i-6")["tiebreak_id"] == "alice"
    declined = alice.post("/v1/me/invitations/2/decline", headers={"X-Request-ID": "i-7"})
    assert declined.status_code == 200
    assert [entry[:5] for entry in _audit(service)] == [
        ("alice", "profile.created", "candidate:alice", "i-1", "ok"),
        ("otto", "round.recorded", "round:1", "i-2", "ok"),
        ("alice", "profile.withdrawn", "candidate:alice", "i-3", "ok"),
        ("alice", "invitation.applied", "candidate:alice/round:1", "i-4", "refused"),
        ("alice", "profile.created", "candidate:alice", "i-5", "ok"),
        ("otto", "round.recorded", "round:2", "i-6", "ok"),
        ("alice", "invitation.declined", "candidate:alice/round:2", "i-7", "ok"),
    ]


def test_the_route_is_in_the_openapi_document_with_a_named_schema(service: Service) -> None:
    document = service.call(None, "GET", "/openapi.json").json()
    operation = document["paths"]["/v1/me/withdraw"]["post"]
    assert operation["summary"] == "Withdraw my profile from the pool"
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WithdrawalReceipt"
    }
    assert sorted(operation["responses"]) == ["200", "401", "403", "404", "409"]
    schema = document["components"]["schemas"]["WithdrawalReceipt"]
    assert schema["description"].startswith("A candidate's profile withdrawn from the pool")
    assert sorted(schema["properties"]) == ["at", "id", "invitations_not_used", "recorded", "submitted_at"]
