"""The profile contract (shared/spec/interfaces.md §1), parsed and validated with pydantic.

This model is the one description of a profile: the JSON path validates with it, and the
columnar path (profiles/columns.py) derives from it the Arrow schema and the same checks
(types, ranges, patterns, vocabularies), with the same field path and message per value.
Vocabularies come from rules/codes.py, the names the formulas index by.

Unknown fields are errors (a typo must not silently score as "absent"); numbers and booleans
are strict (``"7"`` is not a number) and finite (NaN and infinities are refused); every error
is reported as one field path and one sentence that says what is allowed. Checks that need the
scoring date (a score on the scale of its test date, a test not yet accepted, a result dated
after the day, an age over the bound on the day) are made by the rules when the profile is scored.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    Strict,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError, core_schema

from openentry.rules import codes, default_tree
from openentry.rules.candidates import MAXIMUM_AGE

# Hours a week a job can plausibly have (12 hours a day, 7 days): above it a value is a typing
# mistake. A validation bound on the facts, not a rule of law (the law caps counted hours at 30
# a week, crs-and-programs.md §3.1).
MAXIMUM_HOURS_PER_WEEK = 84


@functools.cache
def express_entry_opened() -> datetime.datetime:
    """Express Entry opened on the first day of the rules (2015-01-01): no profile entered the
    pool before it. Law, read from the parameter tree when first needed (not at import: a CLI
    ``--help`` does not load the tree)."""
    return datetime.datetime.combine(default_tree().first_day, datetime.time(), datetime.UTC)


@dataclass(frozen=True)
class NotBefore:
    """A lower bound on a date-time read from the law when first checked (``Field(ge=...)``
    needs its value when the model is defined). A value before it is the error ``Field(ge=...)``
    gives, word for word; profiles/columns.py reads it as the column's minimum."""

    bound: Callable[[], datetime.datetime]
    reason: str  # why the bound is where it is, added to the message ({} is the bound's day)

    def reason_text(self) -> str:
        return self.reason.format(self.bound().date().isoformat())

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def _check(self, value: datetime.datetime) -> datetime.datetime:
        bound = self.bound()
        if value < bound:
            raise PydanticCustomError(
                "greater_than_equal", "Input should be greater than or equal to {ge}", {"ge": repr(bound)}
            )
        return value


EXPRESS_ENTRY_OPENED = NotBefore(express_entry_opened, "Express Entry opened on {}")

Identifier = Annotated[str, Strict(), Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Count = Annotated[int, Strict(), Field(ge=0, le=60)]
WorkYears = Annotated[int, Strict(), Field(ge=0, le=10)]
Flag = Annotated[bool, Strict()]
Score = Annotated[float, Strict(), Field(allow_inf_nan=False)]
NocCode = Annotated[str, Strict(), Field(pattern=r"^[0-9]{5}$")]


def _text_only(value: object) -> object:
    """Dates come as ISO text in JSON; a number is not silently read as seconds since 1970."""
    if isinstance(value, bool | int | float):
        raise ValueError("must be a date as text (YYYY-MM-DD, or a date-time with a UTC offset)")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_text_only)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_text_only)]

# The vocabularies are those of rules/codes.py (the codes the formulas index by), as Literals.
# Type checkers see plain strings: a Literal built from a tuple is only known when the code runs.
if TYPE_CHECKING:
    EducationLevel = str
    MaritalStatus = str
    CanadianEducation = str
    JobOffer = str
    LanguageTest = str
    TefScale = str
    Province = str
else:
    EducationLevel = Literal[codes.EDUCATION_LEVELS]
    MaritalStatus = Literal[codes.MARITAL_STATUSES]
    CanadianEducation = Literal[codes.CANADIAN_EDUCATION_LEVELS]
    JobOffer = Literal[codes.JOB_OFFERS]
    LanguageTest = Literal[codes.LANGUAGE_TESTS[1:]]
    TefScale = Literal[codes.TEF_SCALES]
    Province = Literal[(codes.EVERY_PROVINCE, *codes.PROVINCES)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class LanguageResult(_Strict):
    """One test result; scores are checked against the test's scale when scored."""

    model_config = ConfigDict(
        json_schema_extra={
            "description": "One language test result: the test, its four scores and the test date. "
            "The language (English or French) follows from the test."
        }
    )

    test: LanguageTest = Field(
        description="The test: ielts (General Training bands), celpip (CELPIP-General levels), pte_core, "
        "tef_canada and tcf_canada (raw scores, converted with IRCC's equivalency tables), or clb / nclc "
        "(English / French levels given directly)",
        examples=["ielts"],
    )
    reading: Score = Field(description="Reading score on the test's own scale", examples=[7.5])
    writing: Score = Field(description="Writing score on the test's own scale", examples=[7.0])
    listening: Score = Field(description="Listening score on the test's own scale", examples=[8.0])
    speaking: Score = Field(description="Speaking score on the test's own scale", examples=[7.0])
    test_date: IsoDate | None = Field(
        None,
        description="Date of the test (YYYY-MM-DD); required for tef_canada, where it picks the old or new "
        "scale. A result 2 years old or more no longer keeps a profile in the pool",
        examples=["2025-04-26"],
    )
    # TEF Canada only: "old" or "new" (codes.TEF_SCALES); absent, the scale of the test date.
    scale: TefScale | None = Field(
        None,
        description="tef_canada only: old (the scale before 2023-12-11) or new (0-699, tests from "
        "2023-12-11); absent, the scale follows test_date",
        examples=["old"],
    )

    @property
    def is_french(self) -> bool:
        return self.test in codes.FRENCH_TESTS


class Job(_Strict):
    """One job of the work history (interfaces.md §1)."""

    model_config = ConfigDict(json_schema_extra={"description": "One job of the work history."})

    noc: NocCode = Field(description="The job's 5-digit NOC 2021 code", examples=["31301"])
    start: IsoDate = Field(description="First day of the job (YYYY-MM-DD)", examples=["2021-09-07"])
    end: IsoDate | None = Field(
        None,
        description="Last day of the job (YYYY-MM-DD), or null for a job still held",
        examples=["2024-10-04"],
    )
    hours_per_week: Annotated[
        float, Strict(), Field(gt=0, le=MAXIMUM_HOURS_PER_WEEK, allow_inf_nan=False)
    ] = Field(description="Paid hours a week (hours above full time do not count)", examples=[37.5])
    in_canada: Flag = Field(description="The job was in Canada", examples=[True])
    self_employed: Flag = Field(
        False,
        description="Self-employed (does not count for the Canadian Experience Class)",
        examples=[False],
    )
    full_time_student: Flag = Field(
        False,
        description="Held while a full-time student (does not count for the Canadian Experience Class)",
        examples=[False],
    )


def _every_province() -> list[Province]:
    return [codes.EVERY_PROVINCE]


class Profile(_Strict):
    """One candidate's Express Entry profile."""

    model_config = ConfigDict(
        json_schema_extra={
            "description": "One candidate's Express Entry profile. Unknown fields are an error; every "
            "field but first_language, education, marital_status and one of age / birth_date has a default."
        }
    )

    id: Identifier | None = Field(
        None,
        description="The profile's id, 1-64 characters of A-Za-z0-9._:- ; required in batches and in a pool",
        examples=["maria-santos"],
    )
    submitted_at: Annotated[IsoDateTime, EXPRESS_ENTRY_OPENED] | None = Field(
        None,
        description="When the profile entered the pool (ISO 8601 date-time with a UTC offset, not before "
        "Express Entry opened): used for the tie-break, the 12-month expiry and provincial creation "
        "windows. Required in a pool",
        examples=["2025-06-02T15:30:00Z"],
    )
    age: Annotated[int, Strict(), Field(ge=0, le=MAXIMUM_AGE)] | None = Field(
        None,
        description="Age in whole years on the scoring date (give exactly one of age and birth_date)",
        examples=[32],
    )
    birth_date: IsoDate | None = Field(
        None,
        description="Date of birth (YYYY-MM-DD): the age is then worked out on the scoring date "
        "(give exactly one of age and birth_date)",
        examples=["1993-06-12"],
    )
    marital_status: MaritalStatus = Field(description="Marital status", examples=["married"])
    spouse_accompanying: Flag = Field(
        False, description="The spouse or partner comes to Canada", examples=[True]
    )
    spouse_canadian: Flag = Field(
        False,
        description="The spouse or partner is a Canadian citizen or permanent resident",
        examples=[False],
    )
    education: EducationLevel = Field(
        description="Highest education: bachelors is a bachelor's or a program of 3 years or more; "
        "two_or_more is two or more credentials, one of 3 years or more; masters includes an "
        "entry-to-practice professional degree",
        examples=["bachelors"],
    )
    canadian_education: CanadianEducation = Field(
        "none", description="Post-secondary credential obtained in Canada", examples=["one_or_two_year"]
    )
    first_language: LanguageResult = Field(
        description="First official language result (English or French)",
        examples=[
            {
                "test": "ielts",
                "reading": 7.5,
                "writing": 7.0,
                "listening": 8.0,
                "speaking": 7.0,
                "test_date": "2025-04-26",
            }
        ],
    )
    second_language: LanguageResult | None = Field(
        None,
        description="Second official language result: it must be the other official language",
        examples=[
            {
                "test": "tef_canada",
                "reading": 207,
                "writing": 310,
                "listening": 249,
                "speaking": 310,
                "test_date": "2023-06-15",
            }
        ],
    )
    canadian_work_years: WorkYears = Field(
        0,
        description="Whole years of skilled (TEER 0-3) Canadian work in the last 10 years; when work_history "
        "is given, it must agree with it",
        examples=[3],
    )
    foreign_work_years: WorkYears = Field(
        0,
        description="Whole years of skilled foreign work in the last 10 years; when work_history is given, "
        "it must agree with it",
        examples=[3],
    )
    certificate_of_qualification: Flag = Field(
        False, description="Canadian certificate of qualification in a trade", examples=[False]
    )
    job_offer: JobOffer = Field(
        "none",
        description="Arranged employment (scored only on dates its points existed)",
        examples=["other_teer_0_1_2_3"],
    )
    provincial_nomination: Flag = Field(False, description="Nominated by a province", examples=[False])
    sibling_in_canada: Flag = Field(
        False,
        description="A brother or sister in Canada (of the applicant or accompanying spouse), citizen or "
        "permanent resident, 18 or older",
        examples=[False],
    )
    spouse_education: EducationLevel = Field(
        "less_than_secondary",
        description="The spouse's highest education (as education)",
        examples=["two_year_post_secondary"],
    )
    spouse_language: LanguageResult | None = Field(
        None,
        description="The spouse's first official language result",
        examples=[
            {
                "test": "celpip",
                "reading": 7,
                "writing": 7,
                "listening": 8,
                "speaking": 7,
                "test_date": "2025-03-15",
            }
        ],
    )
    spouse_canadian_work_years: WorkYears = Field(
        0, description="The spouse's whole years of skilled Canadian work in the last 10 years", examples=[0]
    )
    primary_noc: NocCode | None = Field(
        None, description="The 5-digit NOC 2021 code of the primary occupation", examples=["31301"]
    )
    provinces_of_interest: Annotated[list[Province], Field(min_length=1)] = Field(
        default_factory=_every_province,
        description='Provinces and territories of interest, by code, or ["ALL"]',
        examples=[["ON", "BC"]],
    )
    work_history: list[Job] = Field(
        default_factory=list,
        description="Jobs, for category eligibility and the work-years checks; when given, the years of "
        "work counted are derived from it on the scoring date",
        examples=[
            [
                {
                    "noc": "31301",
                    "start": "2021-09-07",
                    "end": "2024-10-04",
                    "hours_per_week": 37.5,
                    "in_canada": True,
                }
            ]
        ],
    )
    relative_in_canada: Flag = Field(
        False,
        description="The applicant or spouse has a relative 18 or older in Canada who is a citizen or "
        "permanent resident (parent, grandparent, child, grandchild, sibling, aunt or uncle, niece or "
        "nephew); FSW adaptability",
        examples=[False],
    )
    canadian_study_years: Count = Field(
        0,
        description="Full-time years of secondary or post-secondary study in Canada (FSW adaptability)",
        examples=[0],
    )
    spouse_canadian_study_years: Count = Field(
        0, description="The spouse's full-time years of study in Canada (FSW adaptability)", examples=[0]
    )
    spouse_canadian_work_full_time_years: Count = Field(
        0,
        description="The spouse's years of full-time work in Canada, any skill level (FSW adaptability)",
        examples=[0],
    )
    work_authorized_in_canada: Flag = Field(
        False,
        description="Authorized to work in Canada (with a job offer, exempt from proof of funds)",
        examples=[False],
    )
    settlement_funds_cad: Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)] | None = Field(
        None, description="Settlement funds available, in Canadian dollars", examples=[30000]
    )
    family_size: Annotated[int, Strict(), Field(ge=1, le=30)] = Field(
        1,
        description="The applicant, the spouse or partner and dependent children, accompanying or not",
        examples=[2],
    )


PROFILE_FIELDS: tuple[str, ...] = tuple(Profile.model_fields)
LANGUAGE_FIELDS: tuple[str, ...] = tuple(LanguageResult.model_fields)
JOB_FIELDS: tuple[str, ...] = tuple(Job.model_fields)


class ProfileError(ValueError):
    """A profile that cannot be used: one field path and what is wrong with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def _path(location: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts) or "profile"


def _allowed_fields(location: tuple[int | str, ...]) -> tuple[str, ...]:
    names = [part for part in location[:-1] if isinstance(part, str)]
    if names and names[-1] in ("first_language", "second_language", "spouse_language"):
        return LANGUAGE_FIELDS
    if names and names[-1] == "work_history":
        return JOB_FIELDS
    return PROFILE_FIELDS


def shown(value: object) -> str:
    """A value as a message shows it (text quoted, numbers as Python writes them: 500.0, nan)."""
    return repr(value)


# Why a bound is where it is, added to the message of a value beyond it (by field name).
_BOUND_REASONS = {"submitted_at": EXPRESS_ENTRY_OPENED}


def _message(error: Any) -> str:
    kind = error["type"]
    location = tuple(error["loc"])
    given = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown field; allowed fields are {', '.join(_allowed_fields(location))}"
    if kind == "missing":
        return "required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{given!r} is not allowed; expected one of {expected}"
    if kind == "string_pattern_mismatch":
        if location and location[-1] in ("primary_noc", "noc"):
            return f"{given!r} is not a 5-digit NOC 2021 code"
        return f"{given!r} must be 1-64 characters of A-Z a-z 0-9 . _ : -"
    if kind == "timezone_aware":
        return f"{given!r} needs a UTC offset, like 2024-01-15T10:22:00Z"
    if (
        kind == "less_than_equal"
        and location
        and location[-1] == "hours_per_week"
        and isinstance(given, float | int)
    ):
        return (
            f"{given:g} hours a week is more than {MAXIMUM_HOURS_PER_WEEK} (12 hours a day, 7 days); "
            "hours above 30 a week do not count anyway"
        )
    if kind == "finite_number":
        return f"must be a finite number (given {shown(given)})"
    detail = str(error["msg"])
    detail = detail[0].lower() + detail[1:] if detail else detail
    if given is not None and not isinstance(given, dict | list):
        detail = f"{detail} (given {shown(given)})"
    bound = _BOUND_REASONS.get(str(location[-1])) if location else None
    reason = bound.reason_text() if bound is not None else None
    if reason is not None and kind in ("less_than_equal", "greater_than_equal"):
        detail = f"{detail}: {reason}"
    return detail


def _cross_field_error(profile: Profile) -> ProfileError | None:
    if (profile.age is None) == (profile.birth_date is None):
        return ProfileError("age", "give exactly one of age and birth_date")
    for field_name in ("first_language", "second_language", "spouse_language"):
        result: LanguageResult | None = getattr(profile, field_name)
        if result is not None and result.test == "tef_canada" and result.test_date is None:
            return ProfileError(
                f"{field_name}.test_date", "required for tef_canada (it picks the old or new scale)"
            )
        if result is not None and result.scale is not None and result.test != "tef_canada":
            return ProfileError(
                f"{field_name}.scale", f"only for tef_canada results (leave it out for {result.test})"
            )
    second = profile.second_language
    if second is not None and second.is_french == profile.first_language.is_french:
        language_name = "French" if second.is_french else "English"
        return ProfileError(
            "second_language.test",
            f"{second.test} is {language_name}, like the first language; "
            "the second must be the other official language",
        )
    if "ALL" in profile.provinces_of_interest and len(profile.provinces_of_interest) > 1:
        return ProfileError("provinces_of_interest", '"ALL" stands alone; otherwise list province codes')
    for index, job in enumerate(profile.work_history):
        if job.end is not None and job.end < job.start:
            return ProfileError(f"work_history[{index}].end", f"{job.end} is before the start {job.start}")
    return None


def parse_profile(raw: object, require_id: bool = False) -> Profile:
    """Validate one raw profile (a JSON object already decoded); raises ProfileError."""
    if not isinstance(raw, dict):
        raise ProfileError("profile", f"expected a JSON object, found {type(raw).__name__}")
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as error:
        raise error_of(error) from None
    problem = _cross_field_error(profile)
    if problem is not None:
        raise problem
    if require_id and profile.id is None:
        raise ProfileError("id", "required when scoring a batch or loading a pool")
    return profile


def error_of(error: ValidationError, prefix: tuple[int | str, ...] = ()) -> ProfileError:
    """The first error of a pydantic validation as a ProfileError (its path under ``prefix``)."""
    first = error.errors()[0]
    location = (*prefix, *first["loc"])
    return ProfileError(_path(location), _message({**first, "loc": location}))


@functools.cache
def _field_adapter(key: tuple[str, ...]) -> TypeAdapter[Any]:
    """The validator of one field (built when first needed: only refused values are worded)."""
    model: type[BaseModel] = LanguageResult if key[0] == "language" else Profile
    return TypeAdapter(model.model_fields[key[-1]].rebuild_annotation())


def field_error(location: tuple[str, ...], value: object) -> ProfileError | None:
    """The error JSON gives for ``value`` in one field, or None when the field accepts it.

    ``location`` is a profile field name, or the name of a language result field and the field
    inside it (``("first_language", "reading")``); ``value`` is in its JSON form (dates as text).
    Used by the columnar path so that a value refused there reads exactly as in JSON.
    """
    key = ("language", location[1]) if len(location) == 2 else location
    try:
        _field_adapter(key).validate_python(value)
    except ValidationError as error:
        return error_of(error, location)
    return None
