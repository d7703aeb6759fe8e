"""``openentry eligibility``: programs, categories and provincial streams per profile (interfaces.md §4)."""

from __future__ import annotations

from typing import Annotated

import typer

from openentry.cli.dates import day_help
from openentry.cli.inputs import EXIT_INVALID_PROFILE, parse_day, read_profiles, write_json_lines
from openentry.services.eligibility import eligibility_profiles


def eligibility(
    path: Annotated[
        str | None,
        typer.Argument(metavar="PATH", help="Profiles: .json, .jsonl, or - for standard input (the default)"),
    ] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help=day_help("Checking day"))] = None,
) -> None:
    """
    Eligibility for FSW, CEC, FST, every category and provincial stream in force; one JSON line per profile.
    """
    day = parse_day(on)
    given = read_profiles(path)
    results = eligibility_profiles(given.profiles, day, require_id=given.is_batch)
    write_json_lines(results)
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)
