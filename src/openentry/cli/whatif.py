"""``openentry whatif``: the single changes that raise each profile's CRS (interfaces.md §7)."""

from __future__ import annotations

from typing import Annotated

import typer

from openentry.cli.dates import day_help
from openentry.cli.inputs import EXIT_INVALID_PROFILE, parse_day, read_profiles, write_json_lines
from openentry.cli.overlay import RulesOverlayOption, marked, rules_overlay
from openentry.services.whatif import whatif_profiles


def whatif(
    path: Annotated[
        str | None,
        typer.Argument(metavar="PATH", help="Profiles: .json, .jsonl, or - for standard input (the default)"),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help=day_help("Day whose rules apply"))
    ] = None,
    rules_overlay_path: RulesOverlayOption = None,
) -> None:
    """
    The single changes that raise each profile's CRS on a date, largest gain first; one JSON line per profile.

    Each change says in words what to do and gives the edits to make to the profile (for a raw
    test result, the lowest score on that test reaching the level), the total it leads to, its
    gain, and the programs and categories it makes the profile meet or lose. Changes that gain no
    point but a program or a category are listed apart, under eligibility_only. Input and errors
    as for openentry score. With --rules-overlay, under the law as the overlay changes it, each
    line marked hypothetical.
    """
    day = parse_day(on)
    with rules_overlay(rules_overlay_path) as overlay:
        given = read_profiles(path)
        results = whatif_profiles(given.profiles, day, require_id=given.is_batch)
    write_json_lines(marked(results, overlay))
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)
