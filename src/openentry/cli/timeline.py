"""``openentry timeline``: how each profile's CRS moves by itself, day by day (interfaces.md §7)."""

from __future__ import annotations

from typing import Annotated

import typer

from openentry.cli.dates import day_help
from openentry.cli.inputs import EXIT_INVALID_PROFILE, UsageError, parse_day, read_profiles, write_json_lines
from openentry.cli.overlay import RulesOverlayOption, marked, rules_overlay
from openentry.services.timeline import DEFAULT_MONTHS, MAXIMUM_MONTHS, timeline_profiles


def timeline(
    path: Annotated[
        str | None,
        typer.Argument(metavar="PATH", help="Profiles: .json, .jsonl, or - for standard input (the default)"),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help=day_help("First day of the window"))
    ] = None,
    months: Annotated[
        int,
        typer.Option("--months", metavar="N", help=f"Length of the window in months, 1 to {MAXIMUM_MONTHS}"),
    ] = DEFAULT_MONTHS,
    rules_overlay_path: RulesOverlayOption = None,
) -> None:
    """
    The days on which each profile's CRS, programs or categories change, and its total
    month by month; one JSON line per profile.

    Age follows birth_date, work follows work_history (an open job keeps accruing), a language
    result stops counting when it is 2 years old, the profile leaves the pool 12 months after
    submitted_at, and dated changes of the law apply on their day. Input and errors as for
    openentry score. With --rules-overlay, the law as the overlay changes it (its dates are
    changes of the law too), each line marked hypothetical.
    """
    if not 1 <= months <= MAXIMUM_MONTHS:
        raise UsageError(f"--months: {months} is outside 1 to {MAXIMUM_MONTHS}")
    day = parse_day(start, "--from")
    with rules_overlay(rules_overlay_path) as overlay:
        given = read_profiles(path)
        results = timeline_profiles(given.profiles, day, months, require_id=given.is_batch)
    write_json_lines(marked(results, overlay))
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)
