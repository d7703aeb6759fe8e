"""The NOC 2021 catalogue (StatCan NOC 2021 Version 1.0; shared/spec/categories-and-provinces.md §2).

516 unit groups with their title, TEER and broad category, shipped as ``data/noc2021.csv``.
"The TEER is the 2nd digit of the code" [N3][N4]; the catalogue keeps the TEER column of the
file. Codes are five digits, so a code's integer value indexes lookup tables of
:data:`CODE_SPACE` entries: ``teer_by_code[codes]`` is vectorised, and -1 marks an unknown code.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "noc2021.csv"

# Every five-digit code, 00000 to 99999.
CODE_SPACE = 100_000
CODE_DIGITS = 5


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    teer: int
    broad_category: str


@dataclass(frozen=True)
class NocCatalogue:
    """The catalogue by code, and the TEER of every code as an array (-1: not a NOC 2021 unit group)."""

    occupations: dict[str, Occupation]
    teer_by_code: NDArray[np.int8]
    # Membership tables already built, by (include, exclude): every rules snapshot asks for the same
    # few lists, and building one scans the whole catalogue.
    _memberships: dict[tuple[tuple[str, ...], tuple[str, ...]], NDArray[np.bool_]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __contains__(self, code: object) -> bool:
        return code in self.occupations

    def title(self, code: str) -> str:
        return self.occupations[code].title

    def codes_with_prefixes(self, include: Iterable[str], exclude: Iterable[str] = ()) -> NDArray[np.bool_]:
        """A membership table over :data:`CODE_SPACE`: known codes starting with an included prefix
        and with no excluded prefix (a prefix is a NOC group: major, sub-major, minor or unit).

        The codes starting with a prefix of digits are one range of the code space (``213`` is
        21300 to 21399; the empty prefix, all of it), so each prefix marks its range; a prefix that
        is not digits starts no code."""
        key = (tuple(include), tuple(exclude))
        known = self._memberships.get(key)
        if known is not None:
            return known
        included, excluded = key
        member = np.zeros(CODE_SPACE, dtype=np.bool_)
        for prefixes, value in ((included, True), (excluded, False)):
            for prefix in prefixes:
                if prefix == "" or (prefix.isdigit() and len(prefix) <= CODE_DIGITS):
                    width = 10 ** (CODE_DIGITS - len(prefix))
                    first = int(prefix or 0) * width
                    member[first : first + width] = value
        member &= self.teer_by_code >= 0
        member.setflags(write=False)
        self._memberships[key] = member
        return member


@functools.cache
def catalogue() -> NocCatalogue:
    """The NOC 2021 catalogue, read once."""
    occupations: dict[str, Occupation] = {}
    teer_by_code = np.full(CODE_SPACE, -1, dtype=np.int8)
    with CATALOGUE_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"]
            occupation = Occupation(code, row["title"], int(row["teer"]), row["broad_category"])
            occupations[code] = occupation
            teer_by_code[int(code)] = occupation.teer
    teer_by_code.setflags(write=False)
    return NocCatalogue(occupations=occupations, teer_by_code=teer_by_code)
