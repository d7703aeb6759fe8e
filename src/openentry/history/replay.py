"""Would this profile have been invited in a published round? Re-running IRCC's selection rule.

The rule (shared/spec/crs-and-programs.md §4.3, canada.ca round #205 page): candidates eligible
for the round are ranked by CRS; everyone above the lowest score invited is invited; "if more
than one candidate has the lowest score, the cut-off is based on the date and time they submitted
their Express Entry profiles": those at the cut-off who submitted at or before the published
tie-breaking time are invited. A program round invites only that program's candidates, a
provincial nominee round only candidates with a nomination, a category round only candidates who
meet the category with the list in force that day (§4.5; categories-and-provinces.md §1.6).

A profile stays in the pool 12 months after it was submitted (MI 2017-1 s.4(1), §4.1), so a
profile submitted after the round, or more than 12 months before it, was not in that round's pool.

The score is the profile's CRS on the round's date under the rules of that date. Rounds before
#77 (2017-11-08) published no tie-break time: the tie-break rule had not been visibly used yet
(§4.3), so a profile exactly at the cut-off counts as invited there, and the reason says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from openentry.history.rounds import PublishedRound
from openentry.profiles.columnar import table_from_profiles
from openentry.profiles.schema import Profile
from openentry.services.scoring import RawProfile, ScoredTable, score_table, validate_profiles

PROGRAM_NAMES = {
    "fsw": "Federal Skilled Worker Program",
    "cec": "Canadian Experience Class",
    "fst": "Federal Skilled Trades Program",
    "pnp": "Provincial Nominee Program",
}

EligibilityMask = Callable[..., np.ndarray]


def _eligibility_function() -> EligibilityMask | None:
    """``openentry.services.eligibility.eligible_mask`` when that service is installed."""
    try:
        from openentry.services.eligibility import eligible_mask
    except ImportError:
        return None
    return eligible_mask


def round_number_value(number: str) -> int | str:
    """IRCC's round number as JSON: an integer, or text for ``91a`` / ``91b``."""
    return int(number) if number.isdigit() else number


def _utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _one_year_after(moment: datetime.datetime) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def _round_moment(published: PublishedRound) -> datetime.datetime:
    """When the round was held: its published time, or the end of its day (UTC) when unknown or
    inconsistent with its date (#357)."""
    moment = published.draw_datetime
    if moment is None or moment.date() != published.date:
        return datetime.datetime.combine(published.date, datetime.time(23, 59, 59), tzinfo=datetime.UTC)
    return moment


@dataclass(frozen=True)
class RoundEligibility:
    """Who may be invited in a round: a mask over the profiles, and the words for a refusal."""

    mask: np.ndarray | None  # None: everyone in the pool may be
    refusal: str
    acceptance: str | None = None


def round_eligibility(
    published: PublishedRound, profiles: Sequence[Profile], table: pa.Table
) -> RoundEligibility:
    """The round's program, nomination or category condition, checked for every profile."""
    described = published.type
    on = published.date
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
    eligible_mask = _eligibility_function()
    if described.kind == "program":
        name = PROGRAM_NAMES[described.program or ""]
        what = f"the {name}"
        keyword = {"program": described.program}
    else:
        version = f" ({described.list_version_label} list)" if described.list_version_label else ""
        what = f"the {described.category} category{version}"
        keyword = {"category": described.category}
    if eligible_mask is None:
        return RoundEligibility(
            np.zeros(len(profiles), dtype=bool),
            f"eligibility for {what} on {on.isoformat()} could not be checked: "
            "the eligibility engine is not installed",
        )
    try:
        mask = np.asarray(eligible_mask(table, on, **keyword), dtype=bool)
    except ValueError as error:
        return RoundEligibility(np.zeros(len(profiles), dtype=bool), f"{what} cannot be checked: {error}")
    return RoundEligibility(
        mask, f"not eligible for {what} on {on.isoformat()}", f"eligible for {what} on {on.isoformat()}"
    )


def _decide(
    published: PublishedRound,
    profile: Profile,
    crs: int,
    eligible: bool,
    eligibility: RoundEligibility,
) -> tuple[bool, list[str]]:
    """Whether one scored profile was invited, and the reasons, in the order the rule applies them."""
    reasons: list[str] = []
    invited = True
    cutoff = published.cutoff
    day = published.date.isoformat()
    moment = _round_moment(published)
    submitted = profile.submitted_at
    if submitted is not None:
        if submitted > moment:
            invited = False
            reasons.append(f"profile submitted {_utc_text(submitted)}, after the round ({_utc_text(moment)})")
        elif _one_year_after(submitted) < moment:
            invited = False
            reasons.append(
                f"profile submitted {_utc_text(submitted)} had expired "
                "(12 months in the pool) before the round"
            )
    if eligibility.mask is not None:
        if eligible:
            if eligibility.acceptance:
                reasons.append(eligibility.acceptance)
        else:
            invited = False
            reasons.append(eligibility.refusal)
    if cutoff is None:
        return False, [*reasons, "the round's cut-off score was not published"]
    if crs > cutoff:
        reasons.append(f"CRS {crs} on {day} is above the cut-off {cutoff} by {crs - cutoff}")
    elif crs < cutoff:
        invited = False
        reasons.append(f"CRS {crs} on {day} is below the cut-off {cutoff} by {cutoff - crs}")
    else:
        reasons.append(f"CRS {crs} on {day} equals the cut-off {cutoff}")
        tiebreak = published.tiebreak
        if tiebreak is None:
            if published.tiebreak_published:
                invited = False
                reasons.append(
                    f"tie-break time {published.tiebreak_published!r} cannot be read; tie not decided"
                )
            else:
                reasons.append(
                    "no tie-break time published for this round: everyone at the cut-off was invited"
                )
        elif submitted is None:
            invited = False
            reasons.append(f"tie-break at {_utc_text(tiebreak)} needs the profile's submitted_at")
        elif submitted <= tiebreak:
            reasons.append(
                f"tie-break: submitted {_utc_text(submitted)}, "
                f"at or before the tie-break time {_utc_text(tiebreak)}"
            )
        else:
            invited = False
            reasons.append(
                f"tie-break: submitted {_utc_text(submitted)}, after the tie-break time {_utc_text(tiebreak)}"
            )
    return invited, reasons


@dataclass(frozen=True)
class PreparedProfiles:
    """Profiles validated once (for replaying many rounds): the valid ones as a table, and errors."""

    raw: Sequence[RawProfile]
    valid: list[Profile]
    positions: list[int]
    table: pa.Table | None
    errors: dict[int, dict[str, object]]


def prepare_profiles(raw_profiles: Sequence[RawProfile], require_id: bool) -> PreparedProfiles:
    valid, positions, problems = validate_profiles(raw_profiles, require_id)
    errors: dict[int, dict[str, object]] = {}
    for position, problem in problems.items():
        raw_id = raw_profiles[position].raw_id
        errors[position] = {"id": raw_id if isinstance(raw_id, str) else None, "error": problem.as_dict()}
    table = table_from_profiles(valid) if valid else None
    return PreparedProfiles(raw_profiles, valid, positions, table, errors)


@dataclass(frozen=True)
class RoundOutcome:
    """Replay of one round for every valid profile (row order of ``PreparedProfiles.valid``)."""

    invited: list[bool]
    crs: list[int]
    reasons: list[list[str]]
    errors: dict[int, tuple[str, str]]  # rows the scorer refused on this date


def replay_round(published: PublishedRound, prepared: PreparedProfiles) -> RoundOutcome:
    """Score the valid profiles on the round's date and apply the round's selection rule."""
    if prepared.table is None:
        return RoundOutcome([], [], [], {})
    scored: ScoredTable = score_table(prepared.table, published.date)
    eligibility = round_eligibility(published, prepared.valid, prepared.table)
    invited: list[bool] = []
    scores: list[int] = []
    reasons: list[list[str]] = []
    for row, profile in enumerate(prepared.valid):
        crs = int(scored.scores.total[row])
        eligible = True if eligibility.mask is None else bool(eligibility.mask[row])
        decision, why = _decide(published, profile, crs, eligible, eligibility)
        invited.append(decision and row not in scored.errors)
        scores.append(crs)
        reasons.append(why)
    return RoundOutcome(invited, scores, reasons, dict(scored.errors))


def check_round(published: PublishedRound, prepared: PreparedProfiles) -> list[dict[str, object]]:
    """One line per input profile: ``{"id", "round", "invited", "crs", "reasons"}`` or its error
    (interfaces.md §6)."""
    outcome = replay_round(published, prepared)
    results: list[dict[str, object]] = [{} for _ in prepared.raw]
    for position, line in prepared.errors.items():
        results[position] = dict(line)
    for row, position in enumerate(prepared.positions):
        profile_id = prepared.valid[row].id
        if row in outcome.errors:
            field, message = outcome.errors[row]
            results[position] = {"id": profile_id, "error": {"field": field, "message": message}}
            continue
        results[position] = {
            "id": profile_id,
            "round": round_number_value(published.number),
            "invited": outcome.invited[row],
            "crs": outcome.crs[row],
            "reasons": outcome.reasons[row],
        }
    return results


def check_all_rounds(rounds: Sequence[PublishedRound], prepared: PreparedProfiles) -> list[dict[str, object]]:
    """One line per input profile: every published round it would have been invited in.

    ``{"id", "invited": bool, "rounds": [N, …], "invitations": [{"round", "date", "name", "crs",
    "cutoff"}, …]}``; rounds without a published cut-off are skipped.
    """
    results: list[dict[str, object]] = [{} for _ in prepared.raw]
    for position, line in prepared.errors.items():
        results[position] = dict(line)
    found: list[list[dict[str, object]]] = [[] for _ in prepared.valid]
    refused: dict[int, tuple[str, str]] = {}
    for published in rounds:
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
    for row, position in enumerate(prepared.positions):
        profile_id = prepared.valid[row].id
        results[position] = {
            "id": profile_id,
            "invited": bool(found[row]),
            "rounds": [item["round"] for item in found[row]],
            "invitations": found[row],
        }
        if row in refused:
            field, message = refused[row]
            results[position]["warnings"] = [
                {"field": field, "message": f"not scored on some dates: {message}"}
            ]
    return results
