"""The ``openentry`` command line: one Typer app, one sub-app per domain.

Commands parse, call one service and render (shared/STYLE.md, habit 6). A user's mistake is
one line on standard error and exit status 2 (bad usage, unreadable file) or 1 (a profile that
failed validation, reported on its own output line); never a traceback.

Each command's module is imported only when that command runs (or its own ``--help`` is asked
for): ``openentry score`` does not load SQLAlchemy, and ``openentry --help`` or ``--version``
load none of them. The one-line help of each command, shown by ``openentry --help``, is kept
here; a test holds it equal to the command's own.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup

from openentry.cli.errors import EXIT_USAGE, UsageError, process_end

if TYPE_CHECKING:  # the click Typer carries (typer.core's own annotations)
    from typer._click import Command, Context, HelpFormatter
    from typer._click.shell_completion import CompletionItem


@dataclass(frozen=True)
class LazyCommand:
    """A command (a function) or a sub-app (a ``typer.Typer``) found at ``module:attribute``,
    with the first paragraph of its help as ``openentry --help`` lists it."""

    module: str
    attribute: str
    help: str


# In the order ``openentry --help`` lists them (Typer lists commands before sub-apps).
LAZY_COMMANDS: dict[str, LazyCommand] = {
    "score": LazyCommand(
        "openentry.cli.scoring",
        "score",
        "Score profiles with the CRS in force on a date; one JSON line per profile, in input order.",
    ),
    "eligibility": LazyCommand(
        "openentry.cli.eligibility",
        "eligibility",
        "Eligibility for FSW, CEC, FST, every category and provincial stream in force; "
        "one JSON line per profile.",
    ),
    "synth": LazyCommand(
        "openentry.cli.synthetic",
        "synth",
        "Write a synthetic pool whose CRS distribution follows the latest published pool distribution.",
    ),
    "demo": LazyCommand(
        "openentry.cli.demo",
        "demo",
        "Replicate a published round (default: #327, 2024-11-20, healthcare) over a synthetic pool.",
    ),
    "whatif": LazyCommand(
        "openentry.cli.whatif",
        "whatif",
        "The single changes that raise each profile's CRS on a date, largest gain first; "
        "one JSON line per profile.",
    ),
    "timeline": LazyCommand(
        "openentry.cli.timeline",
        "timeline",
        "The days on which each profile's CRS, programs or categories change, and its total "
        "month by month; one JSON line per profile.",
    ),
    "chances": LazyCommand(
        "openentry.cli.chances",
        "chances",
        "Each profile's probability of an invitation within 1, 3, 6 and 12 months; "
        "one JSON line per profile.",
    ),
    "sweep": LazyCommand(
        "openentry.cli.sweep",
        "sweep",
        "Run a grid of rounds (rule overlays × round kinds × sizes, optionally × schedules) over a "
        "pool on a Dask cluster; one row per scenario.",
    ),
    "serve": LazyCommand(
        "openentry.cli.serve",
        "serve",
        "Serve the REST API (OpenAPI at /openapi.json) and the web pages.",
    ),
    "forecast": LazyCommand(
        "openentry.cli.forecast",
        "forecast_app",
        "Forecasts from IRCC's published rounds: the next rounds, their backtest, plots.",
    ),
    "rules": LazyCommand(
        "openentry.cli.rules",
        "rules_app",
        "The rules as implemented: every parameter, its values by date, unit and sources.",
    ),
    "schema": LazyCommand(
        "openentry.cli.schema",
        "schema_app",
        "JSON Schema of the input formats (schema profile).",
    ),
    "history": LazyCommand(
        "openentry.cli.history",
        "history_app",
        "IRCC's published rounds of invitations: list, show, import, check, plot, stats.",
    ),
    "pool": LazyCommand(
        "openentry.cli.pool",
        "pool_app",
        "The pool of candidates: load profiles, summary by score band, nominations, withdrawals, history.",
    ),
    "round": LazyCommand(
        "openentry.cli.round", "round_app", "Rounds of invitations: run one, list its invitations."
    ),
    "invitation": LazyCommand(
        "openentry.cli.invitation", "invitation_app", "The invitations ledger: declined, applied, expired."
    ),
    "user": LazyCommand(
        "openentry.cli.user", "user_app", "Accounts of the service: add, list, revoke; tokens shown once."
    ),
    "audit": LazyCommand("openentry.cli.audit", "audit_app", "The service's append-only audit trail: list."),
}


class _NamedArgument(TyperArgument):
    """An argument shown by its metavar alone (``PATH``, not ``PATH <str>``), as options are."""

    def display_type_rich(self, ctx: Context) -> str | None:
        return None if self.metavar is not None else super().display_type_rich(ctx)


def _plain_arguments(command: Command) -> Command:
    """``command`` with each argument that has a metavar shown without Typer's type label."""
    for parameter in command.params:
        if type(parameter) is TyperArgument:
            parameter.__class__ = _NamedArgument
    return command


class _Placeholder(TyperCommand):
    """Stands for a command not imported yet, in listings only (its name and one-line help)."""


class Group(TyperGroup):
    """A Typer group listing each command with the whole first paragraph of its help.

    The help is Typer's plain formatting (``rich_markup_mode=None``: no Rich panels, so no
    ``<bool>`` type column for flags, and help texts shown as written), whose listing would cut
    each command's help at the terminal's width with "..."; here it is wrapped instead. An
    argument with a metavar is shown by it alone, as an option is (no ``<str>`` after it)."""

    def get_command(self, ctx: Context | None, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)  # type: ignore[arg-type]
        return None if command is None else _plain_arguments(command)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=sys.maxsize)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class LazyGroup(Group):
    """A Typer group whose commands in ``LAZY_COMMANDS`` are imported when first resolved.

    Listing them (``--help``, completing a command's name) shows placeholders carrying each
    command's name and one-line help; resolving one (running it, its ``--help``, completing
    its options) imports its module and builds it exactly as ``app.command(name)(function)``
    or ``app.add_typer(sub_app, name=name)`` would.
    """

    def __init__(self, **attributes: Any) -> None:
        super().__init__(**attributes)
        self._listing = False
        for name, lazy in LAZY_COMMANDS.items():
            self.commands.setdefault(name, _Placeholder(name=name, help=lazy.help))

    def get_command(self, ctx: Context | None, cmd_name: str) -> Command | None:
        command = self.commands.get(cmd_name)
        if isinstance(command, _Placeholder) and not self._listing:
            command = self.commands[cmd_name] = _build(cmd_name, LAZY_COMMANDS[cmd_name])
        return None if command is None else _plain_arguments(command)

    def load_all(self) -> None:
        """Import every command now (for tests that compare the lazy listing with the real one)."""
        for name in list(self.commands):
            self.get_command(None, name)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Context, incomplete: str) -> list[CompletionItem]:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False


def _build(name: str, lazy: LazyCommand) -> Command:
    """The click command for ``name``, built by Typer as the app would have built it eagerly."""
    target = getattr(importlib.import_module(lazy.module), lazy.attribute)
    holder = typer.Typer(
        pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
    )
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name, cls=Group)
    else:
        holder.command(name)(target)
    return typer.main.get_group(holder).commands[name]


app = typer.Typer(
    name="openentry",
    help="An open, auditable engine for Canada's Express Entry: CRS on any date, pools, rounds, history.",
    cls=LazyGroup,
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from openentry import __version__

        typer.echo(f"openentry {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print openentry's version and exit", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """The options before a command's name."""


def run() -> None:
    """Entry point: usage errors become one line on standard error and exit status 2; a group
    named without a command (``openentry``, ``openentry pool``) prints its help there instead."""
    try:
        result = app(standalone_mode=False)
    except UsageError as error:
        typer.echo(f"openentry: {error}", err=True)
        sys.exit(EXIT_USAGE)
    except typer.Abort:
        typer.echo("openentry: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:
        # Typer's own usage errors (unknown option, missing argument) carry exit code 2 and a
        # message; they are shown as one line. Anything else is a bug and keeps its traceback.
        if getattr(error, "exit_code", None) != EXIT_USAGE or not hasattr(error, "format_message"):
            raise
        if type(error).__name__ == "NoArgsIsHelpError":  # a group named without a command: its help
            typer.echo(error.format_message(), err=True)  # (matched by name, as Typer itself does)
            sys.exit(EXIT_USAGE)
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "openentry"
        typer.echo(f"{command}: {error.format_message()} (see --help)", err=True)
        sys.exit(EXIT_USAGE)
    status = result if isinstance(result, int) else 0
    if process_end.quick:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    run()
