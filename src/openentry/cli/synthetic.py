"""``openentry synth``: a synthetic pool of valid profiles (interfaces.md §5)."""

from __future__ import annotations


def synth() -> None:
    """Write a synthetic pool (being built)."""
    raise NotImplementedError
