"""Exit statuses and the usage error of every command, importable without loading any of them."""

from __future__ import annotations

EXIT_INVALID_PROFILE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad usage or an unreadable file: reported on one line, exit status 2."""


class ProcessEnd:
    """How the console script ends once a command is done. A command whose process holds nothing
    to release (no database connection, every file closed) sets ``quick``: the process then ends
    at once instead of tearing the interpreter down, which frees every module and buffer one by
    one (about 0.1 s after scoring a million profiles). Commands run in-process (tests) are not
    ended by it: only :func:`openentry.cli.main.run` reads it."""

    quick = False


process_end = ProcessEnd()
