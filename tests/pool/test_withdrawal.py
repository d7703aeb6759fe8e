"""A candidate withdraws their profile (issue 13 §2): out of the pool from that moment, counted
under its own reason, an outstanding ITA not used, refused twice or in the past; submitted again,
a new submission with its own submitted_at; and replaying IRCC's rounds knows nothing of it."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from tests.pool.conftest import CRS_BY_AGE, profile, write_jsonl

from openentry.db import session_scope
from openentry.db.models import CandidateRow
from openentry.db.pool_repository import PoolRepository, Withdrawal
from openentry.domain import RoundSpec
from openentry.history.feed import bundled_rounds
from openentry.history.replay import check_round, prepare_profiles
from openentry.profiles.pool_file import PoolLoadError
from openentry.rules.selection import PoolReason, membership
from openentry.services.invitations import LedgerError, candidate_history, ledger_view, record_outcome
from openentry.services.ordering import PastChangeError
from openentry.services.pool import _withdrawn_at, load_pool_file, pool_summary
from openentry.services.rounds import run_round
from openentry.services.scoring import RawProfile
from openentry.services.withdrawals import AlreadyWithdrawn, ensure_invitation_in_use, withdraw


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def invite(
    engine: Engine, when: str, size: int | None = 1, dry_run: bool = False, **criteria: object
) -> list[str]:
    spec = RoundSpec.create(at=at(when), size=size, everyone=size is None, **criteria)  # type: ignore[arg-type]
    return [invitation.candidate_id for invitation in run_round(engine, spec, dry_run=dry_run).invitations]


def _load(engine: Engine, tmp_path: Path, profiles: list[dict[str, object]], when: str | None = None) -> None:
    load_pool_file(engine, write_jsonl(tmp_path / "pool.jsonl", profiles), at=at(when) if when else None)


def _reasons(**counts: int) -> dict[str, int]:
    """``not_in_pool`` of a pool summary: every reason in its order, 0 unless given by name
    (``WITHDRAWN=1``)."""
    return {reason.value: counts.get(reason.name, 0) for reason in PoolReason}


# -- the rule --------------------------------------------------------------------------------------


def test_membership_takes_a_withdrawn_submission_out_from_its_moment_first_of_every_reason() -> None:
    moment = np.datetime64("2025-06-01T12:00:00", "us")
    submitted = np.array(
        ["2024-01-01T00:00", "2024-06-01T00:00", "2025-01-01T00:00", "2025-01-01T00:00"], "M8[us]"
    )
    withdrawn_at = np.array(
        ["2024-03-01T00:00", "2025-06-01T12:00", "2025-06-01T12:00:00.000001", "NaT"], "M8[us]"
    )
    found = membership(
        submitted_at=submitted,
        moment=moment,
        pool_duration_months=12,
        language_expired=np.array([True, False, False, False]),
        meets_a_program=np.array([False, True, True, True]),
        withdrawn_at=withdrawn_at,
    )
    # The first: withdrawn, and since expired, without language nor program: counted once, withdrawn.
    assert [found.reason_of(row) for row in range(4)] == [
        PoolReason.WITHDRAWN,
        PoolReason.WITHDRAWN,
        None,
        None,
    ]
    assert found.first_reasons() == _reasons(WITHDRAWN=2)
    assert list(PoolReason)[:3] == [
        PoolReason.NOT_YET_SUBMITTED,
        PoolReason.WITHDRAWN,
        PoolReason.POOL_EXPIRY,
    ]


BASE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
MOMENTS = st.integers(0, 3).map(lambda hours: BASE + datetime.timedelta(hours=hours))


@given(
    submitted=st.dictionaries(st.sampled_from("abcdef"), MOMENTS, max_size=6),
    withdrawals=st.dictionaries(st.tuples(st.sampled_from("abcdefg"), MOMENTS), MOMENTS, max_size=8),
)
def test_each_profile_is_matched_to_the_withdrawal_of_its_own_submission(
    submitted: dict[str, datetime.datetime],
    withdrawals: dict[tuple[str, datetime.datetime], datetime.datetime],
) -> None:
    """The pool's lookup (Arrow's index over the ids) equals a plain one: a profile is withdrawn
    when a withdrawal names its id and its submission; one of another submission is not its own."""
    ids = list(submitted)
    moments = np.array([submitted[name].replace(tzinfo=None) for name in ids], dtype="datetime64[us]")
    given_withdrawals = [Withdrawal(name, sub, when) for (name, sub), when in withdrawals.items()]
    found = _withdrawn_at(pa.chunked_array([pa.array(ids, pa.string())]), moments, given_withdrawals)
    plain = [withdrawals.get((name, submitted[name])) for name in ids]
    if not withdrawals:
        assert found is None
        return
    assert found is not None
    assert [
        None if np.isnat(value) else value.item().replace(tzinfo=datetime.UTC) for value in found
    ] == plain


# -- the pool ------------------------------------------------------------------------------------


def test_a_withdrawn_profile_is_out_from_then_and_counted_under_its_reason(
    engine: Engine, tmp_path: Path
) -> None:
    _load(
        engine,
        tmp_path,
        [profile("a", "2024-01-10T00:00:00Z", age=29), profile("b", "2024-01-11T00:00:00Z", age=31)],
    )
    assert withdraw(engine, "a", at("2024-05-01T08:00:00Z"), now=at("2024-05-01T08:00:01Z")) == {
        "id": "a",
        "recorded": "withdrawn",
        "at": "2024-05-01T08:00:00Z",
        "submitted_at": "2024-01-10T00:00:00Z",
        "invitations_not_used": [],
    }
    before = pool_summary(engine, at("2024-05-01T07:59:59Z"))
    assert (before["in_pool"], before["not_in_pool"]) == (2, _reasons())
    summary = pool_summary(engine, at("2024-05-01T08:00:00Z"))
    assert (summary["stored"], summary["in_pool"], summary["not_in_pool"]) == (2, 1, _reasons(WITHDRAWN=1))
    # Past its 12 months, still counted as withdrawn (the reason it left first).
    later = pool_summary(engine, at("2025-02-01T00:00:00Z"))["not_in_pool"]
    assert later == _reasons(WITHDRAWN=1, POOL_EXPIRY=1)
    assert invite(engine, "2024-05-02T12:00:00Z", size=2) == ["b"]


def test_withdrawing_twice_in_the_past_or_out_of_the_pool_for_good_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    _load(
        engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z"), profile("b", "2024-01-11T00:00:00Z", age=31)]
    )
    with pytest.raises(LedgerError, match=r"^no profile 'nobody' in the pool$"):
        withdraw(engine, "nobody", at("2024-05-01T00:00:00Z"))
    with pytest.raises(
        LedgerError,
        match=r"^2024-01-09T00:00:00Z is before profile 'a' existed \(submitted 2024-01-10T00:00:00Z\)$",
    ):
        withdraw(engine, "a", at("2024-01-09T00:00:00Z"))
    withdraw(engine, "a", at("2024-05-01T00:00:00Z"))
    message = (
        "'a' withdrew the profile submitted at 2024-01-10T00:00:00Z already, at 2024-05-01T00:00:00Z; "
        "submitting the profile again enters it in the pool anew"
    )
    for moment in ("2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z", "2024-04-01T00:00:00Z"):
        with pytest.raises(AlreadyWithdrawn) as refused:
            withdraw(engine, "a", at(moment))
        assert str(refused.value) == message
    assert invite(engine, "2024-06-01T12:00:00Z") == ["b"]
    with pytest.raises(PastChangeError) as past:
        withdraw(engine, "b", at("2024-05-31T00:00:00Z"))
    assert str(past.value) == (
        "a withdrawal at 2024-05-31T00:00:00Z is before round 1, recorded at 2024-06-01T12:00:00Z; "
        "changes take effect at or after the latest recorded round"
    )
    record_outcome(engine, "b", "applied", at("2024-06-05T00:00:00Z"))
    with pytest.raises(LedgerError) as gone:
        withdraw(engine, "b", at("2024-06-06T00:00:00Z"))
    assert str(gone.value) == (
        "'b' is out of the pool for good at 2024-06-06T00:00:00Z (applied after an ITA); "
        "there is no profile in the pool to withdraw"
    )
    with pytest.raises(LedgerError, match=r"\(pool expiry\); there is no profile in the pool to withdraw$"):
        withdraw(engine, "b", at("2025-01-11T00:00:00Z"))


def test_the_database_holds_one_withdrawal_a_submission(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z")])
    withdraw(engine, "a", at("2024-05-01T00:00:00Z"))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        PoolRepository(session).add_withdrawal(
            Withdrawal("a", at("2024-01-10T00:00:00Z"), at("2024-05-02T00:00:00Z")),
            at("2024-05-02T00:00:00Z"),
        )


def test_an_outstanding_ita_is_not_used_once_its_profile_is_withdrawn(engine: Engine, tmp_path: Path) -> None:
    _load(
        engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z"), profile("b", "2024-01-11T00:00:00Z", age=31)]
    )
    assert invite(engine, "2024-06-01T12:00:00Z") == ["a"]
    withdrawn = withdraw(engine, "a", at("2024-06-03T00:00:00Z"))
    assert withdrawn["invitations_not_used"] == [{"round": 1, "kind": "ita", "expires_on": "2024-07-31"}]
    with session_scope(engine) as session:
        repository = PoolRepository(session)
        held_before = ledger_view(repository, at("2024-06-02T23:59:59Z")).holding_ita
        held_after = ledger_view(repository, at("2024-06-03T00:00:00Z")).holding_ita
        lapsed_later = ledger_view(repository, at("2024-08-15T00:00:00Z")).removed
    # Outstanding until the withdrawal; from then the ledger reads it neither outstanding nor lapsed.
    assert (held_before, held_after) == (frozenset({"a"}), frozenset())
    assert lapsed_later == {"applied after an ITA": frozenset(), "let an ITA expire": frozenset()}
    summary = pool_summary(engine, at("2024-08-15T00:00:00Z"))
    assert (summary["holding_an_ita"], summary["not_in_pool"]) == (0, _reasons(WITHDRAWN=1))
    with pytest.raises(LedgerError) as refused:
        ensure_invitation_in_use(engine, "a", 1, at("2024-06-03T00:00:00Z"))
    assert str(refused.value) == (
        "the ITA of round 1 is not used: 'a' withdrew the profile it was issued to at 2024-06-03T00:00:00Z"
    )
    ensure_invitation_in_use(engine, "a", 1, at("2024-06-02T23:59:59Z"))
    # The ledger refuses an outcome for it, whoever records it (the command line as the service).
    for outcome, moment in (
        ("applied", "2024-06-05T00:00:00Z"),
        ("declined", "2024-06-05T00:00:00Z"),
        ("expired", "2024-08-15T00:00:00Z"),
    ):
        with pytest.raises(LedgerError) as unused:
            record_outcome(engine, "a", outcome, at(moment), round_number=1)
        assert str(unused.value) == str(refused.value)


# -- submitted again ------------------------------------------------------------------------------


def test_a_profile_submitted_again_is_a_new_submission(engine: Engine, tmp_path: Path) -> None:
    _load(
        engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z"), profile("b", "2024-01-11T00:00:00Z", age=31)]
    )
    assert invite(engine, "2024-06-01T12:00:00Z") == ["a"]
    withdraw(engine, "a", at("2024-06-03T00:00:00Z"))
    assert invite(engine, "2024-06-04T12:00:00Z") == ["b"]
    # The same file again: its submitted_at is the withdrawn submission's.
    with pytest.raises(PoolLoadError) as refused:
        _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z")], when="2024-06-10T00:00:00Z")
    assert refused.value.problems == [
        (
            "profile 'a'",
            "submitted_at",
            "2024-01-10T00:00:00Z is not after the profile's withdrawal at 2024-06-03T00:00:00Z; a profile "
            "submitted again after a withdrawal is a new submission, submitted after it",
        )
    ]
    _load(engine, tmp_path, [profile("a", "2024-06-10T00:00:00Z", age=33)], when="2024-06-10T00:00:00Z")
    with session_scope(engine) as session:
        assert session.get(CandidateRow, "a").submitted_at == at("2024-06-10T00:00:00Z")  # type: ignore[union-attr]
    # Back in the pool from the new submission, holding none of the old submission's invitations
    # (round 1's ITA would be valid until 2024-07-31).
    assert pool_summary(engine, at("2024-06-09T23:59:59Z"))["not_in_pool"] == _reasons(WITHDRAWN=1)
    assert pool_summary(engine, at("2024-06-10T00:00:00Z"))["not_in_pool"] == _reasons()
    # b holds round 2's ITA; a holds none (not round 1's, of the submission withdrawn).
    assert invite(engine, "2024-06-11T12:00:00Z", size=2) == ["a"]
    assert invite(engine, "2024-06-11T12:00:00Z", size=2, dry_run=True) == []
    # An update keeps the new submitted_at (the file's old one is not taken back).
    _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z", age=33)], when="2024-06-12T00:00:00Z")
    with session_scope(engine) as session:
        assert session.get(CandidateRow, "a").submitted_at == at("2024-06-10T00:00:00Z")  # type: ignore[union-attr]
    assert record_outcome(engine, "a", "applied", at("2024-06-12T00:00:00Z"))["round"] == 3
    history = candidate_history(engine, "a")
    assert [(entry["event"], entry["at"]) for entry in history] == [
        ("invited", "2024-06-01T12:00:00Z"),
        ("withdrawn", "2024-06-03T00:00:00Z"),
        ("submitted", "2024-06-10T00:00:00Z"),
        ("resubmitted", "2024-06-10T00:00:00Z"),
        ("invited", "2024-06-11T12:00:00Z"),
        ("updated", "2024-06-12T00:00:00Z"),
        ("applied", "2024-06-12T00:00:00Z"),
    ]
    assert history[3]["previous_submitted_at"] == "2024-01-10T00:00:00Z"
    assert history[1] == {
        "event": "withdrawn",
        "at": "2024-06-03T00:00:00Z",
        "recorded_at": history[1]["recorded_at"],
        "submitted_at": "2024-01-10T00:00:00Z",
    }


def test_withdrawing_the_new_submission_and_submitting_once_more(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, [profile("a", "2024-01-10T00:00:00Z")])
    withdraw(engine, "a", at("2024-02-01T00:00:00Z"))
    _load(engine, tmp_path, [profile("a", "2024-03-01T00:00:00Z")], when="2024-03-01T00:00:00Z")
    assert withdraw(engine, "a", at("2024-04-01T00:00:00Z"))["submitted_at"] == "2024-03-01T00:00:00Z"
    _load(engine, tmp_path, [profile("a", "2024-05-01T00:00:00Z")], when="2024-05-01T00:00:00Z")
    states = [
        (moment, pool_summary(engine, at(moment))["in_pool"])
        for moment in (
            "2024-01-31T00:00:00Z",
            "2024-02-01T00:00:00Z",
            "2024-03-01T00:00:00Z",
            "2024-04-01T00:00:00Z",
            "2024-05-01T00:00:00Z",
        )
    ]
    assert [count for _, count in states] == [1, 0, 1, 0, 1]
    with session_scope(engine) as session:
        withdrawals = PoolRepository(session).withdrawn_until(at("2025-01-01T00:00:00Z"))
        current = session.execute(select(CandidateRow.submitted_at)).scalars().all()
    kept = [(item.submitted_at, item.withdrawn_at) for item in withdrawals]
    assert kept == [
        (at("2024-01-10T00:00:00Z"), at("2024-02-01T00:00:00Z")),
        (at("2024-03-01T00:00:00Z"), at("2024-04-01T00:00:00Z")),
    ]
    assert current == [at("2024-05-01T00:00:00Z")]


# -- replay ----------------------------------------------------------------------------------------


def test_replaying_a_published_round_knows_nothing_of_our_withdrawals(engine: Engine, tmp_path: Path) -> None:
    """Round #297 (CEC, 2024-05-31 12:48:30 UTC, cut-off 522): both profiles qualify in the replay,
    whatever the pool recorded; a live round at that moment leaves the withdrawn one out."""
    published = next(item for item in bundled_rounds() if item.number == "297")
    assert published.draw_datetime == at("2024-05-31T12:48:30Z")
    profiles = [profile("a", "2024-01-10T00:00:00Z"), profile("b", "2024-01-11T00:00:00Z", age=31)]
    prepared = prepare_profiles([RawProfile(item) for item in profiles], require_id=True)
    replayed_before = check_round(published, prepared)
    _load(engine, tmp_path, profiles)
    withdraw(engine, "a", at("2024-05-01T00:00:00Z"))
    assert check_round(published, prepared) == replayed_before
    assert [(line["id"], line["qualified"], line["invited"]) for line in replayed_before] == [
        ("a", True, False),
        ("b", True, False),
    ]
    live = invite(engine, "2024-05-31T12:48:30Z", size=None, dry_run=True, program="cec")
    assert live == ["b"]
    assert CRS_BY_AGE[29] < 522
