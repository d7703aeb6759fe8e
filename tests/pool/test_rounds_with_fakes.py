"""The round use case on an in-memory store (no database): rank, ledger, key, time order."""

from __future__ import annotations

import datetime

import pytest
from tests.pool.conftest import profile
from tests.pool.fakes import FakePoolStore

from openentry.domain import RoundSpec, RoundSpecError
from openentry.services.rounds import hold_round


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _store() -> FakePoolStore:
    return FakePoolStore(
        [
            profile("b-472", "2024-01-10T08:00:00Z", age=29),
            profile("a-472", "2024-01-10T08:00:00Z", age=29),
            profile("early-461", "2024-01-01T00:00:00Z", age=31),
            profile("low-412", "2023-12-01T00:00:00Z", age=40),
        ]
    )


def test_a_round_ranks_records_and_the_next_skips_those_holding_an_ita() -> None:
    store = _store()
    first = hold_round(store, RoundSpec.create(at=at("2024-06-01T12:00:00Z"), size=2))
    assert [(item.candidate_id, item.crs) for item in first.invitations] == [("a-472", 472), ("b-472", 472)]
    assert (first.number, first.cutoff, first.tiebreak_id, first.eligible) == (1, 472, "b-472", 4)
    assert [(row.number, row.invited) for row in store.rounds] == [(1, 2)]
    second = hold_round(store, RoundSpec.create(at=at("2024-06-02T12:00:00Z"), size=5))
    assert [item.candidate_id for item in second.invitations] == ["early-461", "low-412"]
    # The ITAs are outstanding until 2024-07-31; the outcome recorded for one puts it back.
    store.outcomes[1] = (at("2024-06-05T00:00:00Z"), "declined")
    third = hold_round(store, RoundSpec.create(at=at("2024-06-06T12:00:00Z"), size=5))
    assert [item.candidate_id for item in third.invitations] == ["a-472"]


def test_a_key_returns_the_recorded_round_and_time_runs_forward() -> None:
    store = _store()
    spec = RoundSpec.create(at=at("2024-06-01T12:00:00Z"), size=1, key="k1")
    recorded = hold_round(store, spec)
    again = hold_round(store, spec)
    assert (again.number, again.invited, again.cutoff, again.tiebreak_id) == (1, 1, 472, "a-472")
    assert (len(store.rounds), len(store.invitations)) == (1, 1)
    assert again.summary() == recorded.summary()
    for dry_run in (False, True):
        with pytest.raises(RoundSpecError, match=r"^--at 2024-05-31T00:00:00Z is before round 1"):
            hold_round(store, RoundSpec.create(at=at("2024-05-31T00:00:00Z"), size=1), dry_run=dry_run)
    assert (len(store.rounds), len(store.invitations)) == (1, 1)
