"""Program, category and provincial-stream eligibility as array formulas (crs-and-programs.md §3,
categories-and-provinces.md §1.3, §3).

Every requirement is a boolean array (one entry per candidate) kept with the numbers behind it,
so that a decision can explain itself: :class:`Requirement` holds ``met`` and the measured value.
FSW: 1 year continuous skilled work in one occupation in 10 years, CLB 7 in all four abilities of
the first official language, education, 67/100 on the six factors, funds (unless authorized to
work in Canada with a job offer). CEC: 1 year of Canadian skilled work in 3 years (no
self-employment, no full-time-student work), CLB 7 for TEER 0/1 experience and 5 for TEER 2/3.
FSTP: 2 years in a trade in 5, CLB 5/5/4/4, a job offer or a certificate of qualification, funds.
Language results 2 years old or more take a candidate out of every program (MI 2017-1 s.3(4)).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openentry.rules import codes
from openentry.rules.candidates import CandidateFactors
from openentry.rules.eligibility.parameters import (
    EligibilityRules,
    OccupationCategory,
    ProvincialStream,
)
from openentry.rules.eligibility.work import (
    BestOccupation,
    Jobs,
    best_single_occupation,
    hours_in_window,
    reaches,
    total_hours,
    whole_years,
)
from openentry.rules.noc import catalogue
from openentry.rules.snapshot import RulesSnapshot

Flags = NDArray[np.bool_]
Numbers = NDArray[np.int64]


@dataclass(frozen=True)
class EligibilityFacts:
    """Profile facts the programs read beyond the CRS factors (interfaces.md §1)."""

    has_work_history: Flags
    primary_noc: Numbers  # -1: none
    interested_provinces: NDArray[np.bool_]  # (n, len(codes.PROVINCES)), ALL sets every column
    relative_in_canada: Flags
    canadian_study_years: Numbers
    spouse_canadian_study_years: Numbers
    spouse_canadian_work_full_time_years: Numbers
    work_authorized_in_canada: Flags
    settlement_funds: NDArray[np.float64]  # NaN: not declared
    family_size: Numbers
    spouse_accompanying: Flags
    jobs: Jobs


@dataclass(frozen=True)
class WorkFactors:
    """Experience derived from the work history (or the declared years where none is given)."""

    canadian_skilled_years: Numbers
    foreign_skilled_years: Numbers
    skilled_years: Numbers
    fsw_best: BestOccupation  # continuous skilled work in one occupation, 10 years
    cec_hours: NDArray[np.float64]
    cec_teer_0_1_hours: NDArray[np.float64]
    fst_hours: NDArray[np.float64]
    declared_disagrees: Flags
    # What the trade occupation with the most hours is only words a reason; it is worked out when
    # a reason asks for it (the pool's rounds never do).
    fst_trade_jobs: tuple[Jobs, NDArray[np.float64], Flags]

    @functools.cached_property
    def fst_best_noc(self) -> Numbers:
        """Per candidate, the trade occupation with the most hours in the FST window (-1: none)."""
        jobs, window_hours, trade = self.fst_trade_jobs
        return best_single_occupation(jobs, window_hours, trade, self.size, continuous=False).noc

    @property
    def size(self) -> int:
        return int(self.skilled_years.shape[0])


@dataclass(frozen=True)
class FundsCheck:
    required: Numbers
    exempt: Flags
    met: Flags


@dataclass(frozen=True)
class FswAssessment:
    grid: dict[str, Numbers]
    points: Numbers
    experience_met: Flags
    language_met: Flags
    education_met: Flags
    grid_met: Flags
    eligible: Flags


@dataclass(frozen=True)
class CecAssessment:
    experience_met: Flags
    required_clb: Numbers
    language_met: Flags
    eligible: Flags


@dataclass(frozen=True)
class FstAssessment:
    experience_met: Flags
    language_met: Flags
    offer_or_certificate: Flags
    eligible: Flags


@dataclass(frozen=True)
class CategoryAssessment:
    best: BestOccupation
    needed_hours: float
    experience_met: Flags
    education_met: Flags
    job_offer_met: Flags
    eligible: Flags  # the category requirement and at least one federal program


@dataclass(frozen=True)
class StreamAssessment:
    programs_met: Flags
    interest_met: Flags
    education_met: Flags
    language_met: Flags
    experience_hours: NDArray[np.float64]
    experience_met: Flags
    funds_met: Flags
    targeted_match: Flags
    eligible: Flags
    # Hours inside the stream's experience window in jobs of the candidate's primary NOC (targeted
    # draws ask for some months of it, categories-and-provinces.md §3.1).
    primary_noc_hours: NDArray[np.float64]


@dataclass(frozen=True)
class Assessment:
    work: WorkFactors
    funds: FundsCheck
    fsw: FswAssessment
    cec: CecAssessment
    fst: FstAssessment
    in_pool: Flags  # eligible for at least one of FSW, CEC, FST
    categories: dict[str, CategoryAssessment]
    french: Flags | None
    streams: dict[str, StreamAssessment]


def _lookup(table: NDArray[np.int16], index: Numbers) -> Numbers:
    return table[np.clip(index, 0, table.shape[0] - 1)].astype(np.int64)


def work_factors(rules: EligibilityRules, day_rules: RulesSnapshot, factors: CandidateFactors,
                 facts: EligibilityFacts) -> WorkFactors:
    """Years and hours of experience on the day (crs-and-programs.md §3; interfaces.md §1)."""
    programs = rules.programs
    jobs = facts.jobs
    size = factors.size
    day = day_rules.day
    full_time = programs.full_time_hours_per_week
    teer = np.where(jobs.noc >= 0, catalogue().teer_by_code[np.clip(jobs.noc, 0, None)], -1)
    skilled = np.isin(teer, programs.skilled_teers)
    declared_hours = hours_in_window(jobs, day, programs.declared_years_window, full_time)
    canadian_hours = total_hours(jobs, declared_hours, skilled & jobs.in_canada, size)
    foreign_hours = total_hours(jobs, declared_hours, skilled & ~jobs.in_canada, size)
    canadian = whole_years(canadian_hours, programs.hours_per_year)
    foreign = whole_years(foreign_hours, programs.hours_per_year)
    has_history = facts.has_work_history
    declared_canadian = factors.canadian_work_years.astype(np.int64)
    declared_foreign = factors.foreign_work_years.astype(np.int64)
    disagrees = has_history & ((canadian != declared_canadian) | (foreign != declared_foreign))
    canadian_years = np.where(has_history, canadian, declared_canadian)
    foreign_years = np.where(has_history, foreign, declared_foreign)
    fsw_hours = hours_in_window(jobs, day, programs.fsw.experience.window_years, full_time)
    fsw_best = best_single_occupation(jobs, fsw_hours, skilled, size, continuous=True)
    cec_window = hours_in_window(jobs, day, programs.cec_experience.window_years, full_time)
    cec_jobs = skilled & jobs.in_canada & ~jobs.self_employed & ~jobs.full_time_student
    cec_hours = total_hours(jobs, cec_window, cec_jobs, size)
    high_teer = cec_jobs & (teer >= 0) & (teer <= 1)
    cec_teer_0_1_hours = total_hours(jobs, cec_window, high_teer, size)
    fst_window = hours_in_window(jobs, day, programs.fst_experience.window_years, full_time)
    trade = programs.fst_trades[np.clip(jobs.noc, 0, None)] & (jobs.noc >= 0)
    fst_hours = total_hours(jobs, fst_window, trade, size)
    return WorkFactors(
        canadian_skilled_years=canadian_years,
        foreign_skilled_years=foreign_years,
        skilled_years=canadian_years + foreign_years,
        fsw_best=fsw_best,
        cec_hours=cec_hours,
        cec_teer_0_1_hours=cec_teer_0_1_hours,
        fst_hours=fst_hours,
        declared_disagrees=disagrees,
        fst_trade_jobs=(jobs, fst_window, trade),
    )


def funds_check(rules: EligibilityRules, factors: CandidateFactors, facts: EligibilityFacts) -> FundsCheck:
    """Proof of funds by family size (crs-and-programs.md §3.5);
    exempt with work authorization and a job offer."""
    programs = rules.programs
    table = programs.funds_by_family_size
    largest = table.shape[0] - 1
    size = facts.family_size
    required = (table[np.clip(size, 1, largest)]
                + np.maximum(size - largest, 0) * programs.funds_each_additional)
    exempt = facts.work_authorized_in_canada & (factors.job_offer != 0)
    met = exempt | (~np.isnan(facts.settlement_funds) & (np.nan_to_num(facts.settlement_funds) >= required))
    return FundsCheck(required=required.astype(np.int64), exempt=exempt, met=met)


def has_relative_in_canada(factors: CandidateFactors, facts: EligibilityFacts) -> Flags:
    """FSW adaptability "relative in Canada": the applicant or accompanying spouse has a relative
    18 or older in Canada, a citizen or permanent resident (parent, grandparent, child, grandchild,
    sibling, aunt or uncle, niece or nephew; crs-and-programs.md §3.2). A sibling in Canada (the
    CRS's ``sibling_in_canada``) is such a relative; either flag gives the element once."""
    return facts.relative_in_canada | factors.sibling_in_canada


def fsw_grid(rules: EligibilityRules, factors: CandidateFactors, facts: EligibilityFacts,
             work: WorkFactors) -> dict[str, Numbers]:
    """The six selection factors, points each (crs-and-programs.md §3.2)."""
    fsw = rules.programs.fsw
    adaptability = fsw.adaptability
    language = _lookup(fsw.first_language_points, factors.first_language.astype(np.int64)).sum(axis=1)
    second_met = (factors.second_language >= fsw.second_language_minimum).all(axis=1)
    language = language + np.where(second_met, fsw.second_language_points, 0)
    education = fsw.education_points[factors.education].astype(np.int64)
    experience = _lookup(fsw.experience_points, work.skilled_years)
    age = _lookup(fsw.age_points, factors.age.astype(np.int64))
    has_offer = factors.job_offer != 0
    arranged = np.where(has_offer, fsw.arranged_employment_points, 0)

    def element(name: str) -> dict[str, int]:
        value = adaptability[name]
        assert isinstance(value, dict)
        return value

    def points(name: str) -> int:
        value = adaptability[name]
        assert isinstance(value, int)
        return value

    spouse = facts.spouse_accompanying & factors.with_spouse
    spouse_lowest = factors.spouse_language.astype(np.int64).min(axis=1)
    spouse_language = spouse_lowest >= element("spouse_language")["minimum_clb"]
    adapt = (
        np.where(spouse & spouse_language, element("spouse_language")["points"], 0)
        + np.where(facts.canadian_study_years >= element("canadian_study")["minimum_years"],
                   element("canadian_study")["points"], 0)
        + np.where(spouse & (facts.spouse_canadian_study_years
                             >= element("spouse_canadian_study")["minimum_years"]),
                   element("spouse_canadian_study")["points"], 0)
        + np.where(work.canadian_skilled_years >= element("canadian_work")["minimum_years"],
                   element("canadian_work")["points"], 0)
        + np.where(spouse & (facts.spouse_canadian_work_full_time_years
                             >= element("spouse_canadian_work")["minimum_years"]),
                   element("spouse_canadian_work")["points"], 0)
        + np.where(has_offer, points("arranged_employment"), 0)
        + np.where(has_relative_in_canada(factors, facts), points("relative_in_canada"), 0)
    )
    return {
        "language": language.astype(np.int64),
        "education": education,
        "experience": experience,
        "age": age,
        "arranged_employment": arranged.astype(np.int64),
        "adaptability": np.minimum(adapt, points("cap")).astype(np.int64),
    }


def _category(rules: EligibilityRules, category: OccupationCategory, day_rules: RulesSnapshot,
              factors: CandidateFactors, facts: EligibilityFacts, in_pool: Flags) -> CategoryAssessment:
    jobs = facts.jobs
    hours = hours_in_window(jobs, day_rules.day, category.window_years,
                            rules.programs.full_time_hours_per_week)
    listed = category.nocs[np.clip(jobs.noc, 0, None)] & (jobs.noc >= 0)
    if category.canadian_experience_only:
        listed = listed & jobs.in_canada
    best = best_single_occupation(jobs, hours, listed, factors.size, continuous=category.continuous)
    needed = category.months * rules.programs.hours_per_year / 12
    experience_met = reaches(best.hours, needed)
    education_met = (np.ones(factors.size, dtype=np.bool_) if category.minimum_education is None
                     else factors.education >= category.minimum_education)
    offer_met = ((factors.job_offer != 0) if category.job_offer_required
                 else np.ones(factors.size, dtype=np.bool_))
    eligible = experience_met & education_met & offer_met & in_pool
    return CategoryAssessment(best, needed, experience_met, education_met, offer_met, eligible)


def _stream(rules: EligibilityRules, stream: ProvincialStream, day_rules: RulesSnapshot,
            factors: CandidateFactors, facts: EligibilityFacts, programs: dict[str, Flags],
            funds: FundsCheck) -> StreamAssessment:
    size = factors.size
    everyone = np.ones(size, dtype=np.bool_)
    programs_met = np.zeros(size, dtype=np.bool_)
    for program in stream.federal_programs:
        programs_met |= programs[program]
    interest = facts.interested_provinces[:, codes.PROVINCES.index(stream.province)]
    education = (everyone if stream.minimum_education is None
                 else factors.education >= stream.minimum_education)
    language = everyone.copy()
    # A result too old on the day counts for nothing (the streams ask for a test under 2 years old).
    has_english = factors.has_english & ~factors.english_expired
    has_french = factors.has_french & ~factors.french_expired
    if stream.minimum_clb_any_official is not None:
        best = np.maximum(np.where(has_english, factors.english.min(axis=1), 0),
                          np.where(has_french, factors.french.min(axis=1), 0))
        language &= best >= stream.minimum_clb_any_official
    if stream.minimum_nclc_french is not None:
        language &= has_french & (factors.french.min(axis=1) >= stream.minimum_nclc_french)
    if stream.minimum_clb_english is not None:
        language &= has_english & (factors.english.min(axis=1) >= stream.minimum_clb_english)
    jobs = facts.jobs
    programs_rules = rules.programs
    teer = np.where(jobs.noc >= 0, catalogue().teer_by_code[np.clip(jobs.noc, 0, None)], -1)
    selected = np.isin(teer, programs_rules.skilled_teers)
    if stream.experience_nocs is not None:
        selected = stream.experience_nocs[np.clip(jobs.noc, 0, None)] & (jobs.noc >= 0)
    if stream.experience_canadian_only:
        selected = selected & jobs.in_canada
    hours = hours_in_window(jobs, day_rules.day, stream.experience.window_years,
                            programs_rules.full_time_hours_per_week)
    experience_hours = total_hours(jobs, hours, selected, size)
    experience = reaches(experience_hours, stream.experience.years * programs_rules.hours_per_year)
    funds_met = funds.met if stream.settlement_funds else everyone
    targeted = (stream.targeted.nocs[np.clip(facts.primary_noc, 0, None)] & (facts.primary_noc >= 0)
                if stream.targeted is not None else np.zeros(size, dtype=np.bool_))
    eligible = programs_met & interest & education & language & experience & funds_met
    in_primary_noc = (jobs.noc >= 0) & (jobs.noc == facts.primary_noc[jobs.owner])
    primary_noc_hours = total_hours(jobs, hours, in_primary_noc, size)
    return StreamAssessment(programs_met, interest, education, language, experience_hours, experience,
                            funds_met, targeted, eligible, primary_noc_hours)


def assess(day_rules: RulesSnapshot, factors: CandidateFactors, facts: EligibilityFacts, *,
           categories: Collection[str] | None = None, streams: bool = True) -> Assessment:
    """Every program, category and provincial stream in force on the snapshot's day, for every candidate.

    ``categories``: only the occupation categories with these keys (None: all in force); ``streams``:
    False leaves the provincial streams out. The programs and the French category are always
    assessed. A caller that needs one round's condition (the pool) saves the work of the others.
    """
    rules = day_rules.eligibility
    programs = rules.programs
    hours_per_year = programs.hours_per_year
    work = work_factors(rules, day_rules, factors, facts)
    funds = funds_check(rules, factors, facts)
    valid_language = ~factors.first_language_expired
    first = factors.first_language.astype(np.int64)
    lowest_first = first.min(axis=1)

    grid = fsw_grid(rules, factors, facts, work)
    points = sum(grid.values(), np.zeros(factors.size, dtype=np.int64))
    fsw_rules = programs.fsw
    fsw_experience = np.where(facts.has_work_history,
                              reaches(work.fsw_best.hours, fsw_rules.experience.years * hours_per_year),
                              work.skilled_years >= fsw_rules.experience.years)
    fsw_language = (lowest_first >= fsw_rules.minimum_language) & valid_language
    fsw_education = factors.education >= fsw_rules.minimum_education
    fsw_grid_met = points >= fsw_rules.pass_mark
    fsw = FswAssessment(grid, points, fsw_experience, fsw_language, fsw_education, fsw_grid_met,
                        fsw_experience & fsw_language & fsw_education & fsw_grid_met & funds.met)

    cec_needed = programs.cec_experience.years * hours_per_year
    declared_cec = factors.canadian_work_years >= programs.cec_experience.years
    cec_experience = np.where(facts.has_work_history, reaches(work.cec_hours, cec_needed), declared_cec)
    # Qualifying TEER: 2/3 experience alone reaching the year allows the lower minimum; otherwise
    # (TEER 0/1, or a mix that needs the TEER 0/1 hours) the higher one applies (rule for mixed
    # experience not found: crs-and-programs.md §3.3).
    levels = programs.cec_minimum_language
    higher, lower = max(levels.values()), min(levels.values())
    lower_teer_hours = work.cec_hours - work.cec_teer_0_1_hours
    primary_teer = np.where(facts.primary_noc >= 0,
                            catalogue().teer_by_code[np.clip(facts.primary_noc, 0, None)], -1)
    lower_teers = [teer for teer, level in levels.items() if level == lower]
    lower_allowed = np.where(facts.has_work_history, reaches(lower_teer_hours, cec_needed),
                             np.isin(primary_teer, lower_teers))
    required_clb = np.where(lower_allowed, lower, higher).astype(np.int64)
    cec_language = (lowest_first >= required_clb) & valid_language
    cec = CecAssessment(cec_experience, required_clb, cec_language, cec_experience & cec_language)

    fst_needed = programs.fst_experience.years * hours_per_year
    primary_trade = programs.fst_trades[np.clip(facts.primary_noc, 0, None)] & (facts.primary_noc >= 0)
    fst_experience = np.where(facts.has_work_history, reaches(work.fst_hours, fst_needed),
                              primary_trade & (work.skilled_years >= programs.fst_experience.years))
    fst_language = (first >= np.array(programs.fst_minimum_language)).all(axis=1) & valid_language
    offer_or_certificate = (factors.job_offer != 0) | factors.certificate_of_qualification
    fst = FstAssessment(fst_experience, fst_language, offer_or_certificate,
                        fst_experience & fst_language & offer_or_certificate & funds.met)

    in_pool = fsw.eligible | cec.eligible | fst.eligible
    occupation_categories = {category.key: _category(rules, category, day_rules, factors, facts, in_pool)
                             for category in rules.categories
                             if categories is None or category.key in categories}
    french = None
    if rules.french is not None:
        french = (factors.has_french & ~factors.french_expired
                  & (factors.french.min(axis=1) >= rules.french.minimum_nclc)
                  & ~factors.first_language_expired & in_pool)
    by_program = {"fsw": fsw.eligible, "cec": cec.eligible, "fst": fst.eligible}
    assessed_streams = ({stream.key: _stream(rules, stream, day_rules, factors, facts, by_program, funds)
                         for stream in rules.streams} if streams else {})
    return Assessment(work, funds, fsw, cec, fst, in_pool, occupation_categories, french, assessed_streams)
