"""The form and the JSON describe the same profile; the engine's sentences in French."""

from __future__ import annotations

import datetime

from hypothesis import given, settings

from openentry.services.scoring import RawProfile, score_profiles
from openentry.web.forms import SECTIONS, FormValues, input_id, profile_of, shown_paths, values_of
from openentry.web.messages import WORDINGS, WORDS, translate
from tests.strategies import dated_profile
from tests.web.conftest import examples


def test_the_worked_examples_read_back_from_the_form_are_the_same_profiles() -> None:
    for case in examples():
        assert profile_of(values_of(case["profile"]), "en") == case["profile"]


@settings(max_examples=150, deadline=None)
@given(dated_profile())
def test_a_profile_put_in_the_form_and_read_back_scores_the_same(
    case: tuple[datetime.date, dict[str, object]],
) -> None:
    """The form leaves out what does not apply (a spouse's facts without a spouse who comes); the
    scorer gives them no point either, so the totals agree."""
    on, profile = case
    read_back = profile_of(values_of(profile), "en")
    direct, through_form = score_profiles([RawProfile(profile), RawProfile(read_back)], on)
    assert through_form == direct


def test_numbers_are_read_as_the_language_writes_them() -> None:
    values = FormValues([("settlement_funds_cad", "15 263,50"), ("family_size", "2")])
    assert profile_of(values, "fr") == {"settlement_funds_cad": 15263.5, "family_size": 2}
    values = FormValues([("settlement_funds_cad", "15,263.50")])
    assert profile_of(values, "en") == {"settlement_funds_cad": 15263.5}


def test_a_number_that_cannot_be_read_reaches_validation_as_typed() -> None:
    values = FormValues(
        [("age", "twenty"), ("first_language.test", "ielts"), ("first_language.reading", "7,5")]
    )
    assert profile_of(values, "en") == {"age": "twenty", "first_language": {"test": "ielts", "reading": 75}}
    assert profile_of(values, "fr") == {"age": "twenty", "first_language": {"test": "ielts", "reading": 7.5}}


def test_the_spouse_questions_apply_only_with_a_spouse_who_comes_and_is_not_canadian() -> None:
    spouse = {"spouse_education", "spouse_canadian_work_years", "spouse_language.test"}
    single = FormValues([("marital_status", "never_married"), ("spouse_accompanying", "true")])
    assert not spouse & shown_paths(single)
    assert "spouse_accompanying" not in shown_paths(single)
    coming = FormValues([("marital_status", "married"), ("spouse_accompanying", "true")])
    assert spouse <= shown_paths(coming)
    canadian = FormValues(
        [("marital_status", "married"), ("spouse_accompanying", "true"), ("spouse_canadian", "true")]
    )
    assert not spouse & shown_paths(canadian)
    assert "spouse_accompanying" not in shown_paths(canadian)


def test_every_question_has_its_own_input_id() -> None:
    paths = shown_paths(
        FormValues(
            [
                ("marital_status", "married"),
                ("spouse_accompanying", "true"),
                ("first_language.test", "tef_canada"),
                ("second_language.test", "clb"),
                ("spouse_language.test", "clb"),
            ]
        )
    )
    ids = [input_id(path) for path in paths]
    assert len(ids) == len(set(ids))
    assert len(SECTIONS) == 7


def test_the_engine_sentences_read_in_french() -> None:
    cases = {
        "required": "obligatoire",
        "input should be a valid integer (given 'abc')": "doit être un nombre entier (reçu 'abc')",
        "input should be less than or equal to 10 (given 11)": "doit être inférieur ou égal à 10 (reçu 11)",
        "12 is not a ielts reading score; allowed 0 to 9 in steps of 0.5": "12 n'est pas un résultat ielts en compréhension de l'écrit : de 0 à 9, par pas de 0.5",  # noqa: E501
        "'x' is not allowed; expected one of 'never_married', 'married'": "'x' n'est pas permis ; valeurs possibles : 'never_married', 'married'",  # noqa: E501
        "writing from CLB 8 to CLB 9 (IELTS 7)": "expression écrite de CLB 8 à CLB 9 (IELTS 7)",
        "a provincial nomination": "une désignation provinciale",
        "CRS 465 on 2026-01-07 is below the cut-off 511 by 46": "SCG de 465 le 2026-01-07 : sous le seuil de 511, à 46 points",  # noqa: E501
    }
    for english, french in cases.items():
        shown = translate(english, "fr")
        assert (shown.text, shown.language) == (french, "fr")
    unknown = translate("a sentence the pages do not know", "fr")
    assert (unknown.text, unknown.language) == ("a sentence the pages do not know", "en")
    assert translate("required", "en").text == "required"
    assert len(WORDINGS) == len(set(WORDINGS))


def test_every_word_the_services_put_in_their_sentences_has_a_french_name() -> None:
    from openentry.history.replay import PROGRAM_NAMES as REPLAY_PROGRAMS
    from openentry.services.timeline import LINE_WORDS, PROGRAM_NAMES, SLOT_WORDS
    from openentry.services.whatif import EDUCATION_WORDS

    words = {*LINE_WORDS.values(), *SLOT_WORDS.values(), *PROGRAM_NAMES.values(), *EDUCATION_WORDS.values()}
    words |= {f"the {name}" for name in REPLAY_PROGRAMS.values()}
    assert words - set(WORDS) == set()
    assert translate("age: 105 to 99 points", "fr").text == "âge : de 105 à 99 points"
    assert translate("meets CEC", "fr").text == "satisfait à CEC"
    assert translate("no longer meets FSW", "fr").text == "ne satisfait plus à PTQF"
