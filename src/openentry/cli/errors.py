"""Exit statuses and the usage error of every command, importable without loading any of them."""

from __future__ import annotations

EXIT_INVALID_PROFILE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad usage or an unreadable file: reported on one line, exit status 2."""
