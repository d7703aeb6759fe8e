"""IRCC's feed and the bundled CSV: quirks of the feed read exactly (shared/data/SOURCES.md)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from openentry.history.catalogue import merge_rounds
from openentry.history.feed import (
    FeedError,
    bundled_feed,
    bundled_rounds,
    parse_count,
    parse_published_moment,
    round_from_feed,
)
from openentry.history.rounds import RoundType, round_type

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("October 21, 2024 at 16:12:39 UTC", datetime.datetime(2024, 10, 21, 16, 12, 39, tzinfo=UTC)),
        ("July 3rd 2026 at 21:35:13 UTC", datetime.datetime(2026, 7, 3, 21, 35, 13, tzinfo=UTC)),
        ("March 02. 2024 at 01:58:34 UTC", datetime.datetime(2024, 3, 2, 1, 58, 34, tzinfo=UTC)),
        ("May 31, 2024 at12:48:30 UTC", datetime.datetime(2024, 5, 31, 12, 48, 30, tzinfo=UTC)),
        ("June 19, 2023 06:41:05 UTC", datetime.datetime(2023, 6, 19, 6, 41, 5, tzinfo=UTC)),
        ("May 19,2022 06:48:41 UTC", datetime.datetime(2022, 5, 19, 6, 48, 41, tzinfo=UTC)),
        ("December 12, 2022, at 10:48:12 UTC", datetime.datetime(2022, 12, 12, 10, 48, 12, tzinfo=UTC)),
        ("May 26 2025 at 12:28:38 UTC", datetime.datetime(2025, 5, 26, 12, 28, 38, tzinfo=UTC)),
        ("September 05, 2025 at 0:59:13 UTC", datetime.datetime(2025, 9, 5, 0, 59, 13, tzinfo=UTC)),
        ("October 18, 2025 at  7:18:52 UTC", datetime.datetime(2025, 10, 18, 7, 18, 52, tzinfo=UTC)),
        (
            "January 23, 2025 at 2025-01-23 15:30:04 UTC",
            datetime.datetime(2025, 1, 23, 15, 30, 4, tzinfo=UTC),
        ),
        ("June 15, 2023 at 23:49:05", datetime.datetime(2023, 6, 15, 23, 49, 5, tzinfo=UTC)),
        ("June 22, 2021 at 20:19:59 PM UTC", datetime.datetime(2021, 6, 22, 20, 19, 59, tzinfo=UTC)),
        ("September 30, 2023 at 04:22:17 AM UTC", datetime.datetime(2023, 9, 30, 4, 22, 17, tzinfo=UTC)),
        ("August 30. 2023 at 17:30:21 UTC", datetime.datetime(2023, 8, 30, 17, 30, 21, tzinfo=UTC)),
    ],
)
def test_tiebreak_spellings_are_read_as_utc(text: str, expected: datetime.datetime) -> None:
    assert parse_published_moment(text).moment == expected


def test_caveats_say_what_was_assumed() -> None:
    assert parse_published_moment("June 15, 2023 at 23:49:05").caveats == (
        "no 'UTC' in published text, read as UTC",
    )
    assert parse_published_moment("October 25, 2023 at 15:48:39 AM UTC").caveats == (
        "AM/PM marker dropped, clock read as 24h",
    )
    no_year = parse_published_moment("October 7 at 16:38:21 UTC")
    assert no_year.moment is None
    assert no_year.caveats == ("no year in published text 'October 7 at 16:38:21 UTC'",)
    assert parse_published_moment("").moment is None


def test_counts_with_thousands_separators() -> None:
    assert parse_count("229,100") == 229100
    assert parse_count("3000") == 3000
    assert parse_count("") is None
    with pytest.raises(FeedError, match="'3k' is not a whole number"):
        parse_count("3k")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("No Program Specified", RoundType("general")),
        ("General", RoundType("general")),
        ("Provincial Nominee Program", RoundType("program", program="pnp")),
        ("Canadian Experience Class", RoundType("program", program="cec")),
        ("Federal Skilled Trades", RoundType("program", program="fst")),
        ("Federal Skilled Worker", RoundType("program", program="fsw")),
        ("Healthcare occupations (Version 1)", RoundType("category", None, "healthcare", 1, "Version 1")),
        ("Healthcare occupations (2023-1)", RoundType("category", None, "healthcare", 1, "2023-1")),
        (
            "Healthcare and Social Services Occupations, 2026-Version 3",
            RoundType("category", None, "healthcare", 3, "2026-Version 3"),
        ),
        (
            "French-Language proficiency 2026-Version 2",
            RoundType("category", None, "french", 2, "2026-Version 2"),
        ),
        ("Trades Occupations, 2026-Version 3", RoundType("category", None, "trades", 3, "2026-Version 3")),
        ("STEM occupations (Version 1)", RoundType("category", None, "stem", 1, "Version 1")),
        (
            "Skilled Military Recruits, 2026-Version 1",
            RoundType("category", None, "skilled_military", 1, "2026-Version 1"),
        ),
        (
            "Senior managers with Canadian Work Experience, 2026-Version 1",
            RoundType("category", None, "senior_managers", 1, "2026-Version 1"),
        ),
        ("Something new", RoundType("unknown")),
    ],
)
def test_round_names_map_to_kind_key_and_list_version(name: str, expected: RoundType) -> None:
    assert round_type(name) == expected


def test_bundled_csv_holds_438_rounds_including_91a_and_91b() -> None:
    rounds = bundled_rounds()
    numbers = [published.number for published in rounds]
    assert len(rounds) == 438
    assert numbers[:2] == ["1", "2"]
    assert numbers[numbers.index("90") : numbers.index("90") + 4] == ["90", "91a", "91b", "92"]
    assert numbers[-1] == "437"


def test_round_327_is_the_healthcare_round_of_2024_11_20() -> None:
    published = next(item for item in bundled_rounds() if item.number == "327")
    assert published.date == datetime.date(2024, 11, 20)
    assert published.invitations == 3000
    assert published.cutoff == 463
    assert published.tiebreak == datetime.datetime(2024, 10, 21, 16, 12, 39, tzinfo=UTC)
    assert published.type == RoundType("category", None, "healthcare", 1, "Version 1")
    assert published.pool is not None
    assert published.pool.as_of == datetime.date(2024, 11, 18)
    assert published.pool.total == 218167
    assert sum(band.count for band in published.pool.bands) == 218167


def test_feed_matches_the_csv_field_by_field_for_all_435_rounds() -> None:
    feed = bundled_feed()
    csv_rounds = {published.number: published for published in bundled_rounds()}
    assert len(feed) == 435
    differences = {
        (published.number, name)
        for published in feed
        for name, value in published.published_values().items()
        if csv_rounds[published.number].published_values()[name] != value
    }
    assert differences == set()


def test_zero_distribution_means_not_published() -> None:
    first = next(item for item in bundled_feed() if item.number == "1")
    assert first.pool is None
    assert first.tiebreak is None
    assert first.tiebreak_published is None


def test_importing_the_feed_over_the_csv_changes_nothing_and_twice_changes_nothing() -> None:
    known = bundled_rounds()
    merged, report = merge_rounds(known, bundled_feed(), "feed")
    assert report.added == ()
    assert report.changes == ()
    assert report.unchanged == 435
    assert report.absent == ("435", "436", "437")
    again, second = merge_rounds(merged, bundled_feed(), "feed")
    assert second.is_empty
    assert [item.published_values() for item in again] == [item.published_values() for item in merged]


def _feed_entry(number: str, name: str, cutoff: str, tiebreak: str) -> dict[str, str]:
    entry = {
        "drawNumber": number,
        "drawDate": "2026-08-20",
        "drawName": name,
        "drawSize": "1,000",
        "drawCRS": cutoff,
        "drawText2": "Canadian Experience Class",
        "drawDateTime": "August 20, 2026 at 10:00:00 UTC",
        "drawCutOff": tiebreak,
        "drawDistributionAsOn": "August 17, 2026",
    }
    entry.update({f"dd{index}": "0" for index in range(1, 19)})
    return entry


def test_a_newer_feed_adds_and_corrects_without_duplicating() -> None:
    known = bundled_rounds()
    original = next(item for item in known if item.number == "327")
    corrected = dataclasses.replace(original, cutoff=464, name="Healthcare occupations (2024-1)")
    new = round_from_feed(
        _feed_entry("438", "Canadian Experience Class", "515", "July 1, 2026 at 01:02:03 UTC")
    )
    merged, report = merge_rounds(known, [corrected, new], "newer feed")
    assert len(merged) == 439
    assert [item.number for item in merged][-2:] == ["437", "438"]
    assert report.added == ("438",)
    assert [change.as_dict() for change in report.changes] == [
        {
            "round": "327",
            "field": "name",
            "old": "Healthcare occupations (Version 1)",
            "new": "Healthcare occupations (2024-1)",
        },
        {"round": "327", "field": "cutoff", "old": 463, "new": 464},
    ]
    assert report.changed_rounds == ("327",)
    assert new.invitations == 1000
    assert new.tiebreak == datetime.datetime(2026, 7, 1, 1, 2, 3, tzinfo=UTC)


def test_a_feed_with_a_bad_field_names_the_round() -> None:
    entry = _feed_entry("500", "General", "5x0", "")
    with pytest.raises(FeedError, match=r"round 500: '5x0' is not a whole number"):
        round_from_feed(entry)
