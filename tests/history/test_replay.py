"""Replaying real published rounds (crs-and-programs.md §4.3, categories-and-provinces.md §1.6)."""

from __future__ import annotations

import datetime

from openentry.history.feed import bundled_rounds
from openentry.history.replay import check_all_rounds, check_round, prepare_profiles
from openentry.history.rounds import PublishedRound
from openentry.services.scoring import RawProfile

ROUNDS = {published.number: published for published in bundled_rounds()}


def _general_profile(identifier: str, submitted_at: str) -> dict[str, object]:
    """Parts of the id give age, education, CLB in all four abilities, Canadian and foreign years."""
    age, education, clb, canadian, foreign = identifier.split("-")
    return {
        "id": identifier,
        "submitted_at": submitted_at,
        "age": int(age),
        "marital_status": "never_married",
        "education": education,
        "first_language": {
            "test": "clb",
            "reading": int(clb),
            "writing": int(clb),
            "listening": int(clb),
            "speaking": int(clb),
        },
        "canadian_work_years": int(canadian),
        "foreign_work_years": int(foreign),
    }


def _check(published: PublishedRound, *profiles: dict[str, object]) -> list[dict[str, object]]:
    return check_round(
        published, prepare_profiles([RawProfile(profile) for profile in profiles], require_id=True)
    )


# Round #247, 2023-04-26, general ("No Program Specified"): cut-off 483, tie-break 2023-04-22 19:46:58 UTC.
def test_general_round_247_one_point_above_is_invited_one_below_is_not() -> None:
    above, below = _check(
        ROUNDS["247"],
        _general_profile("20-masters-10-2-0", "2023-01-05T10:00:00Z"),
        _general_profile("20-bachelors-9-1-3", "2023-01-05T10:00:00Z"),
    )
    assert above == {
        "id": "20-masters-10-2-0",
        "round": 247,
        "invited": True,
        "qualified": True,
        "crs": 484,
        "reasons": ["CRS 484 on 2023-04-26 is above the cut-off 483 by 1"],
    }
    assert below == {
        "id": "20-bachelors-9-1-3",
        "round": 247,
        "invited": False,
        "qualified": True,
        "crs": 482,
        "reasons": ["CRS 482 on 2023-04-26 is below the cut-off 483 by 1"],
    }


def test_general_round_247_tie_break_by_submission_time() -> None:
    earlier = _general_profile("20-two_or_more-8-2-3", "2023-04-22T19:46:58Z")
    later = {**_general_profile("20-two_or_more-8-2-3", "2023-04-22T19:46:59Z"), "id": "later"}
    first, second = _check(ROUNDS["247"], earlier, later)
    assert first["invited"] is True
    assert first["crs"] == 483
    assert first["reasons"] == [
        "CRS 483 on 2023-04-26 equals the cut-off 483",
        "tie-break: submitted 2023-04-22T19:46:58Z, at or before the tie-break time 2023-04-22T19:46:58Z",
    ]
    assert second["invited"] is False
    assert second["reasons"] == [
        "CRS 483 on 2023-04-26 equals the cut-off 483",
        "tie-break: submitted 2023-04-22T19:46:59Z, after the tie-break time 2023-04-22T19:46:58Z",
    ]


def test_a_profile_outside_the_pool_on_the_round_date_is_not_invited() -> None:
    after, expired = _check(
        ROUNDS["247"],
        _general_profile("20-masters-10-2-0", "2023-04-27T00:00:00Z"),
        {**_general_profile("20-masters-10-2-0", "2022-04-01T00:00:00Z"), "id": "expired"},
    )
    assert after["invited"] is False
    assert (
        after["reasons"][0]
        == "profile submitted 2023-04-27T00:00:00Z, after the round (2023-04-26T18:10:04Z)"
    )
    assert expired["invited"] is False
    assert expired["reasons"][0] == (
        "profile submitted 2022-04-01T00:00:00Z had expired (12 months in the pool) before the round"
    )


def test_twelve_months_to_the_second_before_the_round_is_out_of_the_pool_as_in_the_pool_itself() -> None:
    # Round #247 was held 2023-04-26 18:10:04 UTC; rounds/pool_duration.yaml: 12 months.
    last_second, one_second_later = _check(
        ROUNDS["247"],
        {**_general_profile("20-masters-10-2-0", "2022-04-26T18:10:04Z"), "id": "twelve-months"},
        {**_general_profile("20-masters-10-2-0", "2022-04-26T18:10:05Z"), "id": "a-second-less"},
    )
    assert last_second["reasons"][0] == (
        "profile submitted 2022-04-26T18:10:04Z had expired (12 months in the pool) before the round"
    )
    assert (last_second["invited"], one_second_later["invited"]) == (False, True)


def test_months_are_calendar_months_a_day_past_the_month_end_rolling_over() -> None:
    import numpy as np

    from openentry.rules.periods import utc_moment64
    from openentry.rules.selection import expires_at

    def months_after(moment: datetime.datetime, months: int) -> np.datetime64:
        return expires_at(np.array([utc_moment64(moment)]), months)[0]

    leap_day = datetime.datetime(2024, 2, 29, 12, 0, tzinfo=datetime.UTC)
    assert months_after(leap_day, 12) == utc_moment64(
        datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)
    )
    assert months_after(datetime.datetime(2023, 1, 31, tzinfo=datetime.UTC), 1) == utc_moment64(
        datetime.datetime(2023, 3, 3, tzinfo=datetime.UTC)
    )


def test_before_tie_breaks_were_published_everyone_at_the_cut_off_counts_as_invited() -> None:
    # Round #6, 2015-03-27: cut-off 453, no tie-break time published.
    assert ROUNDS["6"].tiebreak is None
    (line,) = _check(ROUNDS["6"], _general_profile("30-two_or_more-7-3-1", "2015-03-01T00:00:00Z"))
    assert line["invited"] is True
    assert line["crs"] == 453
    assert line["reasons"] == [
        "CRS 453 on 2015-03-27 equals the cut-off 453",
        "no tie-break time published for this round: everyone at the cut-off was invited",
    ]


def test_provincial_nominee_round_needs_a_nomination() -> None:
    # Round #331, 2025-01-07, PNP: cut-off 793.
    plain = _general_profile("20-masters-10-2-0", "2024-12-01T00:00:00Z")
    nominated = {**plain, "id": "nominee", "provincial_nomination": True}
    refused, invited = _check(ROUNDS["331"], plain, nominated)
    assert refused["invited"] is False
    assert refused["reasons"][0] == (
        "no provincial nomination: this round invited Provincial Nominee Program candidates only"
    )
    assert invited["invited"] is True
    assert invited["reasons"][0] == "has a provincial nomination (Provincial Nominee Program round)"
    assert invited["crs"] == refused["crs"] + 600


def _worker(identifier: str, noc: str) -> dict[str, object]:
    return {
        "id": identifier,
        "submitted_at": "2024-01-10T08:00:00Z",
        "age": 29,
        "marital_status": "never_married",
        "education": "masters",
        "first_language": {"test": "celpip", "reading": 9, "writing": 9, "listening": 9, "speaking": 9},
        "canadian_work_years": 2,
        "primary_noc": noc,
        "work_history": [
            {
                "noc": noc,
                "start": "2022-09-01",
                "end": None,
                "hours_per_week": 40,
                "in_canada": True,
                "self_employed": False,
                "full_time_student": False,
            }
        ],
    }


def test_category_round_327_invites_a_nurse_and_refuses_a_software_engineer() -> None:
    nurse, engineer = _check(ROUNDS["327"], _worker("nurse", "31301"), _worker("engineer", "21231"))
    assert nurse == {
        "id": "nurse",
        "round": 327,
        "invited": True,
        "qualified": True,
        "crs": 472,
        "reasons": [
            "eligible for the healthcare category (Version 1 list) on 2024-11-20",
            "CRS 472 on 2024-11-20 is above the cut-off 463 by 9",
        ],
    }
    assert engineer == {
        "id": "engineer",
        "round": 327,
        "invited": False,
        "qualified": False,
        "crs": 472,
        "reasons": [
            "not eligible for the healthcare category (Version 1 list) on 2024-11-20: "
            "6 months (780 hours) of continuous work in one occupation of the list "
            "'2023-2024 (draw label \"Version 1\")' within 3 years needed; no work in a listed occupation "
            "in the window",
            "CRS 472 on 2024-11-20 is above the cut-off 463 by 9",
        ],
    }


def test_invalid_profile_gets_its_error_line_and_others_are_checked() -> None:
    broken, valid = _check(
        ROUNDS["247"],
        {"id": "broken", "age": 30},
        _general_profile("20-masters-10-2-0", "2023-01-05T10:00:00Z"),
    )
    assert broken["id"] == "broken"
    assert set(broken) == {"id", "error"}
    assert valid["invited"] is True


def test_all_rounds_lists_every_round_the_profile_would_have_been_invited_in() -> None:
    nurse = _worker("nurse", "31301")
    nurse["submitted_at"] = "2024-10-01T00:00:00Z"
    prepared = prepare_profiles([RawProfile(nurse)], require_id=True)
    june_2025 = [published for published in ROUNDS.values() if published.date <= datetime.date(2025, 6, 30)]
    (line,) = check_all_rounds(june_2025, prepared)
    assert line["id"] == "nurse"
    assert line["invited"] is True
    # Healthcare cut-offs after #327 (510, 504 in 2025) and CEC cut-offs (500+) are above 472.
    assert line["rounds"] == [327]
    assert line["invitations"] == [
        {
            "round": 327,
            "date": "2024-11-20",
            "name": "Healthcare occupations (Version 1)",
            "crs": 472,
            "cutoff": 463,
        }
    ]


# Round #56, 2017-03-01, general: cut-off 434, no tie-break time published.
def test_a_profile_meeting_no_program_was_not_in_round_56s_pool() -> None:
    doctor = {
        "id": "doctor",
        "submitted_at": "2017-01-10T00:00:00Z",
        "age": 29,
        "marital_status": "never_married",
        "education": "doctoral",
        "first_language": {"test": "clb", "reading": 10, "writing": 10, "listening": 10, "speaking": 10},
    }
    (line,) = _check(ROUNDS["56"], doctor)
    assert (line["invited"], line["qualified"], line["crs"]) == (False, False, 446)
    assert line["reasons"] == [
        "not in the pool on 2017-03-01: meets no program ("
        "FSW: work experience: 1 year (1,560 hours) of continuous skilled work in one occupation within 10 "
        "years needed; 0 years of skilled work declared; "
        "CEC: Canadian work: 1 year (1,560 hours) of skilled work in Canada within 3 years needed (not "
        "self-employed, not as a full-time student); 0 years declared; "
        "FST: trade work: 2 years (3,120 hours) in a skilled trade within 5 years needed; primary NOC not a "
        "skilled trade or too few declared years)",
        "CRS 446 on 2017-03-01 is above the cut-off 434 by 12",
    ]


def test_a_language_result_two_years_old_takes_the_profile_out_of_the_replayed_pool() -> None:
    profile = _general_profile("20-masters-10-2-0", "2023-01-05T10:00:00Z")
    profile["first_language"] = {**profile["first_language"], "test_date": "2021-04-26"}  # type: ignore[dict-item]
    (line,) = _check(ROUNDS["247"], profile)
    assert (line["invited"], line["qualified"]) == (False, False)
    assert line["reasons"][0] == (
        "not in the pool on 2023-04-26: the first official language result of 2021-04-26 was 2 years old "
        "or more (MI 2017-1 s.3(4))"
    )
