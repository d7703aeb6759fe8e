"""``openentry chances``: each profile's probability of an invitation (shared/spec/interfaces.md §8).

Input and errors as ``openentry score``: a profile that fails validation gets its error on its
line and exit status 1; bad usage is one line and exit status 2. Rounds are read from the history
database (``--db URL``), as ``openentry forecast`` does.
"""

from __future__ import annotations

from typing import Annotated

import typer

from openentry.cli.database import DatabaseOption
from openentry.cli.dates import day_help
from openentry.cli.forecast import overlay_progress, published_rounds
from openentry.cli.inputs import EXIT_INVALID_PROFILE, UsageError, parse_day, read_profiles, write_json_lines
from openentry.cli.overlay import RulesOverlayOption, load_rules_overlay, marked
from openentry.forecast.chances import chances as profile_chances
from openentry.forecast.chances import parse_months
from openentry.forecast.service import ForecastInputError


def chances(
    path: Annotated[
        str | None,
        typer.Argument(metavar="PATH", help="Profiles: .json, .jsonl, or - for standard input (the default)"),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help=day_help("Day of the score and of the forecast")),
    ] = None,
    months: Annotated[
        str | None,
        typer.Option(
            "--months", metavar="MONTHS", help="Horizons in months, comma-separated (default: 1,3,6,12)"
        ),
    ] = None,
    db: DatabaseOption = None,
    rules_overlay_path: RulesOverlayOption = None,
) -> None:
    """
    Each profile's probability of an invitation within 1, 3, 6 and 12 months; one JSON line per profile.

    With --rules-overlay, each profile is scored under the overlay and compared with cut-offs
    translated from the law's to the overlay's (rank matching over a synthetic pool); each line
    is marked hypothetical.
    """
    day = parse_day(as_of, "--as-of")
    try:
        horizons = parse_months(months)
    except ForecastInputError as error:
        raise UsageError(str(error)) from None
    overlay = load_rules_overlay(rules_overlay_path)
    given = read_profiles(path)
    rounds = published_rounds(db)
    try:
        results = profile_chances(
            given.profiles,
            rounds,
            day,
            horizons,
            require_id=given.is_batch,
            overlay=overlay,
            progress=overlay_progress,
        )
    except ForecastInputError as error:
        raise UsageError(str(error)) from None
    write_json_lines(marked(results, overlay))
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)
