"""The engine's sentences in the page's language.

The services word their errors, warnings, reasons and changes in English (the command line's
and the API's words, one place each). A page in French shows them translated: each sentence the
engine can say is listed here once, as its English wording with ``%(name)s`` where the engine
fills a value in; that wording is the catalogue's msgid. A sentence is recognised by matching it
against the wordings (the values are read back), and rewritten with the translated wording and
the same values. Values that are themselves words of the engine (an ability, a test's name) are
translated too. A sentence no wording matches is shown as it is, marked as English
(:class:`Shown`), so that a screen reader reads it in English and a reader sees why.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from openentry.web.i18n import ENGLISH, N_, gettext

# Words the engine puts inside its sentences (a value of a %(word_...)s placeholder).
WORDS: dict[str, str] = {
    "reading": N_("reading"),
    "writing": N_("writing"),
    "listening": N_("listening"),
    "speaking": N_("speaking"),
    "English": N_("English"),
    "French": N_("French"),
    "the Canadian Experience Class": N_("the Canadian Experience Class"),
    "the Federal Skilled Worker Program": N_("the Federal Skilled Worker Program"),
    "the Federal Skilled Trades Program": N_("the Federal Skilled Trades Program"),
    "the Provincial Nominee Program": N_("the Provincial Nominee Program"),
    # services/whatif.py EDUCATION_WORDS
    "less than secondary school": N_("less than secondary school"),
    "a secondary school diploma": N_("a secondary school diploma"),
    "a one-year post-secondary credential": N_("a one-year post-secondary credential"),
    "a two-year post-secondary credential": N_("a two-year post-secondary credential"),
    "a bachelor's degree or a program of 3 years or more": N_(
        "a bachelor's degree or a program of 3 years or more"
    ),
    "two or more credentials, one of 3 years or more": N_("two or more credentials, one of 3 years or more"),
    "a master's or entry-to-practice professional degree": N_(
        "a master's or entry-to-practice professional degree"
    ),
    "a doctoral degree": N_("a doctoral degree"),
    # services/timeline.py LINE_WORDS, SLOT_WORDS and PROGRAM_NAMES
    "age": N_("age"),
    "education": N_("education"),
    "first official language": N_("first official language"),
    "second official language": N_("second official language"),
    "Canadian work experience": N_("Canadian work experience"),
    "spouse's education": N_("spouse's education"),
    "spouse's language": N_("spouse's language"),
    "spouse's Canadian work experience": N_("spouse's Canadian work experience"),
    "transferability (education)": N_("transferability (education)"),
    "transferability (foreign work)": N_("transferability (foreign work)"),
    "transferability (certificate of qualification)": N_("transferability (certificate of qualification)"),
    "French-language points": N_("French-language points"),
    "sibling in Canada": N_("sibling in Canada"),
    "Canadian education": N_("Canadian education"),
    "arranged employment": N_("arranged employment"),
    "provincial nomination": N_("provincial nomination"),
    "first-language": N_("first-language"),
    "second-language": N_("second-language"),
    "Canadian": N_("Canadian"),
    "foreign": N_("foreign"),
    "FSW": N_("FSW"),
    "CEC": N_("CEC"),
    "FST": N_("FST"),
}

# Every sentence the pages translate, as the engine words it (the catalogue's msgids).
WORDINGS: tuple[str, ...] = (
    # profiles/schema.py: validation of one field
    N_("required"),
    N_("input should be a valid integer (given %(given)s)"),
    N_("input should be a valid number (given %(given)s)"),
    N_("input should be a valid boolean (given %(given)s)"),
    N_("input should be a valid string (given %(given)s)"),
    N_("input should be a valid list"),
    N_("input should be greater than or equal to %(bound)s (given %(given)s)"),
    N_("input should be greater than %(bound)s (given %(given)s)"),
    N_("input should be less than or equal to %(bound)s (given %(given)s)"),
    N_("input should be less than %(bound)s (given %(given)s)"),
    N_("input should be a valid date or datetime, %(detail)s (given %(given)s)"),
    N_("input should be a valid datetime or date, %(detail)s (given %(given)s)"),
    N_("input should be a valid date in the format YYYY-MM-DD, %(detail)s (given %(given)s)"),
    N_(
        "input should be greater than or equal to %(bound)s (given %(given)s): Express Entry opened on %(day)s"  # noqa: E501
    ),
    N_("must be a finite number (given %(given)s)"),
    N_("must be a date as text (YYYY-MM-DD, or a date-time with a UTC offset) (given %(given)s)"),
    N_("%(given)s is not allowed; expected one of %(expected)s"),
    N_("%(given)s is not a 5-digit NOC 2021 code"),
    N_("%(given)s must be 1-64 characters of A-Z a-z 0-9 . _ : -"),
    N_("%(given)s needs a UTC offset, like 2024-01-15T10:22:00Z"),
    N_(
        "%(given)s hours a week is more than %(most)s (12 hours a day, 7 days); hours above 30 a week do not count anyway"  # noqa: E501
    ),
    N_("unknown field; allowed fields are %(fields)s"),
    N_("expected a JSON object, found %(found)s"),
    # profiles/schema.py: checks across fields
    N_("give exactly one of age and birth_date"),
    N_("required for tef_canada (it picks the old or new scale)"),
    N_("only for tef_canada results (leave it out for %(test)s)"),
    N_(
        "%(test)s is %(word_language)s, like the first language; the second must be the other official language"  # noqa: E501
    ),
    N_('"ALL" stands alone; otherwise list province codes'),
    N_("%(end)s is before the start %(start)s"),
    # rules/candidates.py: checks on the scoring day
    N_("%(given)s is after the scoring date %(day)s"),
    N_(
        "%(given)s is not a %(test)s %(word_ability)s score; allowed %(low)s to %(high)s in steps of %(step)s"
    ),
    N_("%(test)s results are not accepted on the date of this result or on %(day)s"),
    N_(
        "the %(scale)s scale is for TEF Canada tests taken from %(since)s; this result is dated %(given)s: use 'old' or leave scale out"  # noqa: E501
    ),
    N_("%(given)s gives an age of %(age)s on %(day)s; allowed ages 0 to %(most)s"),
    N_(
        "result of %(given)s is %(years)s years old or more on %(day)s: the profile would no longer be in the pool"  # noqa: E501
    ),
    N_(
        "declared canadian_work_years %(canadian)s and foreign_work_years %(foreign)s disagree with the work history (%(canadian_counted)s and %(foreign_counted)s whole years of skilled work in the last %(window)s years); the work history is used"  # noqa: E501
    ),
    # the pages' own reading of the form
    N_("not valid JSON: %(detail)s"),
    # services/whatif.py: changes
    N_("%(word_ability)s from %(benchmark)s %(current)s to %(target_benchmark)s %(target)s (%(raw)s)"),
    N_("%(word_ability)s from %(benchmark)s %(current)s to %(target_benchmark)s %(target)s"),
    N_("all four first-language abilities to %(benchmark)s %(target)s"),
    N_("second official language (%(word_language)s) to %(benchmark)s %(target)s in all four abilities"),
    N_("add the spouse's %(word_language)s result, %(benchmark)s %(target)s in all four abilities"),
    N_("spouse's language to %(benchmark)s %(target)s in all four abilities"),
    N_("education from %(word_before)s to %(word_after)s"),
    N_("spouse's education from %(word_before)s to %(word_after)s"),
    N_("one more year of Canadian skilled work (%(before)s to %(after)s years)"),
    N_("one more year of the spouse's Canadian skilled work (%(before)s to %(after)s years)"),
    N_("declare %(word_first)s as the first official language and %(word_second)s as the second"),
    N_("a provincial nomination"),
    N_("add %(word_language)s as second official language, %(benchmark)s %(target)s in all four abilities"),
    N_("a Canadian post-secondary credential of three years or longer"),
    N_("a Canadian post-secondary credential of one or two years"),
    # rules/eligibility/explain.py: reasons (the most frequent)
    N_(
        "settlement funds: CAD %(needed)s needed for a family of %(size)s; none declared (exempt only when authorized to work in Canada with a job offer)"  # noqa: E501
    ),
    N_("a job offer or a Canadian certificate of qualification in the trade is needed"),
    N_("must be eligible for %(programs)s"),
    # rules/selection.py: why a stored profile is not in the pool; api/candidates.py
    N_("not yet submitted"),
    N_("withdrawn by the candidate"),
    N_("pool expiry"),
    N_("applied after an ITA"),
    N_("let an ITA expire"),
    N_("language result expired"),
    N_("meets no program"),
    N_("cannot be scored"),
    N_("no profile submitted"),
    # history/replay.py: a profile in a published round
    N_("eligible for %(word_program)s on %(day)s"),
    N_("not eligible for %(word_program)s on %(day)s"),
    N_("CRS %(crs)s on %(day)s is below the cut-off %(cutoff)s by %(gap)s"),
    N_("CRS %(crs)s on %(day)s is above the cut-off %(cutoff)s by %(gap)s"),
    N_("CRS %(crs)s on %(day)s equals the cut-off %(cutoff)s"),
    N_("no provincial nomination: this round invited Provincial Nominee Program candidates only"),
    N_("tie-break: submitted %(submitted)s, at or before the tie-break time %(tiebreak)s"),
    N_("tie-break: submitted %(submitted)s, after the tie-break time %(tiebreak)s"),
    N_("tie-break at %(tiebreak)s needs the profile's submitted_at"),
    # the pages' sign-in; services/invitations.py and the console's checks
    N_("the token is not valid: unknown, or its account was revoked"),
    N_("you hold no invitation from round %(round)s"),
    N_("no round %(round)s recorded"),
    N_("%(given)s is not a date (YYYY-MM-DD)"),
    N_("%(given)s is not a date-time (e.g. 2024-11-20T14:00:00Z)"),
    N_("%(given)s is before Express Entry began (%(day)s)"),
    N_("%(given)s is before the rules begin (%(day)s)"),
    N_("give --size N or a score range (--crs-min, --crs-max); --all invites everyone who qualifies"),
    # services/timeline.py: why the score moves
    N_("turns %(age)s"),
    N_("%(word_line)s: %(before)s to %(after)s points"),
    N_("the %(word_slot)s result of %(day)s is %(years)s years old: it no longer counts"),
    N_("%(years)s year of %(word_where)s skilled work counted (work history)"),
    N_("%(years)s years of %(word_where)s skilled work counted (work history)"),
    N_("the law changes on %(day)s: %(parameters)s"),
    N_("enters the pool: submitted at %(moment)s"),
    N_("leaves the pool at %(moment)s: %(months)s months after it was submitted"),
    N_("meets %(word_program)s"),
    N_("no longer meets %(word_program)s"),
    N_("eligible for the %(category)s category"),
    N_("no longer eligible for the %(category)s category"),
    N_("leaves the pool: meets none of FSW, CEC, FST"),
)


@dataclass(frozen=True)
class Wording:
    """One sentence of the engine: its msgid and the pattern that recognises it."""

    msgid: str
    pattern: re.Pattern[str]


# What a placeholder may hold, by its name (any text when not listed).
_NUMBER = r"-?[0-9][0-9,.]*"
_PLACEHOLDER_PATTERNS = {
    "benchmark": "CLB|NCLC",
    "target_benchmark": "CLB|NCLC",
    "current": _NUMBER,
    "target": _NUMBER,
    "age": _NUMBER,
    "before": _NUMBER,
    "after": _NUMBER,
    "size": _NUMBER,
    "needed": _NUMBER,
    "years": _NUMBER,
    "months": _NUMBER,
}


def _placeholder(name: str) -> str:
    if name.startswith("word_"):
        return "|".join(re.escape(word) for word in WORDS)
    return _PLACEHOLDER_PATTERNS.get(name, ".+?")


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", msgid)
    regex = ""
    for index, part in enumerate(parts):
        regex += re.escape(part) if index % 2 == 0 else f"(?P<{part}>{_placeholder(part)})"
    return re.compile(f"^{regex}$", re.DOTALL)


@functools.cache
def _wordings() -> tuple[Wording, ...]:
    # Longer wordings first: a sentence that ends with a detail matches the wording that names it.
    ordered = sorted(WORDINGS, key=lambda msgid: -len(re.sub(r"%\(\w+\)s", "", msgid)))
    return tuple(Wording(msgid, _pattern(msgid)) for msgid in ordered)


@dataclass(frozen=True)
class Shown:
    """A sentence of the engine as a page shows it: its text, and the language it is in."""

    text: str
    language: str

    def __str__(self) -> str:
        return self.text


def translate(sentence: str, code: str) -> Shown:
    """``sentence`` (the engine's English) in the language ``code``, when it is one the pages
    know; else as it is, marked English."""
    if code == ENGLISH.code:
        return Shown(sentence, ENGLISH.code)
    for wording in _wordings():
        found = wording.pattern.match(sentence)
        if found is None:
            continue
        values = {
            name: gettext(code, WORDS[value]) if name.startswith("word_") and value in WORDS else value
            for name, value in found.groupdict().items()
        }
        translated = gettext(code, wording.msgid)
        if translated == wording.msgid:  # not in the catalogue (the tests refuse that)
            return Shown(sentence, ENGLISH.code)
        return Shown(translated % values, code)
    return Shown(sentence, ENGLISH.code)
