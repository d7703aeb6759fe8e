"""``--rules-overlay FILE``: run a command under the law as a rule overlay changes it
(interfaces.md §11; the format in :mod:`openentry.rules.overlay`).

Every command that takes the option declares it with :data:`RulesOverlayOption` and runs its
work inside :func:`rules_overlay`; its outputs then carry :func:`hypothetical_fields`. A bad
overlay is a usage error (exit 2) naming the file and the key, raised before anything runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from openentry.cli.errors import UsageError

if TYPE_CHECKING:
    from openentry.rules.overlay import RulesOverlay

RULES_OVERLAY_HELP = (
    "A rule overlay (YAML: parameter path -> dated values and their reasons) to run under instead "
    "of the law as it is; every result is then marked hypothetical"
)

RulesOverlayOption = Annotated[
    str | None, typer.Option("--rules-overlay", metavar="FILE", help=RULES_OVERLAY_HELP)
]


def load_rules_overlay(path: str | None) -> RulesOverlay | None:
    """The overlay at ``path`` checked against the law (None without one); a usage error when
    it cannot be applied, naming the file and the key."""
    if path is None:
        return None
    from openentry.rules.overlay import OverlayError, load_overlay

    try:
        return load_overlay(path)
    except OverlayError as error:
        raise UsageError(f"--rules-overlay {error}") from None


@contextlib.contextmanager
def rules_overlay(path: str | None) -> Iterator[RulesOverlay | None]:
    """Inside the block, ``rules.at`` resolves the law as the overlay at ``path`` changes it
    (the law as it is without one)."""
    overlay = load_rules_overlay(path)
    if overlay is None:
        yield None
        return
    from openentry.rules import using_tree

    with using_tree(overlay.tree):
        yield overlay


def hypothetical_fields(overlay: RulesOverlay | None) -> dict[str, object]:
    """What every output line of a command run under ``overlay`` adds: ``"hypothetical": true``
    and the overlay (its file as given and its SHA-256, cut to 16 hex digits like the rules
    version's); nothing without an overlay."""
    if overlay is None:
        return {}
    return {"hypothetical": True, "rules_overlay": {"path": overlay.path, "sha256": overlay.short_digest}}


def marked(results: list[dict[str, object]], overlay: RulesOverlay | None) -> list[dict[str, object]]:
    """Each output line with :func:`hypothetical_fields` added (the lines as they are without an
    overlay)."""
    marks = hypothetical_fields(overlay)
    return [{**result, **marks} for result in results] if marks else results
