"""``python -m openentry``: the ``openentry`` command."""

from openentry.cli.main import run

if __name__ == "__main__":
    run()
