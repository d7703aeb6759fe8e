"""The profile contract (shared/spec/interfaces.md §1), parsed and validated with pydantic.

Unknown fields are errors (a typo must not silently score as "absent"); numbers and booleans
are strict (``"7"`` is not a number); every error is reported as one field path and one
sentence that says what is allowed. Checks that need the scoring date (a score on the scale
of its test date, a test not yet accepted, a result dated after the day) are made by the
rules when the profile is scored.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError

from openentry.rules import codes

Identifier = Annotated[str, Strict(), Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Count = Annotated[int, Strict(), Field(ge=0, le=60)]
WorkYears = Annotated[int, Strict(), Field(ge=0, le=10)]
Flag = Annotated[bool, Strict()]
Score = Annotated[float, Strict()]
NocCode = Annotated[str, Strict(), Field(pattern=r"^[0-9]{5}$")]


def _text_only(value: object) -> object:
    """Dates come as ISO text in JSON; a number is not silently read as seconds since 1970."""
    if isinstance(value, bool | int | float):
        raise ValueError("must be a date as text (YYYY-MM-DD, or a date-time with a UTC offset)")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_text_only)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_text_only)]

EducationLevel = Literal[
    "less_than_secondary",
    "secondary",
    "one_year_post_secondary",
    "two_year_post_secondary",
    "bachelors",
    "two_or_more",
    "masters",
    "doctoral",
]
MaritalStatus = Literal[
    "never_married", "married", "common_law", "divorced", "separated", "widowed", "annulled"
]
CanadianEducation = Literal["none", "one_or_two_year", "three_year_or_longer"]
JobOffer = Literal["none", "teer0_major_group_00", "other_teer_0_1_2_3"]
LanguageTest = Literal["ielts", "celpip", "pte_core", "tef_canada", "tcf_canada", "clb", "nclc"]
Province = Literal["ALL", "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]

assert set(EducationLevel.__args__) == set(codes.EDUCATION_LEVELS)  # type: ignore[attr-defined]
assert set(MaritalStatus.__args__) == set(codes.MARITAL_STATUSES)  # type: ignore[attr-defined]
assert set(LanguageTest.__args__) == set(codes.LANGUAGE_TESTS[1:])  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageResult(_Strict):
    """One test result; scores are checked against the test's scale when scored."""

    test: LanguageTest
    reading: Score
    writing: Score
    listening: Score
    speaking: Score
    test_date: IsoDate | None = None

    @property
    def is_french(self) -> bool:
        return self.test in codes.FRENCH_TESTS


class Job(_Strict):
    """One job of the work history (interfaces.md §1)."""

    noc: NocCode
    start: IsoDate
    end: IsoDate | None = None
    hours_per_week: Annotated[float, Strict(), Field(gt=0)]
    in_canada: Flag
    self_employed: Flag = False
    full_time_student: Flag = False


def _every_province() -> list[Province]:
    return ["ALL"]


class Profile(_Strict):
    """One candidate's Express Entry profile."""

    id: Identifier | None = None
    submitted_at: IsoDateTime | None = None
    age: Annotated[int, Strict(), Field(ge=0, le=120)] | None = None
    birth_date: IsoDate | None = None
    marital_status: MaritalStatus
    spouse_accompanying: Flag = False
    spouse_canadian: Flag = False
    education: EducationLevel
    canadian_education: CanadianEducation = "none"
    first_language: LanguageResult
    second_language: LanguageResult | None = None
    canadian_work_years: WorkYears = 0
    foreign_work_years: WorkYears = 0
    certificate_of_qualification: Flag = False
    job_offer: JobOffer = "none"
    provincial_nomination: Flag = False
    sibling_in_canada: Flag = False
    spouse_education: EducationLevel = "less_than_secondary"
    spouse_language: LanguageResult | None = None
    spouse_canadian_work_years: WorkYears = 0
    primary_noc: NocCode | None = None
    provinces_of_interest: Annotated[list[Province], Field(min_length=1)] = Field(
        default_factory=_every_province
    )
    work_history: list[Job] = Field(default_factory=list)
    relative_in_canada: Flag = False
    canadian_study_years: Count = 0
    spouse_canadian_study_years: Count = 0
    spouse_canadian_work_full_time_years: Count = 0
    work_authorized_in_canada: Flag = False
    settlement_funds_cad: Annotated[float, Strict(), Field(ge=0)] | None = None
    family_size: Annotated[int, Strict(), Field(ge=1, le=30)] = 1


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
    detail = str(error["msg"])
    detail = detail[0].lower() + detail[1:] if detail else detail
    return (
        f"{detail} (given {given!r})" if given is not None and not isinstance(given, dict | list) else detail
    )


def _cross_field_error(profile: Profile) -> ProfileError | None:
    if (profile.age is None) == (profile.birth_date is None):
        return ProfileError("age", "give exactly one of age and birth_date")
    for field_name in ("first_language", "second_language", "spouse_language"):
        result: LanguageResult | None = getattr(profile, field_name)
        if result is not None and result.test == "tef_canada" and result.test_date is None:
            return ProfileError(
                f"{field_name}.test_date", "required for tef_canada (it picks the old or new scale)"
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
        first = error.errors()[0]
        raise ProfileError(_path(tuple(first["loc"])), _message(first)) from None
    problem = _cross_field_error(profile)
    if problem is not None:
        raise problem
    if require_id and profile.id is None:
        raise ProfileError("id", "required when scoring a batch or loading a pool")
    return profile
