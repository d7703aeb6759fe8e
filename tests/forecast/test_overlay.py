"""Forecasts under a rule overlay (forecast/overlay.py): the law's cut-offs translated by rank
matching over a synthetic pool; the identity where the overlay changes nothing; the translation
applied to ``forecast next`` and to the chances exactly; a bad overlay refused before any work."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openentry.forecast.overlay as overlay_module
from openentry.forecast.chances import add_months, profile_path
from openentry.forecast.kinds import RoundKey
from openentry.forecast.outlook import NO_ROUND, outlook, simulate
from openentry.forecast.overlay import (
    IDENTITY_BASIS,
    CutoffTranslation,
    differs_on,
    moved_by,
    rank_mapping,
)
from openentry.forecast.service import view_on
from openentry.history.rounds import PublishedRound
from openentry.profiles.columnar import table_from_profiles
from openentry.profiles.schema import parse_profile
from openentry.rules import default_tree, using_tree
from openentry.rules.overlay import load_overlay
from openentry.services.eligibility import round_facts
from openentry.services.timeline import Timeline, timeline
from tests.forecast.conftest import Invoke

ROOT = Path(__file__).resolve().parents[2]
CANADIAN_WORK = str(ROOT / "docs" / "examples" / "overlays" / "canadian_work.yaml")
PROFILE = ROOT / "docs" / "examples" / "profile.json"
# Small enough to keep the tests fast (the pool's generator draws 200,000 at a time anyway).
TEST_POOL_SIZE = 5_000


@pytest.fixture(autouse=True)
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overlay_module, "POOL_SIZE", TEST_POOL_SIZE)


# ---------------------------------------------------------------------------------------------
# The mapping on hand-made pools


def test_rank_matching_on_a_tiny_pool_gives_the_values_worked_by_hand() -> None:
    # Under the law: 500, 480, 480, 450. Under the overlay: 530, 500, 470, 460.
    mapping = rank_mapping(np.array([480, 450, 500, 480]), np.array([460, 530, 470, 500]), "kind")
    cutoffs = [520, 500, 490, 481, 480, 460, 450, 440]
    assert mapping.apply(cutoffs).tolist() == [
        550,  # above everyone: moved by the top's difference, 530 - 500
        530,  # a round of 1 cuts at 500 under the law, at 530 under the overlay
        515,  # (480, 500] (1 at or above) onto (500, 530]: 500 + ceil(10 * 30 / 20)
        502,  # 500 + ceil(1 * 30 / 20): above 500, where 2 would be at or above
        470,  # 3 at or above 480 under the law; the third under the overlay has 470
        464,  # (450, 480] onto (460, 470]: 460 + ceil(10 * 10 / 30)
        460,  # all 4: the fourth under the overlay has 460
        450,  # below everyone: moved by the bottom's difference, 460 - 450
    ]
    assert mapping(NO_ROUND) == NO_ROUND


def test_the_same_scores_give_the_identity_on_every_cutoff() -> None:
    generator = np.random.default_rng(7)
    scores = generator.integers(300, 700, size=500)
    mapping = rank_mapping(scores, generator.permutation(scores), "kind")
    every_cutoff = np.arange(0, 1201)
    assert np.array_equal(mapping.apply(every_cutoff), every_cutoff)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 1200), min_size=1, max_size=40),
    st.lists(st.integers(0, 1200), min_size=1, max_size=40),
)
def test_the_mapping_never_decreases_and_matches_counts_at_held_scores(
    law: list[int], overlay: list[int]
) -> None:
    mapping = rank_mapping(np.array(law), np.array(overlay), "kind")
    every_cutoff = np.arange(0, 1201)
    translated = mapping.apply(every_cutoff)
    assert (np.diff(translated) >= 0).all()
    if len(law) <= len(overlay):
        for cutoff in set(law):
            count = sum(score >= cutoff for score in law)
            image = mapping(cutoff)
            # At least as many at or above c' (more only through ties at c', the tie-break's).
            assert sum(score >= image for score in overlay) >= count
            assert sum(score > image for score in overlay) < count


def test_a_pool_moved_in_time_scores_on_the_later_day_as_it_did() -> None:
    profile = json.loads(PROFILE.read_text(encoding="utf-8"))
    table = table_from_profiles([parse_profile(profile, require_id=True)])
    day = datetime.date(2025, 10, 1)
    later = moved_by(table, 200)
    assert later.column("birth_date")[0].as_py() == datetime.date(1993, 6, 12) + datetime.timedelta(days=200)
    before = round_facts(table, day)
    after = round_facts(later, day + datetime.timedelta(days=200))
    assert before.total.tolist() == after.total.tolist() == [488]
    assert {key: value.tolist() for key, value in before.programs.items()} == {
        key: value.tolist() for key, value in after.programs.items()
    }


# ---------------------------------------------------------------------------------------------
# The identity where the overlay changes nothing


def test_before_the_overlay_the_translation_over_the_pool_is_exactly_the_identity() -> None:
    overlay = load_overlay(CANADIAN_WORK)
    assert not differs_on(overlay, default_tree(), datetime.date(2026, 12, 31))
    assert differs_on(overlay, default_tree(), datetime.date(2027, 1, 1))
    translation = CutoffTranslation(overlay, datetime.date(2026, 9, 1))
    every_cutoff = np.arange(0, 1201)
    for key in (RoundKey("program", program="cec"), RoundKey("category", category="french")):
        assert translation.mapping(datetime.date(2026, 10, 1), key).basis == IDENTITY_BASIS
        computed = translation.computed(datetime.date(2026, 10, 1), key)
        assert computed.law.size >= overlay_module.MINIMUM_QUALIFYING
        assert np.array_equal(computed.apply(every_cutoff), every_cutoff)


def test_an_overlay_after_the_horizon_gives_exactly_the_laws_forecast(invoke: Invoke) -> None:
    law = invoke("forecast", "next", "--as-of", "2025-10-01", "--json")
    hypothetical = invoke(
        "forecast", "next", "--as-of", "2025-10-01", "--json", "--rules-overlay", CANADIAN_WORK
    )
    assert (hypothetical.status, hypothetical.err) == (0, "")
    law_result, result = law.json(), hypothetical.json()
    assert isinstance(law_result, dict) and isinstance(result, dict)
    assert result["hypothetical"] is True
    assert result["rules_overlay"] == {
        "path": CANADIAN_WORK,
        "sha256": load_overlay(CANADIAN_WORK).short_digest,
    }
    for law_round, translated in zip(law_result["rounds"], result["rounds"], strict=True):
        assert translated == {
            **law_round,
            "under_law": {key: law_round[key] for key in ("cutoff", "cutoff_low", "cutoff_high")},
            "translated_on": translated["translated_on"],
            "translated_over": IDENTITY_BASIS,
        }


def test_chances_before_the_overlay_are_the_laws(invoke: Invoke) -> None:
    law = invoke("chances", str(PROFILE), "--as-of", "2025-10-01")
    hypothetical = invoke("chances", str(PROFILE), "--as-of", "2025-10-01", "--rules-overlay", CANADIAN_WORK)
    assert hypothetical.status == 0
    (law_line,) = law.lines()
    (line,) = hypothetical.lines()
    marks = {"hypothetical", "rules_overlay", "overlay_method"}
    assert {key: value for key, value in line.items() if key not in marks} == law_line
    assert line["hypothetical"] is True


# ---------------------------------------------------------------------------------------------
# Under the overlay


def test_forecast_next_under_more_points_for_canadian_work(invoke: Invoke) -> None:
    as_of = "2027-03-01"
    law = invoke("forecast", "next", "--as-of", as_of, "--json")
    ran = invoke("forecast", "next", "--as-of", as_of, "--json", "--rules-overlay", CANADIAN_WORK)
    assert (ran.status, ran.err) == (0, "")
    assert len(ran.out.splitlines()) == 1
    law_result, result = law.json(), ran.json()
    assert isinstance(law_result, dict) and isinstance(result, dict)
    assert result["hypothetical"] is True
    assert result["rules_overlay"] == {
        "path": CANADIAN_WORK,
        "sha256": load_overlay(CANADIAN_WORK).short_digest,
    }
    assert "rank matching" in str(result["overlay_method"])
    assert result["synthetic_pool"]["size"] == TEST_POOL_SIZE
    translation = CutoffTranslation(load_overlay(CANADIAN_WORK), datetime.date.fromisoformat(as_of))
    by_key = {item["key"]: item for item in law_result["rounds"]}
    fields = ("cutoff", "cutoff_low", "cutoff_high")
    for translated in result["rounds"]:
        law_round = by_key[translated["key"]]
        law_values = [law_round[field] for field in fields]
        assert translated["under_law"] == dict(zip(fields, law_values, strict=True))
        key = RoundKey(translated["kind"], translated["program"], translated["category"])
        mapping = translation.mapping(datetime.date.fromisoformat(translated["date"]), key)
        assert [translated[field] for field in fields] == mapping.apply(law_values).tolist()
        assert translated["translated_over"] == mapping.basis
    # More points for Canadian work: every CEC candidate gains, so CEC rounds cut higher.
    cec = next(item for item in result["rounds"] if item["key"] == "cec")
    assert cec["cutoff"] > cec["under_law"]["cutoff"]
    assert cec["cutoff_low"] > cec["under_law"]["cutoff_low"]
    assert all(item["cutoff"] >= item["under_law"]["cutoff"] for item in result["rounds"])


def test_a_general_round_under_the_overlay_cuts_higher() -> None:
    translation = CutoffTranslation(load_overlay(CANADIAN_WORK), datetime.date(2027, 3, 1))
    mapping = translation.mapping(datetime.date(2027, 3, 1), RoundKey("general"))
    assert mapping.basis == "kind"
    law_cutoffs = np.arange(450, 560, 10)
    assert (mapping.apply(law_cutoffs) > law_cutoffs).all()


def test_the_table_says_the_forecast_is_hypothetical_and_how(invoke: Invoke) -> None:
    ran = invoke(
        "forecast", "next", "--as-of", "2027-03-01", "--kind", "cec", "--rules-overlay", CANADIAN_WORK
    )
    assert ran.status == 0
    assert "under the law" in ran.out
    last = ran.out.strip().splitlines()[-1]
    assert last.startswith(f"Hypothetical, under the rule overlay {CANADIAN_WORK} (sha256 ")
    assert "rank matching over a synthetic pool of 5,000 profiles" in last


def _moved_profile(days: int) -> dict[str, object]:
    """The sample profile as it would stand ``days`` days later (submitted, tested and working
    that much later): in the pool across the overlay's first day."""
    profile = json.loads(PROFILE.read_text(encoding="utf-8"))
    shift = datetime.timedelta(days=days)

    def moved(text: str) -> str:
        if "T" in text:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) + shift
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (datetime.date.fromisoformat(text) + shift).isoformat()

    profile["submitted_at"] = moved(profile["submitted_at"])
    profile["birth_date"] = moved(profile["birth_date"])
    for language in ("first_language", "spouse_language"):
        profile[language]["test_date"] = moved(profile[language]["test_date"])
    for job in profile["work_history"]:
        job["start"], job["end"] = moved(job["start"]), moved(job["end"])
    return profile


def test_chances_under_the_overlay_are_those_of_the_translated_cutoffs(
    invoke: Invoke, tmp_path: Path, rounds: list[PublishedRound]
) -> None:
    as_of = datetime.date(2026, 12, 15)
    profile = _moved_profile(548)
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    law = invoke("chances", str(path), "--as-of", as_of.isoformat())
    ran = invoke("chances", str(path), "--as-of", as_of.isoformat(), "--rules-overlay", CANADIAN_WORK)
    assert (ran.status, ran.err) == (0, "")
    (law_line,) = law.lines()
    (line,) = ran.lines()
    assert line["hypothetical"] is True
    assert line["rules_overlay"] == {
        "path": CANADIAN_WORK,
        "sha256": load_overlay(CANADIAN_WORK).short_digest,
    }
    assert "rank matching" in str(line["overlay_method"])
    assert line["crs"] == law_line["crs"]  # 2026-12-15: the law's rules still
    # Worked out here, one future at a time: the law's simulated rounds, each cut-off translated on
    # its day, against the profile's score and kinds under the overlay.
    overlay = load_overlay(CANADIAN_WORK)
    translation = CutoffTranslation(overlay, as_of)
    view = view_on(rounds, as_of)
    horizon = float((add_months(as_of, 12) - as_of).days)
    with using_tree(overlay.tree):
        (found,) = timeline((parse_profile(profile, require_id=False),), as_of, 12)
    assert isinstance(found, Timeline)
    kinds = [RoundKey("category", category="healthcare"), RoundKey("program", program="cec")]
    path_of_profile = profile_path(found, False, kinds)
    simulated = {key: simulate(view, outlook(view, key), horizon) for key in kinds}
    within: dict[str, float] = {}
    for months in (1, 3, 6, 12):
        limit = float((add_months(as_of, months) - as_of).days)
        invited = 0
        for future in range(simulated[kinds[0]].days.shape[0]):
            hit = False
            for key in kinds:
                for offset, cutoff in zip(
                    simulated[key].days[future], simulated[key].cutoffs[future], strict=True
                ):
                    if not offset <= limit:
                        continue
                    day = as_of + datetime.timedelta(days=int(offset))
                    step = int(path_of_profile.step(np.array([offset]))[0])
                    translated = translation.mapping(day, key)(int(cutoff))
                    if path_of_profile.qualifies[key][step] and translated <= path_of_profile.totals[step]:
                        hit = True
            invited += hit
        within[str(months)] = round(invited / simulated[kinds[0]].days.shape[0], 3)
    assert line["within"] == within
    assert [item["key"] for item in line["rounds"]] == ["healthcare", "cec"]
    # She gains points and so do the others: her chances move, and not by the law's cut-offs.
    assert line["within"] != law_line["within"]


def test_the_profile_is_read_under_the_overlay_after_its_first_day(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(_moved_profile(548)), encoding="utf-8")
    law = invoke("chances", str(path), "--as-of", "2027-02-01")
    ran = invoke("chances", str(path), "--as-of", "2027-02-01", "--rules-overlay", CANADIAN_WORK)
    (law_line,) = law.lines()
    (line,) = ran.lines()
    # Three years of Canadian work with a spouse: 56 points under the law, 80 under the overlay.
    assert (law_line["crs"], line["crs"]) == (488, 512)


# ---------------------------------------------------------------------------------------------
# Refusals


def test_a_bad_overlay_is_refused_before_anything_runs(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "crs/core/canadian_wrk:\n  reference: {2027-01-01: test}\n  values: {2027-01-01: 1}\n",
        encoding="utf-8",
    )
    expected = (
        f"openentry: --rules-overlay {bad}: crs/core/canadian_wrk: no parameter 'crs/core/canadian_wrk' "
        "in the rules (did you mean crs/core/canadian_work?)\n"
    )
    for command in (
        ("forecast", "next", "--as-of", "2027-03-01", "--json"),
        ("chances", str(PROFILE), "--as-of", "2027-03-01"),
    ):
        ran = invoke(*command, "--rules-overlay", str(bad))
        assert (ran.status, ran.out, ran.err) == (2, "", expected)


def test_forecast_plot_refuses_an_overlay(invoke: Invoke, tmp_path: Path) -> None:
    ran = invoke("forecast", "plot", "fan", "--out", str(tmp_path), "--rules-overlay", CANADIAN_WORK)
    assert (ran.status, ran.out) == (2, "")
    assert ran.err == (
        "openentry: --rules-overlay: forecast plot draws published cut-offs next to forecasts under the law "
        "and does not translate them; use openentry forecast next --rules-overlay FILE\n"
    )
    assert list(tmp_path.iterdir()) == []
