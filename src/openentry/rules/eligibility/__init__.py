"""Eligibility for programs, categories and provincial streams: pure array formulas (rules layer)."""
