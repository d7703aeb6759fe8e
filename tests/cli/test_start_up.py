"""Start-up: the CLI loads the parameter tree only for a command that reads the law, so ``--help``
or ``history list`` does not pay for it. The first day of the rules (when Express Entry opened,
the lower bound of ``submitted_at``) is read from the tree when a profile is first checked."""

from __future__ import annotations

import datetime
import subprocess
import sys

from openentry.profiles.schema import express_entry_opened
from openentry.rules import default_tree

_IMPORT_ONLY = """
import openentry.cli.main
from openentry.rules.snapshot import default_tree
print(default_tree.cache_info().currsize)
"""


def test_importing_the_cli_does_not_load_the_parameter_tree() -> None:
    done = subprocess.run([sys.executable, "-c", _IMPORT_ONLY], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0"


def test_express_entry_opened_on_the_first_day_of_the_rules() -> None:
    opened = express_entry_opened()
    assert opened.date() == default_tree().first_day
    assert opened.utcoffset() == datetime.timedelta(0)
