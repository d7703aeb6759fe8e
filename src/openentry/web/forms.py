"""The profile as a form: IRCC's questionnaire order, what applies, and the form read back.

The questions are declared once here (:data:`SECTIONS`), in the order of IRCC's Comprehensive
Ranking System tool (marital status and the spouse or partner, age, education, official
languages, work experience, certificate, additional points, then the spouse's factors), followed
by the facts eligibility reads (occupation, work history, provinces, the FSW's adaptability and
funds). Each question names the profile field it fills (its path, as errors name it,
interfaces.md §1), so a validation error is shown beside its question.

What applies is declared once too (a question's or a section's :class:`Condition`): the page
shows and sends only the questions that apply (static/openentry.js reads the conditions from the
page), and the server applies the same conditions to what it receives (:func:`profile_of`), so a
page without scripts gives the same profile.

The form is read as text: a number that cannot be read is handed to the profile's validation as
the text typed, so the message beside the field is the validation's own (profiles/schema.py).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from openentry.profiles.schema import JOB_FIELDS
from openentry.rules import codes
from openentry.web.i18n import N_

FLAG_ON = "true"


@dataclass(frozen=True)
class Condition:
    """All of ``requirements`` hold: each a field path and the values it may have (``None``: any
    value but none)."""

    requirements: tuple[tuple[str, tuple[str, ...] | None], ...]

    def holds(self, values: FormValues) -> bool:
        for path, allowed in self.requirements:
            value = values.first(path)
            if allowed is None:
                if value == "":
                    return False
            elif value not in allowed:
                return False
        return True

    def as_json(self) -> str:
        """The condition as the page's script reads it (``data-shown-when``)."""
        return json.dumps(
            [[path, None if allowed is None else list(allowed)] for path, allowed in self.requirements]
        )


def when(*requirements: tuple[str, tuple[str, ...] | None]) -> Condition:
    return Condition(tuple(requirements))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # msgid


@dataclass(frozen=True)
class Question:
    """One input: the profile field it fills, how it is typed, its label and hint (msgids)."""

    path: str
    kind: str  # select, integer, decimal, date, moment, flag, text, provinces
    label: str
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    shown_when: Condition | None = None
    blank_choice: bool = True  # a select starts with an empty choice (nothing chosen)

    @property
    def input_id(self) -> str:
        return input_id(self.path)


@dataclass(frozen=True)
class LanguageBlock:
    """A language result: the test, its four scores, its date (and TEF Canada's scale)."""

    slot: str
    label: str
    hint: str | None = None
    shown_when: Condition | None = None

    def questions(self) -> tuple[Question, ...]:
        chosen = when((f"{self.slot}.test", None))
        scores = tuple(
            Question(f"{self.slot}.{ability}", "decimal", ABILITY_LABELS[ability], shown_when=chosen)
            for ability in codes.ABILITIES
        )
        return (
            Question(f"{self.slot}.test", "select", N_("Test"), choices=TEST_CHOICES),
            *scores,
            Question(
                f"{self.slot}.test_date",
                "date",
                N_("Date of the test"),
                hint=N_("A result counts for 2 years; required for TEF Canada"),
                shown_when=chosen,
            ),
            Question(
                f"{self.slot}.scale",
                "select",
                N_("TEF Canada scale"),
                hint=N_("Leave empty: the scale of the test date"),
                choices=(Choice("old", N_("old (before 2023-12-11)")), Choice("new", N_("new (0-699)"))),
                shown_when=when((f"{self.slot}.test", ("tef_canada",))),
            ),
        )


@dataclass(frozen=True)
class WorkHistoryBlock:
    """The jobs of the work history, one row each (an empty row is left out)."""

    label: str
    hint: str | None = None
    shown_when: Condition | None = None

    def row(self, index: int) -> tuple[Question, ...]:
        prefix = f"work_history[{index}]"
        return (
            Question(f"{prefix}.noc", "text", N_("NOC 2021 code"), hint=N_("5 digits")),
            Question(f"{prefix}.start", "date", N_("First day")),
            Question(f"{prefix}.end", "date", N_("Last day"), hint=N_("Empty for a job still held")),
            Question(f"{prefix}.hours_per_week", "decimal", N_("Hours a week")),
            Question(f"{prefix}.in_canada", "flag", N_("In Canada")),
            Question(f"{prefix}.self_employed", "flag", N_("Self-employed")),
            Question(f"{prefix}.full_time_student", "flag", N_("While a full-time student")),
        )


Item = Question | LanguageBlock | WorkHistoryBlock


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # msgid
    items: tuple[Item, ...]
    shown_when: Condition | None = None
    optional: bool = False  # shown folded: facts for eligibility, not the CRS


def input_id(path: str) -> str:
    """The HTML id of a field's input (``first_language.reading`` -> ``field-first_language-reading``)."""
    return "field-" + re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-")


ABILITY_LABELS = {
    "reading": N_("Reading"),
    "writing": N_("Writing"),
    "listening": N_("Listening"),
    "speaking": N_("Speaking"),
}
EDUCATION_LABELS = {
    "less_than_secondary": N_("Less than secondary school (high school)"),
    "secondary": N_("Secondary diploma (high school graduation)"),
    "one_year_post_secondary": N_("One-year program at a university, college, trade or technical school"),
    "two_year_post_secondary": N_("Two-year program at a university, college, trade or technical school"),
    "bachelors": N_("Bachelor's degree, or a program of three years or more"),
    "two_or_more": N_("Two or more certificates, diplomas or degrees, one of three years or more"),
    "masters": N_("Master's degree, or a professional degree needed to practise a licensed profession"),
    "doctoral": N_("Doctoral degree (PhD)"),
}
MARITAL_LABELS = {
    "never_married": N_("Never married / single"),
    "married": N_("Married"),
    "common_law": N_("Common-law"),
    "divorced": N_("Divorced"),
    "separated": N_("Legally separated"),
    "widowed": N_("Widowed"),
    "annulled": N_("Annulled marriage"),
}
CANADIAN_EDUCATION_LABELS = {
    "none": N_("None"),
    "one_or_two_year": N_("A credential of one or two years"),
    "three_year_or_longer": N_(
        "A credential of three years or longer, or a master's, professional or doctoral degree"
    ),
}
JOB_OFFER_LABELS = {
    "none": N_("No job offer"),
    "teer0_major_group_00": N_("TEER 0, major group 00 (senior management)"),
    "other_teer_0_1_2_3": N_("Any other TEER 0, 1, 2 or 3 occupation"),
}
TEST_LABELS = {
    "ielts": N_("IELTS General Training"),
    "celpip": N_("CELPIP-General"),
    "pte_core": N_("PTE Core"),
    "tef_canada": N_("TEF Canada"),
    "tcf_canada": N_("TCF Canada"),
    "clb": N_("CLB levels (English, given directly)"),
    "nclc": N_("NCLC levels (French, given directly)"),
}
PROVINCE_LABELS = {
    "AB": N_("Alberta"),
    "BC": N_("British Columbia"),
    "MB": N_("Manitoba"),
    "NB": N_("New Brunswick"),
    "NL": N_("Newfoundland and Labrador"),
    "NS": N_("Nova Scotia"),
    "NT": N_("Northwest Territories"),
    "NU": N_("Nunavut"),
    "ON": N_("Ontario"),
    "PE": N_("Prince Edward Island"),
    "QC": N_("Quebec"),
    "SK": N_("Saskatchewan"),
    "YT": N_("Yukon"),
}


def _choices(labels: Mapping[str, str], values: Sequence[str]) -> tuple[Choice, ...]:
    return tuple(Choice(value, labels[value]) for value in values)


TEST_CHOICES = _choices(TEST_LABELS, codes.LANGUAGE_TESTS[1:])
EDUCATION_CHOICES = _choices(EDUCATION_LABELS, codes.EDUCATION_LEVELS)

PARTNERED = ("marital_status", tuple(codes.PARTNERED_STATUSES))
SPOUSE_NOT_CANADIAN = ("spouse_canadian", ("",))
SPOUSE_COMES = ("spouse_accompanying", (FLAG_ON,))
# The spouse's or partner's factors are scored when they come to Canada and are not Canadian
# (crs-and-programs.md §1.1); the questions follow IRCC's tool.
SPOUSE_SCORED = when(PARTNERED, SPOUSE_NOT_CANADIAN, SPOUSE_COMES)

SECTIONS: tuple[Section, ...] = (
    Section(
        "you",
        N_("You and your spouse or partner"),
        (
            Question(
                "marital_status",
                "select",
                N_("What is your marital status?"),
                choices=_choices(MARITAL_LABELS, codes.MARITAL_STATUSES),
            ),
            Question(
                "spouse_canadian",
                "flag",
                N_("My spouse or partner is a Canadian citizen or permanent resident"),
                shown_when=when(PARTNERED),
            ),
            Question(
                "spouse_accompanying",
                "flag",
                N_("My spouse or partner will come with me to Canada"),
                shown_when=when(PARTNERED, SPOUSE_NOT_CANADIAN),
            ),
            Question(
                "age",
                "integer",
                N_("Age"),
                hint=N_("In whole years on the day of the score; or give the date of birth"),
            ),
            Question(
                "birth_date",
                "date",
                N_("Or date of birth"),
                hint=N_("The age is then worked out on the day of the score"),
            ),
        ),
    ),
    Section(
        "education",
        N_("Education"),
        (
            Question("education", "select", N_("Your highest level of education"), choices=EDUCATION_CHOICES),
            Question(
                "canadian_education",
                "select",
                N_("A post-secondary credential obtained in Canada"),
                choices=_choices(CANADIAN_EDUCATION_LABELS, codes.CANADIAN_EDUCATION_LEVELS),
                blank_choice=False,
            ),
        ),
    ),
    Section(
        "languages",
        N_("Official languages"),
        (
            LanguageBlock(
                "first_language",
                N_("First official language"),
                hint=N_("Your scores as the test reports them; the level they give shows as you type"),
            ),
            LanguageBlock(
                "second_language",
                N_("Second official language"),
                hint=N_("The other official language, if you took a test in it"),
            ),
        ),
    ),
    Section(
        "work",
        N_("Work experience"),
        (
            Question(
                "canadian_work_years",
                "integer",
                N_("Years of skilled work in Canada (last 10 years)"),
                hint=N_("TEER 0, 1, 2 or 3; whole years; 0 if none"),
            ),
            Question(
                "foreign_work_years",
                "integer",
                N_("Years of skilled work outside Canada (last 10 years)"),
                hint=N_("Whole years; 0 if none"),
            ),
            Question(
                "certificate_of_qualification",
                "flag",
                N_("I have a certificate of qualification in a trade from a Canadian province or territory"),
            ),
        ),
    ),
    Section(
        "additional",
        N_("Additional points"),
        (
            Question(
                "job_offer",
                "select",
                N_("A valid job offer"),
                choices=_choices(JOB_OFFER_LABELS, codes.JOB_OFFERS),
                blank_choice=False,
                hint=N_("Scored only on the dates its points existed"),
            ),
            Question("provincial_nomination", "flag", N_("I have a nomination from a province or territory")),
            Question(
                "sibling_in_canada",
                "flag",
                N_(
                    "I or my spouse or partner have a brother or sister in Canada, citizen or permanent resident, 18 or older"  # noqa: E501
                ),
            ),
        ),
    ),
    Section(
        "spouse",
        N_("Your spouse or partner"),
        (
            Question(
                "spouse_education",
                "select",
                N_("Their highest level of education"),
                choices=EDUCATION_CHOICES,
            ),
            Question(
                "spouse_canadian_work_years",
                "integer",
                N_("Their years of skilled work in Canada (last 10 years)"),
            ),
            LanguageBlock("spouse_language", N_("Their first official language")),
        ),
        shown_when=SPOUSE_SCORED,
    ),
    Section(
        "eligibility",
        N_("More facts for eligibility, categories and provinces"),
        (
            Question("primary_noc", "text", N_("Main occupation (NOC 2021 code)"), hint=N_("5 digits")),
            WorkHistoryBlock(
                N_("Work history"), hint=N_("When given, the years of work are counted from it")
            ),
            Question(
                "provinces_of_interest",
                "provinces",
                N_("Provinces and territories of interest"),
                hint=N_("None ticked: all"),
            ),
            Question(
                "relative_in_canada",
                "flag",
                N_(
                    "I or my spouse or partner have a relative 18 or older in Canada, citizen or permanent resident"  # noqa: E501
                ),
            ),
            Question("canadian_study_years", "integer", N_("Full-time years of study in Canada")),
            Question(
                "spouse_canadian_study_years",
                "integer",
                N_("Your spouse's or partner's full-time years of study in Canada"),
                shown_when=SPOUSE_SCORED,
            ),
            Question(
                "spouse_canadian_work_full_time_years",
                "integer",
                N_("Your spouse's or partner's years of full-time work in Canada"),
                shown_when=SPOUSE_SCORED,
            ),
            Question("work_authorized_in_canada", "flag", N_("I am authorized to work in Canada")),
            Question("settlement_funds_cad", "decimal", N_("Settlement funds (Canadian dollars)")),
            Question(
                "family_size",
                "integer",
                N_("Family size"),
                hint=N_("You, your spouse or partner and your dependent children"),
            ),
            Question("id", "text", N_("Profile name"), hint=N_("Letters, digits and . _ : - (optional)")),
            Question(
                "submitted_at",
                "moment",
                N_("When the profile entered the pool"),
                hint=N_("Date and time with a UTC offset, like 2025-06-02T15:30:00Z"),
            ),
        ),
        optional=True,
    ),
)

LANGUAGE_SLOTS = ("first_language", "second_language", "spouse_language")
# Extra empty job rows offered after the jobs given.
EMPTY_JOB_ROWS = 1
# The most jobs a form may carry (more are the pasted JSON's business).
MOST_JOBS = 30
_JOB_PATH = re.compile(r"^work_history\[(\d{1,2})\]\.(\w+)$")


class FormValues:
    """The submitted fields: each name and the texts sent under it, in order."""

    def __init__(self, pairs: Sequence[tuple[str, str]] = ()) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in pairs:
            self._values.setdefault(name, []).append(value)

    def first(self, name: str) -> str:
        found = self._values.get(name)
        return found[0].strip() if found else ""

    def all(self, name: str) -> list[str]:
        return [value.strip() for value in self._values.get(name, [])]

    def set(self, name: str, value: str | list[str]) -> None:
        self._values[name] = list(value) if isinstance(value, list) else [value]

    def job_count(self) -> int:
        """How many job rows the form holds: up to the last one with anything filled in."""
        indices = [
            int(found.group(1))
            for name, texts in self._values.items()
            if (found := _JOB_PATH.match(name)) and any(text.strip() for text in texts)
        ]
        return min(max(indices) + 1, MOST_JOBS) if indices else 0


def _items(items: Sequence[Item], values: FormValues) -> Iterator[tuple[Question, bool]]:
    for item in items:
        if isinstance(item, Question):
            yield item, True
        elif isinstance(item, LanguageBlock):
            for question in item.questions():
                yield question, True
        else:
            for index in range(values.job_count()):
                for question in item.row(index):
                    yield question, True


def applies(condition: Condition | None, values: FormValues) -> bool:
    return condition is None or condition.holds(values)


def _number(text: str, integer: bool, language: str) -> object:
    """A typed number as JSON's; the text itself when it is not one (validation words why)."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".") if language == "fr" else cleaned.replace(",", "")
    try:
        if integer:
            return int(cleaned)
        value = float(cleaned)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    return int(value) if value.is_integer() and "." not in cleaned and "e" not in cleaned.lower() else value


def _value(question: Question, values: FormValues, language: str) -> tuple[bool, object]:
    """Whether the question was answered, and the answer as the profile's JSON holds it."""
    if question.kind == "provinces":
        chosen = [value for value in values.all(question.path) if value]
        return bool(chosen), chosen
    text = values.first(question.path)
    if question.kind == "flag":
        return text == FLAG_ON, True
    if text == "":
        return False, None
    if question.kind in ("integer", "decimal"):
        return True, _number(text, question.kind == "integer", language)
    return True, text


def _set(profile: dict[str, object], path: str, value: object) -> None:
    """Set ``value`` at ``path`` (``a.b``, ``work_history[2].noc``) in the nested profile."""
    job = _JOB_PATH.match(path)
    if job is not None:
        jobs = profile.setdefault("work_history", {})
        assert isinstance(jobs, dict)
        jobs.setdefault(int(job.group(1)), {})[job.group(2)] = value
        return
    head, _, rest = path.partition(".")
    if rest:
        inner = profile.setdefault(head, {})
        assert isinstance(inner, dict)
        inner[rest] = value
    else:
        profile[head] = value


def profile_of(values: FormValues, language: str) -> dict[str, object]:
    """The profile the form describes: the questions that apply and were answered."""
    profile: dict[str, object] = {}
    for section in SECTIONS:
        if not applies(section.shown_when, values):
            continue
        for item in section.items:
            if not applies(item.shown_when, values):
                continue
            for question, _ in _items((item,), values):
                if not applies(question.shown_when, values):
                    continue
                answered, value = _value(question, values, language)
                if answered:
                    _set(profile, question.path, value)
    jobs = profile.pop("work_history", None)
    if isinstance(jobs, dict) and jobs:
        profile["work_history"] = [
            {"in_canada": False, **jobs[index]} for index in sorted(jobs) if _job_given(jobs[index])
        ]
        if not profile["work_history"]:
            del profile["work_history"]
    return profile


def _job_given(job: Mapping[str, object]) -> bool:
    """A row with anything but its unticked boxes filled in."""
    return any(name in job for name in ("noc", "start", "end", "hours_per_week"))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return FLAG_ON if value else ""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def values_of(profile: Mapping[str, object]) -> FormValues:
    """The form filled in from a profile (pasted JSON): every field the form has a question for."""
    values = FormValues()
    for name, value in profile.items():
        if name in LANGUAGE_SLOTS and isinstance(value, dict):
            for key, inner in value.items():
                values.set(f"{name}.{key}", _text(inner))
        elif name == "work_history" and isinstance(value, list):
            for index, job in enumerate(value[:MOST_JOBS]):
                if isinstance(job, dict):
                    for key, inner in job.items():
                        if key in JOB_FIELDS:
                            values.set(f"work_history[{index}].{key}", _text(inner))
        elif name == "provinces_of_interest" and isinstance(value, list):
            values.set(name, [_text(item) for item in value if item != codes.EVERY_PROVINCE])
        else:
            values.set(name, _text(value))
    return values


def job_rows(values: FormValues) -> int:
    """Rows of the work history to show: the jobs given and an empty one."""
    return min(values.job_count() + EMPTY_JOB_ROWS, MOST_JOBS)


def shown_paths(values: FormValues) -> set[str]:
    """The field paths of the questions that apply to what the form holds (where an error about
    a field can be shown beside it)."""
    paths: set[str] = set()
    for section in SECTIONS:
        if applies(section.shown_when, values):
            paths |= section_paths(section, values)
    return paths


def section_paths(section: Section, values: FormValues) -> set[str]:
    """The field paths of a section's questions that apply to what the form holds."""
    paths: set[str] = set()
    for item in section.items:
        if not applies(item.shown_when, values):
            continue
        if isinstance(item, WorkHistoryBlock):
            rows = [question for index in range(job_rows(values)) for question in item.row(index)]
        elif isinstance(item, LanguageBlock):
            rows = list(item.questions())
        else:
            rows = [item]
        paths.update(question.path for question in rows if applies(question.shown_when, values))
    return paths
