"""The law: parameter files keyed by effective date, and pure array formulas over candidates.

Imports only the standard library, numpy and a YAML loader (shared/STYLE.md). ``at(day)``
gives the frozen snapshot of every rule in force on ``day``.
"""

from openentry.rules.snapshot import RulesSnapshot, at, current_tree, default_tree, using_tree

__all__ = ["RulesSnapshot", "at", "current_tree", "default_tree", "using_tree"]
