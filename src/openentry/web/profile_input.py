"""A profile as a page receives it: by its form, or pasted as JSON (interfaces.md §10).

Every page that takes a profile (calculator, eligibility, would-I-have-been-invited, chances,
the candidate's own) reads it here: the form's fields (web/forms.py) or the pasted JSON, and
the day asked about. What is wrong is one field path and one sentence, the profile's validation
or the day's parsing (the command line's words, shown translated beside the field).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import Request

from openentry.cli.dates import parse_day, parse_moment, today_utc
from openentry.cli.errors import UsageError
from openentry.cli.inputs import TOO_DEEP
from openentry.web.forms import (
    SECTIONS,
    Condition,
    FormValues,
    Section,
    applies,
    input_id,
    job_rows,
    profile_of,
    section_paths,
    shown_paths,
    values_of,
)
from openentry.web.messages import Shown, translate

# The most fields a form post may carry (a form with every job row filled has a few hundred).
MOST_FIELDS = 2000
PASTE_FIELD = "profile_json"
PASTE_ACTION = "paste"


class FormError(ValueError):
    """A field of a form that cannot be used: its path and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


async def form_values(request: Request) -> FormValues:
    """The fields of a form post (``application/x-www-form-urlencoded``, as browsers and htmx
    send forms); an unreadable body reads as no field."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MOST_FIELDS)
    except (UnicodeDecodeError, ValueError):
        pairs = []
    return FormValues(pairs)


def query_values(request: Request) -> FormValues:
    """The fields of a GET form (the query string)."""
    return FormValues(list(request.query_params.multi_items()))


def _without_option(error: UsageError) -> str:
    """A command-line message without its option's name (the page shows it beside the field)."""
    text = str(error)
    head, separator, rest = text.partition(": ")
    return rest if separator and head.startswith("--") else text


def day_field(values: FormValues, name: str, default: datetime.date | None = None) -> datetime.date:
    """The day in field ``name`` (``YYYY-MM-DD``), checked as ``--on`` is; today when empty."""
    text = values.first(name)
    if text == "":
        return default or today_utc()
    try:
        return parse_day(text, f"--{name}")
    except UsageError as error:
        raise FormError(name, _without_option(error)) from None


def moment_field(values: FormValues, name: str) -> datetime.datetime | None:
    """The date-time in field ``name``, checked as ``--at`` is; None when empty."""
    text = values.first(name)
    if text == "":
        return None
    try:
        return parse_moment(text, f"--{name}")
    except UsageError as error:
        raise FormError(name, _without_option(error)) from None


@dataclass
class ProfileInput:
    """What a page received: the form's values (to show again), the profile they describe (or
    the pasted one), and the first thing wrong, if any."""

    values: FormValues
    profile: dict[str, object] | None
    pasted: str = ""
    error: FormError | None = None
    submitted: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def read_profile_input(values: FormValues, language: str) -> ProfileInput:
    """The profile of a form post: pasted JSON when the paste button sent it, else the form."""
    pasted = values.first(PASTE_FIELD)
    if values.first("action") != PASTE_ACTION:
        return ProfileInput(values=values, profile=profile_of(values, language), pasted=pasted)
    try:
        document = json.loads(pasted)
    except json.JSONDecodeError as error:
        detail = f"{error.msg}, line {error.lineno} column {error.colno}"
        return ProfileInput(values, None, pasted, FormError(PASTE_FIELD, f"not valid JSON: {detail}"))
    except RecursionError:
        return ProfileInput(values, None, pasted, FormError(PASTE_FIELD, TOO_DEEP))
    if not isinstance(document, dict):
        found = type(document).__name__
        return ProfileInput(
            values, None, pasted, FormError(PASTE_FIELD, f"expected a JSON object, found {found}")
        )
    filled = values_of(document)
    for name in ("on", "as_of", "since", PASTE_FIELD):
        if values.first(name):
            filled.set(name, values.first(name))
    return ProfileInput(values=filled, profile=document, pasted=pasted)


@dataclass
class FormView:
    """A profile form as a template shows it: the values, what applies, and the error placed
    beside its field (or beside the pasted JSON when no question of the form shows that field)."""

    values: FormValues
    language: str
    error: FormError | None = None
    pasted: str = ""
    sections: tuple[object, ...] = SECTIONS

    def value(self, path: str) -> str:
        return self.values.first(path)

    def chosen(self, path: str) -> list[str]:
        return self.values.all(path)

    def shows(self, condition: Condition | None) -> bool:
        return applies(condition, self.values)

    def job_rows(self) -> range:
        return range(job_rows(self.values))

    @property
    def error_path(self) -> str | None:
        """Where the error shows: its field, or the pasted JSON's box."""
        if self.error is None:
            return None
        if self.error.field in shown_paths(self.values) or self.error.field in EXTRA_FIELDS:
            return self.error.field
        return PASTE_FIELD

    @property
    def error_message(self) -> Shown | None:
        return None if self.error is None else translate(self.error.message, self.language)

    def error_at(self, path: str) -> Shown | None:
        return self.error_message if self.error_path == path else None

    def error_in(self, section: Section) -> bool:
        """Whether the error is about a question of ``section`` (which then shows unfolded)."""
        path = self.error_path
        return path is not None and path in section_paths(section, self.values)

    @property
    def error_anchor(self) -> str:
        return input_id(self.error_path or "")


# Fields of the pages' forms that are not the profile's.
EXTRA_FIELDS = frozenset({"on", "as_of", "since", PASTE_FIELD})


def form_view(given: ProfileInput, language: str) -> FormView:
    return FormView(values=given.values, language=language, error=given.error, pasted=given.pasted)
