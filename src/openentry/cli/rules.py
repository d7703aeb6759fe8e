"""``openentry rules``: the parameter tree as implemented (list, show).

``rules list`` names every parameter with its unit, the first sentence of its description and
its latest effective date; ``rules show NAME`` prints one parameter as the documentation's page
of the rules shows it (rules/document.py renders both), with ``--on DATE`` only the value in
force that day, and with ``--json`` the same facts as one JSON object.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from openentry.cli.dates import day_help
from openentry.cli.inputs import UsageError, parse_day
from openentry.rules import default_tree
from openentry.rules.document import (
    close_names,
    latest_effective,
    listing_record,
    parameter_markdown,
    parameter_record,
    summary,
)
from openentry.rules.tree import Parameter, ParameterTree

rules_app = typer.Typer(
    help="The rules as implemented: every parameter, its values by date, unit and sources.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of text")]


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def _find(tree: ParameterTree, name: str) -> Parameter:
    if name in set(tree):
        return tree[name]
    close = close_names(tree, name)
    hint = f"close names: {', '.join(close)}" if close else "see openentry rules list"
    raise UsageError(f"no parameter named {name!r}; {hint}")


@rules_app.command("list")
def list_parameters(as_json: JsonOption = False) -> None:
    """Every parameter: its name, unit, what it is (the first sentence) and its latest effective date."""
    tree = default_tree()
    if as_json:
        for parameter in tree.values():
            _print_json(listing_record(parameter))
        return
    table = Table(title=f"Parameters of the rules ({len(tree)})")
    table.add_column("name", no_wrap=True)
    table.add_column("unit")
    table.add_column("latest change", no_wrap=True)
    table.add_column("what it is")
    for parameter in tree.values():
        table.add_row(
            parameter.name, parameter.unit, latest_effective(parameter).isoformat(), summary(parameter)
        )
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@rules_app.command("show")
def show(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Parameter name, e.g. crs.core.age (see rules list)")
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            metavar="DATE",
            help=day_help("Only the value in force on this day", default="default: every value"),
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """One parameter: its description, unit and values by date with their sources (Markdown, as in
    the documentation), or with --on the value in force that day."""
    tree = default_tree()
    parameter = _find(tree, name)
    day = parse_day(on) if on is not None else None
    if as_json:
        _print_json(parameter_record(parameter, day))
        return
    sys.stdout.write(parameter_markdown(parameter, day))
