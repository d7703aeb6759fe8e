"""Would this profile have been invited in a published round? Re-running IRCC's selection rule.

The rule (shared/spec/crs-and-programs.md §4.3, canada.ca round #205 page): candidates eligible
for the round are ranked by CRS; everyone above the lowest score invited is invited; "if more
than one candidate has the lowest score, the cut-off is based on the date and time they submitted
their Express Entry profiles": those at the cut-off who submitted at or before the published
tie-breaking time are invited. A program round invites only that program's candidates, a
provincial nominee round only candidates with a nomination, a category round only candidates who
meet the category with the list in force that day (§4.5; categories-and-provinces.md §1.6).

A profile stays in the pool 12 months after it was submitted (MI 2017-1 s.4(1), §4.1;
``rounds/pool_duration.yaml``), so a profile submitted after the round, or 12 months or more
before it, was not in that round's pool (the same calendar-month count as the pool's).

The score is the profile's CRS on the round's date under the rules of that date. Rounds before
#77 (2017-11-08) published no tie-break time: the tie-break rule had not been visibly used yet
(§4.3), so a profile exactly at the cut-off counts as invited there, and the reason says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openentry import rules
from openentry.history.provincial import ProvincialDraw
from openentry.history.rounds import PublishedRound
from openentry.profiles.columnar import ReadTable, columns_from_table, table_from_profiles
from openentry.profiles.schema import Profile
from openentry.rules import language, selection
from openentry.rules.eligibility.parameters import ProvincialStream
from openentry.rules.periods import utc_moment64
from openentry.rules.selection import Membership, PoolReason
from openentry.services.eligibility import ProfileEligibility, assess_profiles
from openentry.services.scoring import RawProfile, ScoredTable, score_read_table, validate_profiles

PROGRAM_NAMES = {
    "fsw": "Federal Skilled Worker Program",
    "cec": "Canadian Experience Class",
    "fst": "Federal Skilled Trades Program",
    "pnp": "Provincial Nominee Program",
}


def round_number_value(number: str) -> int | str:
    """IRCC's round number as JSON: an integer, or text for ``91a`` / ``91b``."""
    return int(number) if number.isdigit() else number


def _utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _round_moment(published: PublishedRound) -> datetime.datetime:
    """When the round was held: its published time, or the end of its day (UTC) when unknown or
    inconsistent with its date (#357)."""
    moment = published.draw_datetime
    if moment is None or moment.date() != published.date:
        return datetime.datetime.combine(published.date, datetime.time(23, 59, 59), tzinfo=datetime.UTC)
    return moment


@dataclass(frozen=True)
class ReplayDay:
    """The profiles on the day of a round or draw: as they could show it (work history as of the
    day), their eligibility, their CRS, and who was in the pool at its moment
    (:func:`openentry.rules.selection.membership`, the rule live rounds use)."""

    day: datetime.date
    moment: datetime.datetime
    profiles: list[Profile]
    submitted_at: NDArray[np.datetime64]  # NaT where the profile gives none
    assessed: list[ProfileEligibility]
    scored: ScoredTable
    membership: Membership

    def absence(self, row: int, event: str) -> str | None:
        """Why profile ``row`` was not in the pool at the ``event``'s moment, in words (None: it
        was, or nothing known says otherwise: a profile with no ``submitted_at`` is taken as
        submitted in time)."""
        reason = self.membership.reason_of(row)
        profile = self.profiles[row]
        submitted = profile.submitted_at
        if reason is None or reason is PoolReason.CANNOT_BE_SCORED:
            return None
        if reason is PoolReason.NOT_YET_SUBMITTED and submitted is not None:
            return f"profile submitted {_utc_text(submitted)}, after the {event} ({_utc_text(self.moment)})"
        if reason is PoolReason.POOL_EXPIRY and submitted is not None:
            months = rules.at(self.day).rounds.pool_duration_months
            return (
                f"profile submitted {_utc_text(submitted)} had expired ({months} months in the pool) "
                f"before the {event}"
            )
        if reason is PoolReason.LANGUAGE_EXPIRED:
            tested = profile.first_language.test_date
            years = rules.at(self.day).language.result_validity_years
            return (
                f"not in the pool on {self.day.isoformat()}: the first official language result of "
                f"{tested.isoformat() if tested else '?'} was {years} years old or more (MI 2017-1 s.3(4))"
            )
        line = self.assessed[row].line
        programs = line.get("programs", {})
        assert isinstance(programs, dict)
        why = "; ".join(
            f"{key.upper()}: {result['reasons'][0]}" for key, result in programs.items() if result["reasons"]
        )
        return f"not in the pool on {self.day.isoformat()}: meets no program ({why})"


def replay_day(prepared: PreparedProfiles, day: datetime.date, moment: datetime.datetime) -> ReplayDay:
    """Score, assess and place in (or out of) the pool every valid profile on ``day``."""
    scored = prepared.scored_on(day)
    profiles = [_history_as_of(profile, day) for profile in prepared.valid]
    assessed = assess_profiles(profiles, day)
    day_rules = rules.at(day)
    test_dates = np.array(
        [profile.first_language.test_date or np.datetime64("NaT") for profile in profiles],
        dtype="datetime64[D]",
    )
    meets_a_program: NDArray[np.bool_] = np.array(
        [
            not result.failed and any(program["eligible"] for program in result.line["programs"].values())  # type: ignore[attr-defined]
            for result in assessed
        ],
        dtype=np.bool_,
    )
    unscorable = np.zeros(len(profiles), dtype=bool)
    unscorable[list(scored.errors)] = True
    unscorable |= np.array([result.failed for result in assessed], dtype=bool)
    submitted_at = np.array(
        [utc_moment64(profile.submitted_at) for profile in profiles], dtype="datetime64[us]"
    )
    membership = selection.membership(
        submitted_at=submitted_at,
        moment=utc_moment64(moment),
        pool_duration_months=day_rules.rounds.pool_duration_months,
        language_expired=language.expired_on(test_dates, day, day_rules.language.result_validity_years),
        meets_a_program=meets_a_program,
        unscorable=unscorable,
    )
    return ReplayDay(day, moment, profiles, submitted_at, assessed, scored, membership)


@dataclass(frozen=True)
class RoundEligibility:
    """Who may be invited in a round: a mask over the profiles, the words for a refusal and, per
    profile, the eligibility engine's reasons for it."""

    mask: np.ndarray | None  # None: everyone in the pool may be
    refusal: str
    acceptance: str | None = None
    details: list[list[str]] | None = None

    def refusal_for(self, row: int) -> str:
        details = self.details[row] if self.details is not None else []
        return f"{self.refusal}: {'; '.join(details)}" if details else self.refusal


def _history_as_of(profile: Profile, day: datetime.date) -> Profile:
    """The profile with the work history it could show on ``day``: jobs begun later dropped, jobs
    running past ``day`` still ongoing on it."""
    jobs = [
        job if job.end is None or job.end <= day else job.model_copy(update={"end": None})
        for job in profile.work_history
        if job.start <= day
    ]
    return (
        profile if jobs == list(profile.work_history) else profile.model_copy(update={"work_history": jobs})
    )


def round_eligibility(published: PublishedRound, today: ReplayDay) -> RoundEligibility:
    """The round's program, nomination or category condition, checked for every profile as it
    stood on the round's date."""
    described = published.type
    on = published.date
    profiles = today.profiles
    if described.kind == "general":
        return RoundEligibility(None, "")
    if described.kind == "program" and described.program == "pnp":
        mask = np.array([profile.provincial_nomination for profile in profiles], dtype=bool)
        return RoundEligibility(
            mask,
            "no provincial nomination: this round invited Provincial Nominee Program candidates only",
            "has a provincial nomination (Provincial Nominee Program round)",
        )
    if described.kind not in ("program", "category"):
        return RoundEligibility(
            np.zeros(len(profiles), dtype=bool),
            f"round kind of {published.name!r} is not understood; not replayed",
        )
    if described.kind == "program":
        what = f"the {PROGRAM_NAMES[described.program or '']}"
        group, key = "programs", described.program or ""
    else:
        version = f" ({described.list_version_label} list)" if described.list_version_label else ""
        what = f"the {described.category} category{version}"
        group, key = "categories", described.category or ""
    lines = [assessed.line for assessed in today.assessed]
    if any(key not in line.get(group, {}) for line in lines if "error" not in line):  # type: ignore[operator]
        return RoundEligibility(
            np.zeros(len(profiles), dtype=bool), f"{what} cannot be checked: not in force on {on.isoformat()}"
        )
    results = [None if "error" in line else line[group][key] for line in lines]  # type: ignore[index]
    mask = np.array([bool(result and result["eligible"]) for result in results], dtype=bool)
    details = [
        list(result["reasons"]) if result else [f"{line['error']['field']}: {line['error']['message']}"]  # type: ignore[index]
        for result, line in zip(results, lines, strict=True)
    ]
    return RoundEligibility(
        mask,
        f"not eligible for {what} on {on.isoformat()}",
        f"eligible for {what} on {on.isoformat()}",
        details,
    )


def _reasons(
    published: PublishedRound,
    today: ReplayDay,
    row: int,
    eligibility: RoundEligibility,
) -> list[str]:
    """Why one scored profile was or was not invited, in the order the rule applies them (the
    decision itself is :func:`replay_round`'s, by :mod:`openentry.rules.selection`)."""
    reasons: list[str] = []
    cutoff = published.cutoff
    day = published.date.isoformat()
    crs = int(today.scored.scores.total[row])
    submitted = today.profiles[row].submitted_at
    absence = today.absence(row, "round")
    if absence is not None:
        reasons.append(absence)
    if eligibility.mask is not None:
        if eligibility.mask[row]:
            if eligibility.acceptance:
                reasons.append(eligibility.acceptance)
        else:
            reasons.append(eligibility.refusal_for(row))
    if cutoff is None:
        return [*reasons, "the round's cut-off score was not published"]
    if crs > cutoff:
        reasons.append(f"CRS {crs} on {day} is above the cut-off {cutoff} by {crs - cutoff}")
    elif crs < cutoff:
        reasons.append(f"CRS {crs} on {day} is below the cut-off {cutoff} by {cutoff - crs}")
    else:
        reasons.append(f"CRS {crs} on {day} equals the cut-off {cutoff}")
        tiebreak = published.tiebreak
        if tiebreak is None:
            if published.tiebreak_published:
                reasons.append(
                    f"tie-break time {published.tiebreak_published!r} cannot be read; tie not decided"
                )
            else:
                reasons.append(
                    "no tie-break time published for this round: everyone at the cut-off was invited"
                )
        elif submitted is None:
            reasons.append(f"tie-break at {_utc_text(tiebreak)} needs the profile's submitted_at")
        elif submitted <= tiebreak:
            reasons.append(
                f"tie-break: submitted {_utc_text(submitted)}, "
                f"at or before the tie-break time {_utc_text(tiebreak)}"
            )
        else:
            reasons.append(
                f"tie-break: submitted {_utc_text(submitted)}, after the tie-break time {_utc_text(tiebreak)}"
            )
    return reasons


def _published_tiebreak(published: PublishedRound) -> np.datetime64 | None:
    """The tie-break time the cut-off rule reads: None when IRCC published none (everyone at the
    cut-off was invited), NaT (no one at the cut-off decided) when what it published cannot be
    read."""
    if published.tiebreak is not None:
        return utc_moment64(published.tiebreak)
    return utc_moment64(None) if published.tiebreak_published else None


@dataclass(frozen=True)
class PreparedProfiles:
    """Profiles validated once (for replaying many rounds): the valid ones, as profiles and as the
    scorer's columns (read once, scored on each round's date), and the errors."""

    raw: Sequence[RawProfile]
    valid: list[Profile]
    positions: list[int]
    columns: ReadTable | None  # None when no profile is valid
    errors: dict[int, dict[str, object]]

    def scored_on(self, day: datetime.date) -> ScoredTable:
        assert self.columns is not None
        return score_read_table(self.columns, day)


def prepare_profiles(raw_profiles: Sequence[RawProfile], require_id: bool) -> PreparedProfiles:
    valid, positions, problems = validate_profiles(raw_profiles, require_id)
    errors: dict[int, dict[str, object]] = {}
    for position, problem in problems.items():
        raw_id = raw_profiles[position].raw_id
        errors[position] = {"id": raw_id if isinstance(raw_id, str) else None, "error": problem.as_dict()}
    columns = columns_from_table(table_from_profiles(valid)) if valid else None
    return PreparedProfiles(raw_profiles, valid, positions, columns, errors)


@dataclass(frozen=True)
class RoundOutcome:
    """Replay of one round for every valid profile (row order of ``PreparedProfiles.valid``):
    ``qualified``, in the pool and meeting the round's condition (§4.2); ``invited``, also
    selected by the published cut-off and tie-break (§4.3)."""

    qualified: list[bool]
    invited: list[bool]
    crs: list[int]
    reasons: list[list[str]]
    errors: dict[int, tuple[str, str]]  # rows the scorer refused on this date


def replay_round(published: PublishedRound, prepared: PreparedProfiles) -> RoundOutcome:
    """Score the valid profiles on the round's date and apply the round's selection rule, the
    one live rounds apply (:mod:`openentry.rules.selection`)."""
    if prepared.columns is None:
        return RoundOutcome([], [], [], [], {})
    today = replay_day(prepared, published.date, _round_moment(published))
    eligibility = round_eligibility(published, today)
    size = len(prepared.valid)
    conditions = [] if eligibility.mask is None else [eligibility.mask]
    qualified = selection.qualifies(today.membership.in_pool, np.zeros(size, dtype=bool), conditions)
    crs = today.scored.scores.total
    if published.cutoff is None:
        invited = np.zeros(size, dtype=bool)
    else:
        ids = np.array([profile.id or "" for profile in today.profiles], dtype=object)
        tiebreak = _published_tiebreak(published)
        invited = qualified & selection.invited_at_cutoff(
            crs, today.submitted_at, ids, published.cutoff, tiebreak
        )
    errors = dict(today.scored.errors)
    for row, assessed in enumerate(today.assessed):
        if assessed.failed and row not in errors:
            error = assessed.line["error"]
            errors[row] = (str(error["field"]), str(error["message"]))  # type: ignore[index]
    return RoundOutcome(
        qualified=[bool(flag) for flag in qualified],
        invited=[bool(flag) for flag in invited],
        crs=[int(score) for score in crs],
        reasons=[_reasons(published, today, row, eligibility) for row in range(size)],
        errors=errors,
    )


def _result_lines(
    prepared: PreparedProfiles,
    errors: dict[int, tuple[str, str]],
    line: Callable[[int, str | None], dict[str, object]],
) -> list[dict[str, object]]:
    """One line per input profile, in input order: its validation error, its error on the date,
    or ``line(row, id)``."""
    results: list[dict[str, object]] = [{} for _ in prepared.raw]
    for position, error_line in prepared.errors.items():
        results[position] = dict(error_line)
    for row, position in enumerate(prepared.positions):
        profile_id = prepared.valid[row].id
        if row in errors:
            field, message = errors[row]
            results[position] = {"id": profile_id, "error": {"field": field, "message": message}}
        else:
            results[position] = line(row, profile_id)
    return results


def check_round(published: PublishedRound, prepared: PreparedProfiles) -> list[dict[str, object]]:
    """One line per input profile: ``{"id", "round", "invited", "crs", "reasons"}`` or its error
    (interfaces.md §6)."""
    outcome = replay_round(published, prepared)
    return _result_lines(
        prepared,
        outcome.errors,
        lambda row, profile_id: {
            "id": profile_id,
            "round": round_number_value(published.number),
            "invited": outcome.invited[row],
            "qualified": outcome.qualified[row],
            "crs": outcome.crs[row],
            "reasons": outcome.reasons[row],
        },
    )


def check_all_rounds(
    rounds: Sequence[PublishedRound],
    prepared: PreparedProfiles,
    draws: Sequence[ProvincialDraw] = (),
    advance: Callable[[int], None] = lambda _count: None,
) -> list[dict[str, object]]:
    """One line per input profile: every published round it would have been invited in, and every
    Ontario draw it would have been notified in.

    ``{"id", "invited": bool, "rounds": [N, …], "invitations": [{"round", "date", "name", "crs",
    "cutoff"}, …], "notifications": [{"round", "date", "name", "crs", "crs_min", "crs_max"}, …],
    "possible": [… "unchecked": [str, …]]}``: ``possible`` lists the draws whose every published
    condition the profile met but one that cannot be checked. Rounds without a published cut-off
    are skipped. ``advance(1)`` is called after each round and draw (a progress bar).
    """
    results: list[dict[str, object]] = [{} for _ in prepared.raw]
    for position, line in prepared.errors.items():
        results[position] = dict(line)
    found: list[list[dict[str, object]]] = [[] for _ in prepared.valid]
    notified: list[list[dict[str, object]]] = [[] for _ in prepared.valid]
    possible: list[list[dict[str, object]]] = [[] for _ in prepared.valid]
    refused: dict[int, tuple[str, str]] = {}
    for published in rounds:
        advance(1)
        if published.cutoff is None:
            continue
        outcome = replay_round(published, prepared)
        for row in range(len(prepared.valid)):
            if row in outcome.errors:
                refused.setdefault(row, outcome.errors[row])
            elif outcome.invited[row]:
                found[row].append(
                    {
                        "round": round_number_value(published.number),
                        "date": published.date.isoformat(),
                        "name": published.name,
                        "crs": outcome.crs[row],
                        "cutoff": published.cutoff,
                    }
                )
    for draw in draws:
        draw_outcome = replay_draw(draw, prepared)
        advance(1)
        for row in range(len(prepared.valid)):
            if row in draw_outcome.errors:
                refused.setdefault(row, draw_outcome.errors[row])
                continue
            decision = draw_outcome.decisions[row]
            if not decision.invited and decision.decided:
                continue
            item: dict[str, object] = {
                "round": draw.number,
                "date": draw.date.isoformat(),
                "name": draw.name,
                "crs": decision.crs,
                "crs_min": draw.crs_min,
                "crs_max": draw.crs_max,
            }
            if decision.invited:
                notified[row].append(item)
            else:
                possible[row].append({**item, "unchecked": decision.unchecked})
    for row, position in enumerate(prepared.positions):
        profile_id = prepared.valid[row].id
        results[position] = {
            "id": profile_id,
            "invited": bool(found[row]),
            "rounds": [item["round"] for item in found[row]],
            "invitations": found[row],
        }
        if draws:
            results[position]["notifications"] = notified[row]
            results[position]["possible"] = possible[row]
        if row in refused:
            field, message = refused[row]
            results[position]["warnings"] = [
                {"field": field, "message": f"not scored on some dates: {message}"}
            ]
    return results


# Ontario's draws (categories-and-provinces.md §3.1, §3.5): a notification of interest went to the
# profiles in the federal pool that met the stream, showed interest in Ontario or all provinces,
# were created inside the draw's window, had their primary NOC on a targeted draw's list (with,
# from 2024-07-25, six months of experience in it) and a CRS inside the published range.


@dataclass(frozen=True)
class DrawDecision:
    """One profile against one Ontario draw. ``decided`` is False when a condition the draw applied
    cannot be checked from what was published (then ``invited`` is False and ``unchecked`` says why)."""

    invited: bool
    decided: bool
    crs: int
    reasons: list[str]
    unchecked: list[str]


def _draw_moment(draw: ProvincialDraw) -> datetime.datetime:
    """Ontario publishes the day of a draw, not its time: the end of that day (UTC)."""
    return datetime.datetime.combine(draw.date, datetime.time(23, 59, 59), tzinfo=datetime.UTC)


def _stream_rule(draw: ProvincialDraw) -> ProvincialStream | None:
    for stream in rules.at(draw.date).eligibility.streams:
        if stream.key == draw.stream_info.key:
            return stream
    return None


def _decide_draw(
    draw: ProvincialDraw,
    today: ReplayDay,
    row: int,
    stream: ProvincialStream | None,
) -> DrawDecision:
    refusals: list[str] = []
    accepted: list[str] = []
    unchecked: list[str] = []
    day = draw.date.isoformat()
    profile = today.profiles[row]
    assessed = today.assessed[row]
    crs = int(today.scored.scores.total[row])
    submitted = profile.submitted_at
    absence = today.absence(row, "draw")
    if absence is not None:
        refusals.append(absence)
    if draw.profiles_from is not None and draw.profiles_to is not None:
        window = f"{draw.profiles_from.isoformat()} to {draw.profiles_to.isoformat()}"
        if submitted is None:
            unchecked.append(f"the draw took profiles created {window}; the profile has no submitted_at")
        elif draw.profiles_from <= submitted.date() <= draw.profiles_to:
            accepted.append(
                f"profile created {submitted.date().isoformat()}, inside the draw's window {window}"
            )
        else:
            refusals.append(
                f"profile created {submitted.date().isoformat()}, outside the draw's window {window}"
            )
    name = draw.stream_info.name
    if stream is None:
        refusals.append(f"the Ontario {name} stream was not in force on {day}")
    else:
        line = assessed.line["provincial"][stream.key]  # type: ignore[index]
        if line["eligible"]:
            accepted.append(f"meets the Ontario {name} stream on {day}")
        else:
            refusals.append(
                f"does not meet the Ontario {name} stream on {day}: " + "; ".join(line["reasons"])
            )
    targets = draw.targets
    if targets is not None and targets.federal_program is not None:
        program = targets.federal_program
        if assessed.line["programs"][program]["eligible"]:  # type: ignore[index]
            accepted.append(
                f"eligible for {PROGRAM_NAMES[program]} (the draw notified {program.upper()} candidates only)"
            )
        else:
            refusals.append(
                f"not eligible for {PROGRAM_NAMES[program]}: "
                f"the draw notified {program.upper()} candidates only"
            )
    _targeting(draw, profile, assessed, stream, accepted, refusals, unchecked)
    if draw.crs_min is None:
        unchecked.append("the draw's CRS range was not published")
    elif crs < draw.crs_min:
        refusals.append(
            f"CRS {crs} on {day} is below the lowest score notified, {draw.crs_min}, by {draw.crs_min - crs}"
        )
    elif draw.crs_max is not None and crs > draw.crs_max:
        refusals.append(
            f"CRS {crs} on {day} is above the highest score notified, {draw.crs_max}, "
            f"by {crs - draw.crs_max} "
            f"(Ontario notified CRS {draw.crs_min} to {draw.crs_max})"
        )
    elif draw.crs_max is None:
        accepted.append(
            f"CRS {crs} on {day} is at or above the lowest score notified, {draw.crs_min} "
            "(highest not published)"
        )
    else:
        accepted.append(f"CRS {crs} on {day} is inside the range notified, {draw.crs_min} to {draw.crs_max}")
    decided = bool(refusals) or not unchecked
    invited = decided and not refusals
    reasons = refusals + accepted if refusals else accepted
    if not decided:
        reasons = [*accepted, *(f"not decided: {item}" for item in unchecked)]
    return DrawDecision(invited, decided, crs, reasons, unchecked)


def _targeting(
    draw: ProvincialDraw,
    profile: Profile,
    assessed: ProfileEligibility,
    stream: ProvincialStream | None,
    accepted: list[str],
    refusals: list[str],
    unchecked: list[str],
) -> None:
    """The occupation list of a targeted draw, on the primary NOC, and the months of experience in it."""
    if draw.targeted is False:
        accepted.append("general draw: no occupation list")
        return
    targets = draw.targets
    if targets is None or not targets.include:
        if draw.targeted is None:
            unchecked.append("the sources do not say whether this draw targeted occupations")
        else:
            count = f"{draw.target_noc_count} " if draw.target_noc_count else ""
            unchecked.append(f"the draw targeted {count}occupations whose list is not in the bundled data")
        return
    inferred = " (list partly inferred, see its source)" if targets.inferred else ""
    primary = profile.primary_noc
    if primary is None:
        refusals.append(
            f"the draw targeted primary NOCs {targets.describe()}; the profile has no primary_noc"
        )
        return
    if not targets.matches(primary):
        refusals.append(f"primary NOC {primary} is not on the draw's list: {targets.describe()}{inferred}")
        return
    accepted.append(f"primary NOC {primary} is on the draw's list{inferred}")
    months = stream.targeted_draw_primary_noc_months if stream is not None else None
    if months is None or stream is None:
        return
    per_year = rules.at(draw.date).eligibility.programs.hours_per_year
    needed = months * per_year / 12
    hours = assessed.primary_noc_hours.get(stream.key, 0.0)
    if not profile.work_history:
        unchecked.append(
            f"a targeted draw on {draw.date.isoformat()} needs {months} months ({needed:,.0f} hours) of work "
            f"in the primary NOC; the profile has no work_history to count it"
        )
    elif hours + 1e-6 < needed:
        refusals.append(
            f"{hours:,.0f} hours of work in primary NOC {primary} within the stream's window; "
            f"{months} months ({needed:,.0f} hours) needed"
        )
    else:
        accepted.append(
            f"{hours:,.0f} hours of work in primary NOC {primary}; "
            f"{months} months ({needed:,.0f} hours) needed"
        )


@dataclass(frozen=True)
class DrawOutcome:
    """Replay of one draw for every valid profile (row order of ``PreparedProfiles.valid``)."""

    decisions: dict[int, DrawDecision]
    errors: dict[int, tuple[str, str]]


def replay_draw(draw: ProvincialDraw, prepared: PreparedProfiles) -> DrawOutcome:
    """Score the valid profiles on the draw's date and apply what the draw selected on."""
    if prepared.columns is None:
        return DrawOutcome({}, {})
    today = replay_day(prepared, draw.date, _draw_moment(draw))
    errors = dict(today.scored.errors)
    stream = _stream_rule(draw)
    decisions: dict[int, DrawDecision] = {}
    for row, assessed in enumerate(today.assessed):
        if row in errors:
            continue
        if assessed.failed:
            error = assessed.line["error"]
            errors[row] = (str(error["field"]), str(error["message"]))  # type: ignore[index]
            continue
        decisions[row] = _decide_draw(draw, today, row, stream)
    return DrawOutcome(decisions, errors)


def check_draw(draw: ProvincialDraw, prepared: PreparedProfiles) -> list[dict[str, object]]:
    """One line per input profile: ``{"id", "round", "kind": "noi", "invited", "decided", "crs",
    "reasons"}`` or its error."""
    outcome = replay_draw(draw, prepared)
    return _result_lines(
        prepared,
        outcome.errors,
        lambda row, profile_id: {
            "id": profile_id,
            "round": draw.number,
            "kind": "noi",
            "invited": outcome.decisions[row].invited,
            "decided": outcome.decisions[row].decided,
            "crs": outcome.decisions[row].crs,
            "reasons": outcome.decisions[row].reasons,
        },
    )
