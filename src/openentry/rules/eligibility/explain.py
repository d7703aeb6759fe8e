"""Decisions in words: every "no" with the rule that failed and by how much, every "yes" with what
qualified (interfaces.md §4). Runs per output line, after the array formulas have decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from openentry.rules import codes
from openentry.rules.candidates import CandidateFactors
from openentry.rules.eligibility.assess import Assessment
from openentry.rules.noc import catalogue
from openentry.rules.snapshot import RulesSnapshot


def _noc(code: int) -> str:
    text = f"{code:05d}"
    return f"NOC {text} {catalogue().title(text)}" if text in catalogue() else f"NOC {text}"


def _years(hours: float, hours_per_year: int) -> str:
    return f"{hours:,.0f} hours ({hours / hours_per_year * 12:.1f} months)"


def decision_lines(snapshot: RulesSnapshot, read: object, factors: CandidateFactors,
                   assessment: Assessment, errors: dict[int, tuple[str, str]],
                   profiles: Sequence[object]) -> list[dict[str, object]]:
    rules = snapshot.eligibility
    programs = rules.programs
    per_year = programs.hours_per_year
    validity = snapshot.language.result_validity_years
    lines: list[dict[str, object]] = []
    for row, profile in enumerate(profiles):
        identifier = getattr(profile, "id", None)
        if row in errors:
            field, message = errors[row]
            lines.append({"id": identifier, "error": {"field": field, "message": message}})
            continue
        first = [int(level) for level in factors.first_language[row]]
        lowest = min(first)
        weakest = codes.ABILITIES[first.index(lowest)]
        work = assessment.work
        funds = assessment.funds
        declared_funds = getattr(profile, "settlement_funds_cad", None)
        funds_reason = (f"settlement funds: CAD {funds.required[row]:,} needed for a family of "
                        f"{getattr(profile, 'family_size', 1)}; "
                        + ("none declared" if declared_funds is None
                           else f"CAD {declared_funds:,.0f} declared")
                        + " (exempt only when authorized to work in Canada with a job offer)")
        has_history = bool(getattr(profile, "work_history", []))

        fsw = assessment.fsw
        reasons: list[str] = []
        fsw_rules = programs.fsw
        if not fsw.experience_met[row]:
            best = work.fsw_best
            detail = (f"best is {_years(best.hours[row], per_year)} in {_noc(int(best.noc[row]))}"
                      if has_history and best.noc[row] >= 0 else
                      ("no skilled (TEER 0-3) job in the window" if has_history else
                       f"{int(work.skilled_years[row])} years of skilled work declared"))
            reasons.append(f"work experience: {fsw_rules.experience.years} year ({per_year:,} hours) "
                           f"of continuous skilled work in one occupation within "
                           f"{fsw_rules.experience.window_years} years needed; "
                           + detail)
        elif has_history:
            reasons.append(f"qualifying work: {_years(work.fsw_best.hours[row], per_year)} continuous in "
                           f"{_noc(int(work.fsw_best.noc[row]))}")
        if lowest < fsw_rules.minimum_language:
            reasons.append(f"first official language CLB {lowest} in {weakest}; "
                           f"CLB {fsw_rules.minimum_language} needed in all four abilities")
        if lowest >= fsw_rules.minimum_language and not fsw.language_met[row]:
            reasons.append("first official language result is 2 years old or more on the date; "
                           "a new test is needed")
        if not fsw.education_met[row]:
            reasons.append("education: a secondary or post-secondary credential is needed")
        if not fsw.grid_met[row]:
            reasons.append(f"selection factors: {int(fsw.points[row])} points; {fsw_rules.pass_mark} needed "
                           f"({fsw_rules.pass_mark - int(fsw.points[row])} short)")
        if not funds.met[row]:
            reasons.append(funds_reason)
        if factors.sibling_in_canada[row] and not getattr(profile, "relative_in_canada", False):
            reasons.append(f"adaptability: a sibling in Canada is a relative in Canada "
                           f"({fsw_rules.adaptability['relative_in_canada']} points, within the cap "
                           f"of {fsw_rules.adaptability['cap']})")
        fsw_line: dict[str, object] = {
            "eligible": bool(fsw.eligible[row]),
            "reasons": reasons if not fsw.eligible[row]
            else [r for r in reasons if r.startswith(("qualifying", "adaptability"))]
            + [f"selection factors: {int(fsw.points[row])} points (pass mark {fsw_rules.pass_mark})"],
            "points": int(fsw.points[row]),
            "grid": {name: int(values[row]) for name, values in fsw.grid.items()},
        }

        cec = assessment.cec
        reasons = []
        cec_years = programs.cec_experience
        if not cec.experience_met[row]:
            reasons.append(f"Canadian work: {cec_years.years} year ({per_year:,} hours) "
                           f"of skilled work in Canada within {cec_years.window_years} years needed "
                           f"(not self-employed, not as a full-time student); "
                           + (f"{_years(work.cec_hours[row], per_year)} counted" if has_history
                              else f"{int(factors.canadian_work_years[row])} years declared"))
        if lowest < cec.required_clb[row]:
            reasons.append(f"first official language CLB {lowest} in {weakest}; "
                           f"CLB {int(cec.required_clb[row])} "
                           "needed in all four abilities for the TEER of the qualifying work")
        if cec.eligible[row]:
            reasons = [f"qualifying work: {_years(work.cec_hours[row], per_year)} of Canadian skilled work"
                       if has_history else "declared Canadian work years"]
        cec_line = {"eligible": bool(cec.eligible[row]), "reasons": reasons}

        fst = assessment.fst
        reasons = []
        fst_years = programs.fst_experience
        if not fst.experience_met[row]:
            reasons.append(f"trade work: {fst_years.years} years ({fst_years.years * per_year:,} hours) "
                           f"in a skilled trade within {fst_years.window_years} years needed; "
                           + (f"{_years(work.fst_hours[row], per_year)} counted" if has_history
                              else "primary NOC not a skilled trade or too few declared years"))
        if not fst.language_met[row]:
            needed = "/".join(str(level) for level in programs.fst_minimum_language)
            reasons.append(f"first official language CLB {'/'.join(str(level) for level in first)} "
                           f"(reading/writing/listening/speaking); {needed} needed")
        if not fst.offer_or_certificate[row]:
            reasons.append("a job offer or a Canadian certificate of qualification in the trade is needed")
        if not funds.met[row]:
            reasons.append(funds_reason)
        if fst.eligible[row]:
            reasons = [f"qualifying work: {_years(work.fst_hours[row], per_year)} in a skilled trade"
                       + (f" ({_noc(int(work.fst_best_noc[row]))})" if work.fst_best_noc[row] >= 0 else "")]
        fst_line = {"eligible": bool(fst.eligible[row]), "reasons": reasons}

        not_in_pool = "not eligible for FSW, CEC or FST, so not in the Express Entry pool"
        categories: dict[str, object] = {}
        if rules.french is not None and assessment.french is not None:
            french_levels = [int(level) for level in factors.french[row]]
            reasons = []
            if not factors.has_french[row]:
                reasons.append(f"no French test result; NCLC {rules.french.minimum_nclc} "
                               "needed in all four abilities")
            elif factors.french_expired[row]:
                reasons.append(f"the French test result is {validity} years old or more "
                               f"on {snapshot.day.isoformat()}; an expired result counts for nothing")
            elif min(french_levels) < rules.french.minimum_nclc:
                ability = codes.ABILITIES[french_levels.index(min(french_levels))]
                reasons.append(f"French NCLC {min(french_levels)} in {ability}; "
                               f"NCLC {rules.french.minimum_nclc} needed in all four abilities")
            if not assessment.in_pool[row]:
                reasons.append(not_in_pool)
            if assessment.french[row]:
                reasons = [f"French NCLC {min(french_levels)} or more in all four abilities; "
                           f"list version {rules.french.list_version}"]
            categories["french"] = {"eligible": bool(assessment.french[row]), "reasons": reasons,
                                    "list_version": rules.french.list_version}
        for category in rules.categories:
            result = assessment.categories[category.key]
            best_noc = int(result.best.noc[row])
            kind = "continuous " if category.continuous else ""
            place = " in Canada" if category.canadian_experience_only else ""
            reasons = []
            if not result.experience_met[row]:
                found = (f"best is {_years(result.best.hours[row], per_year)} in {_noc(best_noc)}"
                         if best_noc >= 0 else "no work in a listed occupation in the window")
                reasons.append(f"{category.months} months ({result.needed_hours:,.0f} hours) "
                               f"of {kind}work{place} in one occupation of the list "
                               f"'{category.list_version}' within {category.window_years} "
                               f"years needed; {found}")
            if not result.education_met[row]:
                reasons.append("education: a two-year post-secondary credential or higher is needed")
            if not result.job_offer_met[row]:
                reasons.append("a job offer (Canadian Forces Recruiting Group) is needed")
            if not assessment.in_pool[row]:
                reasons.append(not_in_pool)
            if result.eligible[row]:
                reasons = [f"{_years(result.best.hours[row], per_year)} of {kind}work{place} "
                           f"in {_noc(best_noc)}, on the list '{category.list_version}'"]
            categories[category.key] = {"eligible": bool(result.eligible[row]), "reasons": reasons,
                                        "list_version": category.list_version}

        provincial: dict[str, object] = {}
        for stream in rules.streams:
            stream_result = assessment.streams[stream.key]
            reasons = []
            if not stream_result.programs_met[row]:
                federal = " or ".join(p.upper() for p in stream.federal_programs)
                reasons.append(f"must be eligible for {federal}")
            if not stream_result.interest_met[row]:
                reasons.append(f"the profile must show interest in {stream.province} or all provinces")
            if not stream_result.education_met[row] and stream.minimum_education is not None:
                level = codes.EDUCATION_LEVELS[stream.minimum_education]
                reasons.append(f"education: {level} or higher needed")
            if not stream_result.language_met[row]:
                parts = []
                if stream.minimum_clb_any_official is not None:
                    parts.append(f"CLB {stream.minimum_clb_any_official} "
                                 "in all four abilities of English or French")
                if stream.minimum_nclc_french is not None:
                    parts.append(f"French NCLC {stream.minimum_nclc_french} in all four abilities")
                if stream.minimum_clb_english is not None:
                    parts.append(f"English CLB {stream.minimum_clb_english} in all four abilities")
                expired = [name for name, flags in (("French", factors.french_expired),
                                                     ("English", factors.english_expired)) if flags[row]]
                stale = (f" (the {' and '.join(expired)} result is {validity} years old or more "
                         "and counts for nothing)"
                         if expired else "")
                reasons.append("language: " + " and ".join(parts) + " needed" + stale)
            if not stream_result.experience_met[row]:
                stream_hours = stream.experience.years * per_year
                reasons.append(f"work: {stream.experience.years} year ({stream_hours:,} hours) "
                               f"of eligible work within {stream.experience.window_years} years needed; "
                               f"{_years(stream_result.experience_hours[row], per_year)} counted")
            if not stream_result.funds_met[row]:
                reasons.append(funds_reason)
            if stream_result.eligible[row]:
                reasons = [f"meets the {stream.name} requirements"]
            line: dict[str, object] = {"eligible": bool(stream_result.eligible[row]), "reasons": reasons}
            if stream.targeted is not None:
                line["targeted_list"] = {"list": stream.targeted.label,
                                         "primary_noc_matches": bool(stream_result.targeted_match[row])}
            provincial[stream.key] = line

        output: dict[str, object] = {
            "id": identifier,
            "programs": {"fsw": fsw_line, "cec": cec_line, "fst": fst_line},
            "categories": categories,
            "provincial": provincial,
            "factors": {"age": int(factors.age[row]),
                        "canadian_work_years": int(work.canadian_skilled_years[row]),
                        "foreign_work_years": int(work.foreign_skilled_years[row])},
            "on": snapshot.day.isoformat(),
        }
        if work.declared_disagrees[row]:
            output["warnings"] = [
                f"declared canadian_work_years {getattr(profile, 'canadian_work_years', 0)} "
                f"and foreign_work_years {getattr(profile, 'foreign_work_years', 0)} "
                f"disagree with the work history ({int(work.canadian_skilled_years[row])} "
                f"and {int(work.foreign_skilled_years[row])} whole years of skilled work "
                f"in the last {programs.declared_years_window} years); the work history is used"
            ]
        lines.append(output)
    return lines
