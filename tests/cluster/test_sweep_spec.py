"""A sweep's spec is checked whole before anything runs: each mistake is one line naming the spec
file and the key (and, for an overlay, the overlay's file and key), with the allowed values."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from openentry.cluster.sweep_spec import SweepSpecError, load_spec

OVERLAYS = Path(__file__).parents[2] / "docs" / "examples" / "overlays"
GOOD = """\
day: 2027-03-01
overlays:
  law: null
  canadian_work: overlays/canadian_work.yaml
rounds:
  - {kind: general}
  - {kind: program, program: cec}
  - {kind: category, category: french}
sizes: [1500, 3000]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(OVERLAYS, tmp_path / "overlays")
    return tmp_path


def _error(folder: Path, text: str) -> str:
    (folder / "s.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SweepSpecError) as raised:
        load_spec(folder / "s.yaml")
    return str(raised.value).removeprefix(f"{folder / 's.yaml'}: ")


def test_a_good_spec_gives_the_grid_overlay_by_overlay(folder: Path) -> None:
    (folder / "s.yaml").write_text(GOOD, encoding="utf-8")
    spec = load_spec(folder / "s.yaml")
    scenarios = spec.scenarios()
    assert [scenario.name for scenario in scenarios] == [
        f"{overlay}/{label}/{size}"
        for overlay in ("law", "canadian_work")
        for label in ("general", "program:cec", "category:french")
        for size in (1500, 3000)
    ]
    assert [scenario.index for scenario in scenarios] == list(range(12))
    assert scenarios[0].moment == datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    assert scenarios[0].overlay_source is None and scenarios[0].overlay_sha256 is None
    assert scenarios[-1].overlay_source == (folder / "overlays" / "canadian_work.yaml").read_bytes()
    assert scenarios[-1].overlay_sha256 == "29ce93eea9cee056"


def test_without_overlays_the_sweep_runs_under_the_law(folder: Path) -> None:
    (folder / "s.yaml").write_text(
        "day: 2027-03-01\nrounds: [{kind: general}]\nsizes: [10]\n", encoding="utf-8"
    )
    assert [scenario.name for scenario in load_spec(folder / "s.yaml").scenarios()] == ["law/general/10"]


# (what is changed in the good spec, the message after the spec's path)
MISTAKES = [
    (
        ("sizes: [1500, 3000]", "sizes: [1500, 3000]\nworkers: 2"),
        "unknown key 'workers'; a sweep has day, overlays, rounds, sizes, schedule",
    ),
    (
        ("day: 2027-03-01", "on: 2027-03-01"),
        "unknown key 'on'; the rounds' day is given as day: YYYY-MM-DD",
    ),
    (("day: 2027-03-01", "day: March"), "day: 'March' is not a day (YYYY-MM-DD)"),
    (
        ("sizes: [1500, 3000]", "sizes: [1500, 0]"),
        "sizes[1]: 0 is not a number of invitations (1 or more)",
    ),
    (("sizes: [1500, 3000]", "sizes: [1500, 1500]"), "sizes[1]: 1500 is listed twice"),
    (
        ("{kind: general}", "{kind: lottery}"),
        "rounds[0].kind: 'lottery' is not a round kind; expected one of general, program, category",
    ),
    (
        ("{kind: general}", "{kind: provincial}"),
        "rounds[0].kind: a sweep runs rounds of a size: general, program, category (not provincial)",
    ),
    (
        ("{kind: general}", "{kind: general, size: 3}"),
        "rounds[0]: unknown key 'size'; a round has kind, program, category",
    ),
    (
        ("program: cec}", "program: pgwp}"),
        "rounds[1]: program: 'pgwp' is not a program; expected one of fsw, cec, fst, pnp",
    ),
    (
        ("{kind: program, program: cec}", "{kind: program}"),
        "rounds[1]: kind program needs program (fsw, cec, fst or pnp)",
    ),
    (("{kind: program, program: cec}", "{kind: general}"), "rounds[1]: general is listed twice"),
    (
        ("category: french}", "category: nursing}"),
        "rounds[2].category: 'nursing' is not a category in force on 2027-03-01; expected one of "
        "french, education, healthcare, physicians, researchers, senior_managers, skilled_military, "
        "stem, trades, transport",
    ),
    (
        ("overlays/canadian_work.yaml", "overlays/missing.yaml"),
        "overlays.canadian_work: overlays/missing.yaml: no such file",
    ),
    (
        ("  law: null", "  law law: null"),
        "overlays.law law: a name is 1-64 characters of A-Z a-z 0-9 . _ -",
    ),
]


@pytest.mark.parametrize(("change", "message"), MISTAKES)
def test_a_mistake_names_the_file_and_the_key(folder: Path, change: tuple[str, str], message: str) -> None:
    assert _error(folder, GOOD.replace(*change)) == message


def test_an_overlay_mistake_names_the_overlay_file_and_its_key(folder: Path) -> None:
    (folder / "overlays" / "bad.yaml").write_text(
        "crs/core/canadian_work:\n  reference: {2027-01-01: Illustration}\n  values: {2027-01-01: 5}\n",
        encoding="utf-8",
    )
    message = _error(folder, GOOD.replace("overlays/canadian_work.yaml", "overlays/bad.yaml"))
    assert message == (
        f"overlays.canadian_work: {folder / 'overlays' / 'bad.yaml'}: crs.core.canadian_work: "
        "expected a mapping, found 5"
    )
