"""Names the pages give the engine's keys (msgids): lines, sections, programs, categories, streams.

The keys are the engine's (rules/crs LINE_NAMES, the eligibility output's program, category and
stream keys, the round kinds); the words are IRCC's where IRCC has them (the 16 lines of the
2019 Invitation to Apply letter, crs-and-programs.md §1.0).
"""

from __future__ import annotations

from openentry.web.i18n import N_

SECTION_TITLES = {
    "core": N_("A. Core / human capital factors"),
    "spouse": N_("B. Spouse or common-law partner factors"),
    "transferability": N_("C. Skill transferability factors"),
    "additional": N_("D. Additional points"),
}

LINE_LABELS = {
    "core.age": N_("Age"),
    "core.education": N_("Level of education"),
    "core.first_language": N_("Official languages: first official language"),
    "core.second_language": N_("Official languages: second official language"),
    "core.canadian_work": N_("Canadian work experience"),
    "spouse.education": N_("Spouse: level of education"),
    "spouse.language": N_("Spouse: first official language"),
    "spouse.canadian_work": N_("Spouse: Canadian work experience"),
    "transferability.education": N_("Education (with language or Canadian work)"),
    "transferability.foreign_work": N_("Foreign work experience (with language or Canadian work)"),
    "transferability.certificate": N_("Certificate of qualification (with language)"),
    "additional.french": N_("French-language skills"),
    "additional.sibling": N_("Brother or sister in Canada"),
    "additional.canadian_education": N_("Post-secondary education in Canada"),
    "additional.arranged_employment": N_("Arranged employment"),
    "additional.provincial_nomination": N_("Provincial or territorial nomination"),
}

PROGRAM_LABELS = {
    "fsw": N_("Federal Skilled Worker Program (FSW)"),
    "cec": N_("Canadian Experience Class (CEC)"),
    "fst": N_("Federal Skilled Trades Program (FST)"),
    "pnp": N_("Provincial Nominee Program (PNP)"),
}

CATEGORY_LABELS = {
    "french": N_("French-language proficiency"),
    "agriculture": N_("Agriculture and agri-food occupations"),
    "education": N_("Education occupations"),
    "healthcare": N_("Healthcare and social services occupations"),
    "physicians": N_("Physicians with Canadian work experience"),
    "researchers": N_("Researchers with Canadian work experience"),
    "senior_managers": N_("Senior managers with Canadian work experience"),
    "skilled_military": N_("Skilled military recruits"),
    "stem": N_("Science, technology, engineering and math (STEM) occupations"),
    "trades": N_("Trade occupations"),
    "transport": N_("Transport occupations"),
}

STREAM_LABELS = {
    "on_hcp": N_("Ontario: Human Capital Priorities"),
    "on_fssw": N_("Ontario: French-Speaking Skilled Worker"),
    "on_skilled_trades": N_("Ontario: Skilled Trades"),
}

FSW_GRID_LABELS = {
    "language": N_("Official languages"),
    "education": N_("Education"),
    "experience": N_("Work experience"),
    "age": N_("Age"),
    "arranged_employment": N_("Arranged employment"),
    "adaptability": N_("Adaptability"),
}

KIND_LABELS = {
    "general": N_("General (all programs)"),
    "program": N_("Program"),
    "category": N_("Category"),
    "provincial": N_("Provincial (Ontario)"),
    "unknown": N_("Other"),
}

# The history's kind labels (history/stats.py kind_label and broad_label) as the pages name them.
HISTORY_KIND_LABELS = {
    "general": N_("General"),
    "CEC": N_("CEC"),
    "FSW": N_("FSW"),
    "FST": N_("FST"),
    "PNP": N_("PNP"),
    "program (CEC, FSW, FST)": N_("Programs (CEC, FSW, FST)"),
    "category": N_("Categories"),
    "provincial": N_("Ontario (notifications of interest)"),
    "Ontario HCP": N_("Ontario HCP"),
    "Ontario FSSW": N_("Ontario FSSW"),
    "Ontario Skilled Trades": N_("Ontario Skilled Trades"),
    "unknown": N_("Other"),
}

# Everything a program, category or stream key can be called (what-if and timeline name them).
ELIGIBILITY_LABELS = {**PROGRAM_LABELS, **CATEGORY_LABELS, **STREAM_LABELS}


def history_kind(label: str) -> str:
    """The msgid for a history kind label (a category key names its category)."""
    return HISTORY_KIND_LABELS.get(label) or CATEGORY_LABELS.get(label) or label


OUTCOME_LABELS = {
    "declined": N_("Declined"),
    "applied": N_("Applied"),
    "expired": N_("Expired"),
}

EVENT_LABELS = {
    "submitted": N_("Entered the pool"),
    "updated": N_("Profile updated"),
    "invited": N_("Invited"),
    "declined": N_("Declined an invitation"),
    "applied": N_("Applied on an invitation"),
    "expired": N_("Let an invitation expire"),
    "nominated": N_("Nominated by a province"),
    "withdrawn": N_("Withdrew the profile"),
    "resubmitted": N_("Submitted again after a withdrawal"),
}

AUDIT_ACTION_LABELS = {
    "profile.created": N_("profile entered"),
    "profile.updated": N_("profile updated"),
    "round.recorded": N_("round recorded"),
    "nomination.recorded": N_("nomination recorded"),
    "invitation.declined": N_("invitation declined"),
    "invitation.applied": N_("invitation applied on"),
    "invitation.expired": N_("invitation expired"),
    "user.added": N_("account added"),
    "user.revoked": N_("account revoked"),
}
