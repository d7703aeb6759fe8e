"""The ``openentry`` command line: one Typer app, one sub-app per domain.

Commands parse, call one service and render (shared/STYLE.md, habit 6). A user's mistake is
one line on standard error and exit status 2 (bad usage, unreadable file) or 1 (a profile that
failed validation, reported on its own output line); never a traceback.
"""

from __future__ import annotations

import sys

import typer

from openentry.cli import eligibility as eligibility_commands
from openentry.cli import scoring as scoring_commands
from openentry.cli import synthetic as synthetic_commands
from openentry.cli.demo import demo as demo_command
from openentry.cli.history import history_app
from openentry.cli.inputs import EXIT_USAGE, UsageError
from openentry.cli.invitation import invitation_app
from openentry.cli.pool import pool_app
from openentry.cli.round import round_app

app = typer.Typer(
    name="openentry",
    help="An open, auditable engine for Canada's Express Entry: CRS on any date, pools, rounds, history.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("score")(scoring_commands.score)
app.command("eligibility")(eligibility_commands.eligibility)
app.command("synth")(synthetic_commands.synth)
app.add_typer(history_app, name="history")
app.add_typer(pool_app, name="pool")
app.add_typer(round_app, name="round")
app.add_typer(invitation_app, name="invitation")
app.command("demo")(demo_command)


def run() -> None:
    """Entry point: usage errors become one line on standard error and exit status 2."""
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
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "openentry"
        typer.echo(f"{command}: {error.format_message()} (see --help)", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    run()
