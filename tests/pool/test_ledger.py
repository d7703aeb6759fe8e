"""The invitations ledger: validity by date, decline and return, apply, lapse, nomination, history."""

from __future__ import annotations

import datetime
from pathlib import Path
from unittest.mock import ANY

import pytest
from sqlalchemy import Engine, func, select
from tests.pool.conftest import profile, write_jsonl

from openentry.db import session_scope
from openentry.db.models import CandidateEventRow, InvitationRow, RoundRow
from openentry.domain import RoundSpec
from openentry.services.invitations import LedgerError, candidate_history, record_outcome
from openentry.services.nominations import record_nomination
from openentry.services.ordering import PastChangeError
from openentry.services.pool import load_pool_file, pool_summary
from openentry.services.rounds import run_round


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def invite(engine: Engine, when: str, size: int | None = 1, **criteria: object) -> tuple[list[str], object]:
    spec = RoundSpec.create(at=at(when), size=size, everyone=size is None, **criteria)  # type: ignore[arg-type]
    result = run_round(engine, spec)
    return [invitation.candidate_id for invitation in result.invitations], result


def _load(engine: Engine, tmp_path: Path, profiles: list[dict[str, object]]) -> None:
    load_pool_file(engine, write_jsonl(tmp_path / "pool.jsonl", profiles))


def test_ita_validity_follows_the_date_of_issue(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, [profile("a", "2016-12-01T00:00:00Z"), profile("b", "2019-01-01T00:00:00Z")])
    _, in_2017 = invite(engine, "2017-03-01T12:00:00Z")
    _, in_2019 = invite(engine, "2019-03-01T12:00:00Z")
    _, in_2020 = invite(engine, "2020-03-18T12:00:00Z", size=None, kind="provincial", province="ON")
    assert [(i.candidate_id, i.kind, i.expires_on) for i in in_2017.invitations] == [  # type: ignore[attr-defined]
        ("a", "ita", datetime.date(2017, 5, 30))  # 90 days (2016-11-19 to 2018-06-25)
    ]
    assert [(i.candidate_id, i.kind, i.expires_on) for i in in_2019.invitations] == [  # type: ignore[attr-defined]
        ("b", "ita", datetime.date(2019, 4, 30))  # 60 days
    ]
    # b's ITA lapsed on 2019-04-30 and a's profile expired 2017-12-01: no one left for an NOI.
    assert in_2020.invitations == ()  # type: ignore[attr-defined]


def test_outstanding_decline_return_apply(engine: Engine, tmp_path: Path) -> None:
    _load(
        engine,
        tmp_path,
        [profile("a", "2024-01-10T00:00:00Z", age=29), profile("b", "2024-01-11T00:00:00Z", age=31)],
    )
    assert invite(engine, "2024-06-01T12:00:00Z")[0] == ["a"]
    # a holds an outstanding ITA: the next round invites b.
    assert invite(engine, "2024-06-02T12:00:00Z")[0] == ["b"]
    assert invite(engine, "2024-06-03T12:00:00Z")[0] == []
    with pytest.raises(
        LedgerError,
        match=r"^2023-12-31T00:00:00Z is before profile 'a' existed \(submitted 2024-01-10T00:00:00Z\)$",
    ):
        record_outcome(engine, "a", "declined", at("2023-12-31T00:00:00Z"))
    # Round 3's pool is history: an outcome dated before it is refused.
    with pytest.raises(
        PastChangeError,
        match=r"^an invitation declined at 2024-05-31T00:00:00Z is before round 3, recorded at "
        r"2024-06-03T12:00:00Z; changes take effect at or after the latest recorded round$",
    ):
        record_outcome(engine, "a", "declined", at("2024-05-31T00:00:00Z"))
    assert record_outcome(engine, "a", "declined", at("2024-06-10T09:00:00Z")) == {
        "id": "a", "round": 1, "kind": "ita", "recorded": "declined"
    }  # fmt: skip
    with pytest.raises(LedgerError, match="the ITA of round 1 is already declined on 2024-06-11"):
        record_outcome(engine, "a", "applied", at("2024-06-11T00:00:00Z"))
    # Back in the pool after declining.
    assert invite(engine, "2024-06-11T12:00:00Z")[0] == ["a"]
    assert record_outcome(engine, "a", "applied", at("2024-06-20T00:00:00Z"))["recorded"] == "applied"
    assert record_outcome(engine, "b", "applied", at("2024-06-20T00:00:00Z"), round_number=2)["round"] == 2
    assert invite(engine, "2024-07-01T12:00:00Z")[0] == []
    summary = pool_summary(engine, at("2024-07-01T12:00:00Z"))
    assert (summary["stored"], summary["in_pool"]) == (2, 0)
    assert summary["not_in_pool"]["applied after an ITA"] == 2  # type: ignore[index]
    assert candidate_history(engine, "a") == [
        {"event": "submitted", "at": "2024-01-10T00:00:00Z"},
        {
            "event": "invited",
            "at": "2024-06-01T12:00:00Z",
            "round": 1,
            "kind": "ita",
            "crs": 472,
            "expires_on": "2024-07-31",
        },
        {
            "event": "declined",
            "at": "2024-06-10T09:00:00Z",
            "recorded_at": ANY,
            "round": 1,
            "invitation": "ita",
        },
        {
            "event": "invited",
            "at": "2024-06-11T12:00:00Z",
            "round": 4,
            "kind": "ita",
            "crs": 472,
            "expires_on": "2024-08-10",
        },
        {
            "event": "applied",
            "at": "2024-06-20T00:00:00Z",
            "recorded_at": ANY,
            "round": 4,
            "invitation": "ita",
        },
    ]


def test_decline_returns_only_until_the_original_expiry(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z")])
    assert invite(engine, "2024-12-01T12:00:00Z")[0] == ["a"]
    record_outcome(engine, "a", "declined", at("2024-12-05T00:00:00Z"))
    assert invite(engine, "2025-01-09T23:59:59Z")[0] == ["a"]
    record_outcome(engine, "a", "declined", at("2025-01-09T23:59:59Z"))
    assert invite(engine, "2025-01-10T00:00:00Z")[0] == []
    assert pool_summary(engine, at("2025-01-10T00:00:00Z"))["not_in_pool"]["pool expiry"] == 1  # type: ignore[index]


def test_lapsed_ita_leaves_the_pool_and_expiry_is_recorded_only_after_the_last_day(
    engine: Engine, tmp_path: Path
) -> None:
    _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z")])
    invite(engine, "2024-06-01T12:00:00Z")
    with pytest.raises(
        LedgerError, match="is outstanding, valid until 2024-07-31; it can be recorded as expired"
    ):
        record_outcome(engine, "a", "expired", at("2024-07-31T23:00:00Z"))
    with pytest.raises(LedgerError, match=r"already expired on 2024-08-01 \(valid until 2024-07-31\)"):
        record_outcome(engine, "a", "applied", at("2024-08-01T00:00:00Z"))
    assert invite(engine, "2024-08-01T12:00:00Z")[0] == []
    record_outcome(engine, "a", "expired", at("2024-08-01T00:00:00Z"))
    summary = pool_summary(engine, at("2024-08-02T00:00:00Z"))
    assert summary["not_in_pool"]["let an ITA expire"] == 1  # type: ignore[index]


def test_language_result_two_years_old_leaves_the_pool(engine: Engine, tmp_path: Path) -> None:
    language = {
        "test": "clb",
        "reading": 9,
        "writing": 9,
        "listening": 9,
        "speaking": 9,
        "test_date": "2023-05-10",
    }
    _load(engine, tmp_path, [profile("a", "2024-06-01T00:00:00Z", first_language=language)])
    assert pool_summary(engine, at("2025-05-09T23:00:00Z"))["in_pool"] == 1
    assert pool_summary(engine, at("2025-05-10T00:00:00Z"))["in_pool"] == 0
    assert invite(engine, "2025-05-10T12:00:00Z")[0] == []


def test_nomination_then_pnp_round(engine: Engine, tmp_path: Path) -> None:
    _load(
        engine,
        tmp_path,
        [profile("a", "2024-01-10T00:00:00Z", age=29), profile("b", "2024-01-11T00:00:00Z", age=40)],
    )
    with pytest.raises(LedgerError, match="before profile 'b' existed"):
        record_nomination(engine, "b", "ON", at("2024-01-01T00:00:00Z"))
    with pytest.raises(LedgerError, match="'QC' is not a province code"):
        record_nomination(engine, "b", "QC", at("2024-05-01T00:00:00Z"))
    with pytest.raises(LedgerError, match="no profile 'zz' in the pool"):
        record_nomination(engine, "zz", "ON", at("2024-05-01T00:00:00Z"))
    record_nomination(engine, "b", "ON", at("2024-05-01T00:00:00Z"))
    before, _ = invite(engine, "2024-04-30T12:00:00Z", size=5, program="pnp", crs_min=None)
    assert before == []
    names, pnp = invite(engine, "2024-05-02T12:00:00Z", size=5, program="pnp")
    assert names == ["b"]
    assert (pnp.cutoff, pnp.invitations[0].crs) == (1012, 1012)  # type: ignore[attr-defined]
    # b holds that ITA; a general round now invites a.
    assert invite(engine, "2024-05-03T12:00:00Z")[0] == ["a"]


def test_noi_holders_are_not_notified_again_but_can_get_an_ita(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z", provinces_of_interest=["ON"])])
    _, first = invite(engine, "2024-06-01T12:00:00Z", size=None, kind="provincial", province="ON")
    assert [(i.candidate_id, i.expires_on) for i in first.invitations] == [("a", datetime.date(2024, 7, 16))]  # type: ignore[attr-defined]
    assert invite(engine, "2024-06-02T12:00:00Z", size=None, kind="provincial", province="ON")[0] == []
    assert invite(engine, "2024-07-17T12:00:00Z", size=None, kind="provincial", province="ON")[0] == ["a"]
    assert invite(engine, "2024-07-18T12:00:00Z")[0] == ["a"]


def test_a_failed_round_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z")])
    with pytest.raises(Exception, match="category"):
        invite(engine, "2024-06-01T12:00:00Z", category="astronauts")
    with session_scope(engine) as session:
        counts = [
            session.scalar(select(func.count()).select_from(table))
            for table in (RoundRow, InvitationRow, CandidateEventRow)
        ]
    assert counts == [0, 0, 0]


def test_an_ita_holder_stays_in_the_pool_and_can_be_notified(engine: Engine, tmp_path: Path) -> None:
    _load(
        engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z"), profile("b", "2024-01-11T00:00:00Z", age=31)]
    )
    assert invite(engine, "2024-06-01T12:00:00Z")[0] == ["a"]
    summary = pool_summary(engine, at("2024-06-02T00:00:00Z"))
    assert (summary["in_pool"], summary["holding_an_ita"], summary["holding_an_noi"]) == (2, 1, 0)
    assert invite(engine, "2024-06-02T12:00:00Z", size=None, kind="provincial", province="ON")[0] == [
        "a",
        "b",
    ]
    assert invite(engine, "2024-06-03T12:00:00Z")[0] == ["b"]
