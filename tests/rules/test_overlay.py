"""Rule overlays (interfaces.md §11): dated values added to the law, checked by the law's own
loader, hashed into the rules version, marked hypothetical; a bad overlay is refused naming the
file and the key."""

from __future__ import annotations

import datetime
import hashlib
import threading
from pathlib import Path

import numpy as np
import pytest

from openentry import rules
from openentry.rules.overlay import OverlayError, load_overlay, parse_overlay
from openentry.services.scoring import score_one

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CANADIAN_WORK = EXAMPLES / "overlays" / "canadian_work.yaml"
JOB_OFFER = EXAMPLES / "overlays" / "job_offer.yaml"
PROFILE = EXAMPLES / "profile.json"
OVERLAY_DAY = datetime.date(2027, 1, 1)


def test_the_overlay_adds_its_dates_and_leaves_the_days_before_as_the_law() -> None:
    overlay = load_overlay(CANADIAN_WORK)
    with rules.using_tree(overlay.tree):
        before = rules.at(OVERLAY_DAY - datetime.timedelta(days=1))
        on = rules.at(OVERLAY_DAY)
    law_before = rules.at(OVERLAY_DAY - datetime.timedelta(days=1))
    # The overlay's table, as written in the file (with_spouse row, then without_spouse).
    assert on.crs.core.canadian_work.tolist() == [[0, 50, 66, 80, 92, 100], [0, 60, 76, 90, 102, 112]]
    assert np.array_equal(before.crs.core.canadian_work, law_before.crs.core.canadian_work)
    assert before.crs.core.canadian_work.tolist() == [[0, 35, 46, 56, 63, 70], [0, 40, 53, 64, 72, 80]]
    # Outside the block the law is back.
    assert rules.at(OVERLAY_DAY).crs.core.canadian_work.tolist()[0] == [0, 35, 46, 56, 63, 70]


def test_the_rules_version_changes_with_the_overlay_and_says_hypothetical() -> None:
    overlay = load_overlay(CANADIAN_WORK)
    file_digest = hashlib.sha256(CANADIAN_WORK.read_bytes()).hexdigest()
    assert overlay.digest == file_digest
    law = rules.default_tree()
    assert overlay.tree.digest == hashlib.sha256(f"{law.digest}\0overlay\0{file_digest}".encode()).hexdigest()
    with rules.using_tree(overlay.tree):
        version = rules.at(OVERLAY_DAY).version
    assert version == {
        "effective": "2027-01-01",
        "parameters_sha256": overlay.tree.digest[:16],
        "hypothetical": True,
        "overlay_sha256": file_digest[:16],
    }
    assert "hypothetical" not in rules.at(OVERLAY_DAY).version
    assert rules.at(OVERLAY_DAY).version["parameters_sha256"] == law.digest[:16]


def test_a_profile_scores_the_overlay_points_exactly() -> None:
    """maria-santos: married, spouse accompanying, 3 years of Canadian work (from her work
    history). The law gives 56 core points for 3 years with a spouse, the overlay 80: +24, and
    no other line reads the table (transferability reads the years, not the points)."""
    import json

    profile = json.loads(PROFILE.read_text(encoding="utf-8"))
    day = datetime.date(2027, 2, 1)
    law = score_one(profile, day)
    with rules.using_tree(load_overlay(CANADIAN_WORK).tree):
        changed = score_one(profile, day)
    assert law["total"] == 483
    assert changed["total"] == 483 - 56 + 80
    assert changed["core"] == int(law["core"]) + 24
    assert changed["transferability"] == law["transferability"]


def test_the_job_offer_example_brings_back_arranged_employment_points() -> None:
    overlay = load_overlay(JOB_OFFER)
    with rules.using_tree(overlay.tree):
        table = rules.at(OVERLAY_DAY).crs.additional.arranged_employment
    # Indexed by job-offer code: none, TEER 0 major group 00, other TEER 0-3 (rules/codes.py).
    assert table.tolist() == [0, 100, 30]
    assert rules.at(OVERLAY_DAY).crs.additional.arranged_employment.tolist() == [0, 0, 0]


def test_an_overlay_date_replaces_the_same_date_of_the_law() -> None:
    law = rules.default_tree()["crs.additional.sibling"]
    first = law.history[0].effective
    overlay = parse_overlay(
        f"crs.additional.sibling:\n  reference: {{{first}: a test}}\n  values: {{{first}: 30}}\n".encode(),
        "same-date.yaml",
    )
    changed = overlay.tree["crs.additional.sibling"]
    assert changed.effective_dates == law.effective_dates
    assert changed.history[0].value == 30
    assert changed.history[0].sources[0].title == "a test"
    assert changed.history[1:] == law.history[1:]


def test_the_tree_in_use_reaches_threads_that_copy_the_context() -> None:
    """A context variable: each task or thread that copies the context sees the overlay, and a
    thread that does not sees the law, so two scenarios side by side never mix."""
    import contextvars

    overlay = load_overlay(CANADIAN_WORK)
    seen: dict[str, int] = {}

    def read(name: str) -> None:
        seen[name] = int(rules.at(OVERLAY_DAY).crs.core.canadian_work[0][3])

    with rules.using_tree(overlay.tree):
        copied = contextvars.copy_context()
        threads = [
            threading.Thread(target=copied.run, args=(read, "copied")),
            threading.Thread(target=read, args=("fresh",)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert seen == {"copied": 80, "fresh": 56}


GOOD_ENTRY = "  reference: {2027-01-01: a test}\n  values: {2027-01-01: 30}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "crs/additional/siblings:\n" + GOOD_ENTRY,
            "o.yaml: crs/additional/siblings: no parameter 'crs/additional/siblings' in the rules "
            "(did you mean crs/additional/sibling?)",
        ),
        (
            "nothing/like/this:\n" + GOOD_ENTRY,
            "o.yaml: nothing/like/this: no parameter 'nothing/like/this' in the rules; "
            "openentry rules list names them all",
        ),
        (
            "crs/additional/sibling:\n  values: {2027-01-01: 30}\n",
            "o.yaml: crs/additional/sibling: must have exactly the keys reference and values "
            "(missing ['reference'], unknown [])",
        ),
        (
            "crs/additional/sibling:\n  reference: {2027-02-01: why}\n  values: {2027-01-01: 30}\n",
            "o.yaml: crs/additional/sibling.values.2027-01-01: has no reference "
            "(say why under reference: 2027-01-01)",
        ),
        (
            "crs/additional/sibling:\n  reference: {2027-01-01: why, 2027-02-01: and}\n"
            "  values: {2027-01-01: 30}\n",
            "o.yaml: crs/additional/sibling.reference: dates with no value: 2027-02-01",
        ),
        (
            "crs/additional/sibling:\n  reference: {2014-01-01: why}\n  values: {2014-01-01: 30}\n",
            "o.yaml: crs/additional/sibling.reference: 2014-01-01 is before the rules begin (2015-01-01)",
        ),
        (
            "crs/additional/sibling:\n  reference: {2027-01-01: why}\n  values: {2027-01-01: thirty}\n",
            "o.yaml: crs.additional.sibling: expected a whole number, found 'thirty'",
        ),
        (
            "crs/core/canadian_work:\n  reference: {2027-01-01: why}\n"
            "  values: {2027-01-01: {with_spouse: {0: 0, 1: 50}}}\n",
            "o.yaml: crs.core.canadian_work: keys must be exactly ['with_spouse', 'without_spouse'], "
            "found ['with_spouse']",
        ),
        (
            "crs/additional/sibling:\n" + GOOD_ENTRY + "crs.additional.sibling:\n" + GOOD_ENTRY,
            "o.yaml: crs.additional.sibling: the parameter crs/additional/sibling is given twice",
        ),
        ("[1, 2]\n", "o.yaml: must be a mapping from a parameter path (like crs/additional/sibling) to "
         "{reference: {DATE: TEXT}, values: {DATE: VALUE}}"),
        ("", "o.yaml: must be a mapping from a parameter path (like crs/additional/sibling) to "
         "{reference: {DATE: TEXT}, values: {DATE: VALUE}}"),
        ("crs/additional/sibling: [\n", "o.yaml: not valid YAML or not a date: "),
    ],
)
def test_a_bad_overlay_is_refused_naming_the_file_and_the_key(text: str, message: str) -> None:
    with pytest.raises(OverlayError) as raised:
        parse_overlay(text.encode(), "o.yaml")
    if message.endswith(": "):
        assert str(raised.value).startswith(message)
    else:
        assert str(raised.value) == message


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OverlayError, match=r"^nope\.yaml: no such file$"):
        load_overlay("nope.yaml")
    with pytest.raises(OverlayError, match=r": is a folder; give a rule overlay's \.yaml file$"):
        load_overlay(tmp_path)
