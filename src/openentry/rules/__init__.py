"""The law: parameter files keyed by effective date, and pure array formulas over candidates.

Imports only the standard library, numpy and a YAML loader (shared/STYLE.md). ``at(day)``
gives the frozen snapshot of every rule in force on ``day``.
"""

from openentry.rules.snapshot import RulesSnapshot, at, default_tree

__all__ = ["RulesSnapshot", "at", "default_tree"]
