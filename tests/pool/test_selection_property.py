"""One path for "who is in the pool and who is invited" (crs-and-programs.md §4.1-4.3).

- For random pools and round specifications, a live round's invitations equal a plain
  reimplementation of the rules, profile by profile through the JSON services (score, eligibility).
- Replaying a published round (``history check``) and a live round held over the same profiles
  at that round's moment agree on who qualifies, and on who the published cut-off invites.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.pool.conftest import write_jsonl

from openentry.db import open_database
from openentry.domain import RoundSpec
from openentry.history.feed import bundled_rounds
from openentry.history.replay import check_round, prepare_profiles
from openentry.services.eligibility import eligibility_profiles
from openentry.services.pool import load_pool_file
from openentry.services.rounds import run_round
from openentry.services.scoring import RawProfile, score_one

ROUNDS = {published.number: published for published in bundled_rounds()}
NURSE_JOB = {"noc": "31301", "start": "2021-03-01", "end": None, "hours_per_week": 37.5, "in_canada": True}
WELDER_JOB = {"noc": "72106", "start": "2020-01-06", "end": None, "hours_per_week": 40.0, "in_canada": False}


@st.composite
def pool_profile(draw: st.DrawFn, index: int, round_day: datetime.date) -> dict[str, object]:
    """A profile near a round's cut-offs: few distinct values, so ties and edges are common."""
    french = draw(st.booleans())
    base = draw(st.sampled_from([9, 7, 10, 5]))
    levels = [base, base, base, draw(st.sampled_from([base, base - 1, 4]))]
    first = dict(zip(("reading", "writing", "listening", "speaking"), levels, strict=True))
    profile: dict[str, object] = {
        "id": f"{draw(st.sampled_from(['a', 'm', 'z']))}{index}",
        "submitted_at": (
            datetime.datetime.combine(round_day, datetime.time(9, 0), tzinfo=datetime.UTC)
            - datetime.timedelta(days=draw(st.sampled_from([30, 5, 200, 364, -3, 370])))
        ).isoformat(),
        "age": draw(st.sampled_from([22, 27, 29, 33, 38, 45])),
        "marital_status": "never_married",
        "education": draw(st.sampled_from(["secondary", "bachelors", "two_or_more", "masters", "doctoral"])),
        "first_language": {"test": "nclc" if french else "clb", **first},
        "canadian_work_years": draw(st.sampled_from([2, 1, 0, 3])),
        "foreign_work_years": draw(st.integers(0, 3)),
        "provincial_nomination": draw(st.booleans()) and draw(st.booleans()),
        "settlement_funds_cad": draw(st.sampled_from([0.0, 40000.0])),
    }
    if french:
        level = draw(st.sampled_from([4, 6]))
        profile["second_language"] = {
            "test": "clb", "reading": level, "writing": level, "listening": level, "speaking": level
        }  # fmt: skip
    if draw(st.booleans()):
        profile["first_language"]["test_date"] = draw(  # type: ignore[index]
            st.sampled_from(["2023-06-01", "2022-06-04", "2021-01-01"])
        )
    job = draw(st.sampled_from([None, NURSE_JOB, WELDER_JOB]))
    if job is not None:
        profile["work_history"] = [job]
        profile["primary_noc"] = job["noc"]
        profile["certificate_of_qualification"] = job is WELDER_JOB and draw(st.booleans())
    return profile


@st.composite
def pool(draw: st.DrawFn, round_day: datetime.date) -> list[dict[str, object]]:
    size = draw(st.integers(3, 9))
    return [draw(pool_profile(index, round_day)) for index in range(size)]


def _engine(folder: str, profiles: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    engine = open_database(f"sqlite:///{Path(folder) / 'pool.sqlite'}")
    load_pool_file(engine, write_jsonl(Path(folder) / "pool.jsonl", profiles))
    return engine


def _plus_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The plain calendar rule: the same day and time ``months`` later, rolling past a month's end."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    first = moment.replace(year=year, month=month, day=1)
    return first + datetime.timedelta(days=moment.day - 1)


def _plain_selection(
    profiles: list[dict[str, object]], moment: datetime.datetime, spec: RoundSpec
) -> list[str]:
    """§4.1-4.3 one profile at a time: in the pool (submitted, under 12 months, a program met),
    the round's condition, then CRS descending, submitted_at, id."""
    day = moment.date()
    chosen = []
    for profile in profiles:
        submitted = datetime.datetime.fromisoformat(str(profile["submitted_at"]))
        if not submitted <= moment < _plus_months(submitted, 12):
            continue
        line = eligibility_profiles([RawProfile(profile)], day)[0]
        programs = line["programs"]
        assert isinstance(programs, dict)
        if not any(result["eligible"] for result in programs.values()):
            continue
        if spec.kind == "program":
            if spec.program == "pnp":
                if not profile["provincial_nomination"]:
                    continue
            elif not programs[spec.program]["eligible"]:
                continue
        if spec.kind == "category" and not line["categories"][spec.category]["eligible"]:  # type: ignore[index]
            continue
        crs = score_one(profile, day)["total"]
        assert isinstance(crs, int)
        if spec.crs_min is not None and crs < spec.crs_min:
            continue
        chosen.append((-crs, submitted, str(profile["id"])))
    ranked = [identifier for _, _, identifier in sorted(chosen)]
    return ranked if spec.size is None else ranked[: spec.size]


SPECS = [
    {"size": 1},
    {"size": 3},
    {"crs_min": 400},
    {"program": "cec", "size": 2},
    {"program": "fsw", "size": 4},
    {"program": "fst", "everyone": True},
    {"program": "pnp", "size": 2},
    {"category": "healthcare", "size": 2},
    {"category": "french", "everyone": True},
    {"category": "trades", "size": 5},
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), options=st.sampled_from(SPECS))
def test_live_rounds_equal_the_plain_rules(data: st.DataObject, options: dict[str, object]) -> None:
    moment = datetime.datetime(2024, 6, 3, 14, 0, tzinfo=datetime.UTC)
    profiles = data.draw(pool(moment.date()))
    spec = RoundSpec.create(at=moment, **options)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        engine = _engine(folder, profiles)
        live = run_round(engine, spec, dry_run=True)
        engine.dispose()
    assert [invitation.candidate_id for invitation in live.invitations] == _plain_selection(
        profiles, moment, spec
    )


# Published rounds of each kind in 2024 (IRCC's feed): general, healthcare, French, PNP, CEC, trades.
PUBLISHED = [
    ("283", {}),
    ("284", {"category": "healthcare"}),
    ("291", {"category": "french"}),
    ("296", {"program": "pnp"}),
    ("297", {"program": "cec"}),
    ("300", {"category": "trades"}),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), published=st.sampled_from(PUBLISHED))
def test_replay_and_a_live_round_at_the_published_moment_agree(
    data: st.DataObject, published: tuple[str, dict[str, object]]
) -> None:
    number, criteria = published
    round_ = ROUNDS[number]
    assert round_.draw_datetime is not None and round_.cutoff is not None and round_.tiebreak is not None
    profiles = data.draw(pool(round_.date))
    replayed = check_round(round_, prepare_profiles([RawProfile(item) for item in profiles], require_id=True))
    qualified = {str(line["id"]) for line in replayed if line.get("qualified")}
    invited = {str(line["id"]) for line in replayed if line.get("invited")}
    with tempfile.TemporaryDirectory() as folder:
        engine = _engine(folder, profiles)
        everyone = run_round(
            engine, RoundSpec.create(at=round_.draw_datetime, everyone=True, **criteria), dry_run=True
        )  # type: ignore[arg-type]
        engine.dispose()
    assert {invitation.candidate_id for invitation in everyone.invitations} == qualified
    by_cutoff = {
        invitation.candidate_id
        for invitation in everyone.invitations
        if invitation.crs > round_.cutoff
        or (invitation.crs == round_.cutoff and invitation.submitted_at <= round_.tiebreak)
    }
    assert by_cutoff == invited
