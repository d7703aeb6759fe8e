"""Every page in a browser: French pages in French, errors beside their field in the page's
language, the history's charts drawn with their points, the calculator with the keyboard alone,
and axe-core finding no serious or critical violation; a screenshot of each."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from babel.dates import format_date

from openentry.history.provincial import ProvincialDraw
from openentry.history.replay import check_draw, check_round, prepare_profiles
from openentry.history.store import load_catalogue
from openentry.rules import default_tree
from openentry.services.scoring import RawProfile
from openentry.web.i18n import gettext
from tests.web.conftest import Site, axe_violations, examples, screenshot

E4 = next(case for case in examples() if case["name"] == "E4")
MARIA = {
    "id": "maria",
    "birth_date": "1995-03-10",
    "marital_status": "never_married",
    "education": "bachelors",
    "first_language": {
        "test": "ielts",
        "reading": 7.5,
        "writing": 7,
        "listening": 8,
        "speaking": 7,
        "test_date": "2025-04-26",
    },
    "second_language": {
        "test": "tef_canada",
        "reading": 500,
        "writing": 500,
        "listening": 500,
        "speaking": 500,
        "test_date": "2025-06-15",
    },
    "canadian_work_years": 1,
    "foreign_work_years": 2,
    "primary_noc": "21231",
    "submitted_at": "2025-06-02T15:30:00Z",
}


def paste(page: Any, profile: dict[str, Any], day_field: str | None = None, day: str | None = None) -> None:
    page.click("details.paste summary")
    page.fill("#field-profile_json", json.dumps(profile))
    if day_field and day:
        page.fill(f"#field-{day_field}", day)
    page.click("button[name=action][value=paste]")


def assert_accessible(page: Any) -> None:
    assert axe_violations(page) == []


def test_the_calculator_in_french_with_its_result_what_if_and_timeline(site: Site, page: Any) -> None:
    page.goto("/fr/")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text() == "Calculateur du Système de classement global (SCG)"
    paste(page, MARIA, "on", "2026-01-05")
    page.wait_for_selector("#crs-total")
    page.wait_for_selector("#whatif table")
    page.wait_for_selector("#timeline .chart[data-drawn] svg")
    assert page.locator("#score-heading").inner_text() == "Votre pointage"
    assert page.locator("text=Total SCG le 5 janvier 2026 :").count() == 1
    # Numbers are written the French way (1 200 with a non-breaking space).
    assert page.locator(".out-of").inner_text() == "/ 1\u00a0200"
    assert page.locator("tr[data-line='core.age'] th").inner_text() == "Âge"
    rule = page.locator("tr[data-line='core.age'] a")
    assert rule.get_attribute("href") == "/fr/rules/core.age?on=2026-01-05"
    # What-if changes are the engine's, translated.
    assert page.locator("#whatif tbody th", has_text="une désignation provinciale").count() == 1
    assert_accessible(page)
    screenshot(page, "calculator-fr-maria")
    rule.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "La règle derrière la ligne « Âge »"
    assert page.locator("section.rule h2 code").first.inner_text() == "crs.core.age"
    effective = default_tree()["crs.core.age"].entry_at(datetime.date(2026, 1, 5)).effective
    assert page.locator("dd").nth(1).inner_text() == format_date(effective, "long", locale="fr_CA")
    assert_accessible(page)
    screenshot(page, "rule-fr-core-age")


@pytest.mark.parametrize(
    ("language", "address", "message"),
    [
        ("en", "/", "input should be a valid integer (given 'vingt')"),
        ("fr", "/fr/", "doit être un nombre entier (reçu 'vingt')"),
    ],
)
def test_bad_input_shows_the_field_message_beside_the_field(
    site: Site, page: Any, language: str, address: str, message: str
) -> None:
    page.goto(address)
    page.select_option("#field-marital_status", "never_married")
    page.fill("#field-age", "vingt")
    page.select_option("#field-education", "bachelors")
    page.select_option("#field-first_language-test", "ielts")
    for ability, score in (("reading", "7"), ("writing", "7"), ("listening", "7"), ("speaking", "7")):
        page.fill(f"#field-first_language-{ability}", score)
    page.click("p.actions button[name=action][value=form]")
    error = page.locator("#error-field-age")
    error.wait_for()
    assert error.inner_text() == f"{gettext(language, 'Error:')} {message}"
    assert page.get_attribute("#field-age", "aria-invalid") == "true"
    assert "error-field-age" in (page.get_attribute("#field-age", "aria-describedby") or "")
    assert page.locator("#crs-total").count() == 0
    # The error summary links to the field.
    assert page.locator("#error-summary a").get_attribute("href") == "#field-age"
    assert_accessible(page)
    screenshot(page, f"calculator-error-{language}")


def test_a_score_that_does_not_exist_on_the_test_shows_beside_its_score_in_french(
    site: Site, page: Any
) -> None:
    profile = {
        **E4["profile"],
        "first_language": {"test": "ielts", "reading": 9.5, "writing": 7, "listening": 7, "speaking": 7},
    }
    page.goto("/fr/")
    paste(page, profile, "on", "2026-01-05")
    error = page.locator("#error-field-first_language-reading")
    error.wait_for()
    assert error.inner_text() == (
        "Erreur : 9.5 n'est pas un résultat ielts en compréhension de l'écrit : de 0 à 9, par pas de 0.5"
    )


def test_the_level_shows_as_the_scores_are_typed(site: Site, page: Any) -> None:
    page.goto("/")
    page.select_option("#field-first_language-test", "celpip")
    for ability in ("reading", "writing", "listening", "speaking"):
        page.fill(f"#field-first_language-{ability}", "9")
    levels = page.locator("#levels-first_language")
    levels.filter(has_text="Levels").wait_for()
    assert levels.inner_text() == "Levels: Reading CLB 9 · Writing CLB 9 · Listening CLB 9 · Speaking CLB 9"


def test_the_calculator_with_the_keyboard_alone(site: Site, page: Any) -> None:
    """Tab from the top of the page to each question, answer with keys, Enter submits."""
    page.goto("/")

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#field-marital_status")
    page.keyboard.press("ArrowDown")  # Never married / single
    tab_to("#field-age")
    page.keyboard.type("29")
    tab_to("#field-education")
    for _ in range(5):  # Bachelor's degree
        page.keyboard.press("ArrowDown")
    tab_to("#field-first_language-test")
    for _ in range(6):  # CLB levels
        page.keyboard.press("ArrowDown")
    for ability in ("reading", "writing", "listening", "speaking"):
        tab_to(f"#field-first_language-{ability}")
        page.keyboard.type("9")
    tab_to("#field-on")
    page.keyboard.type("01052026")
    page.keyboard.press("Enter")
    total = page.locator("#crs-total")
    total.wait_for()
    assert int(total.get_attribute("data-total")) == next(
        case["expected"]["total"] for case in examples() if case["name"] == "E1"
    )


def test_a_share_link_carries_the_profile_in_its_fragment(site: Site, page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/")
    paste(page, E4["profile"], "on", E4["on"])
    page.wait_for_selector("#crs-total")
    link = page.locator("a.share-link").get_attribute("href")
    assert link.startswith("/#profile=")
    download = page.locator("a[download]")
    assert download.get_attribute("download") == "E4.json"
    requests.clear()
    page.goto(link)
    page.wait_for_selector("#crs-total")
    assert all("#" not in url and "profile=" not in url.split("?")[-1] for url in requests)
    assert int(page.locator("#crs-total").get_attribute("data-total")) > 0


def test_eligibility_with_its_grid_and_reasons(site: Site, page: Any) -> None:
    page.goto("/fr/eligibility")
    paste(page, MARIA, "on", "2026-01-05")
    page.wait_for_selector("#programs-heading")
    assert page.locator("tr[data-program='cec'] .verdict").inner_text().strip() == "✔ Admissible"
    assert page.locator("tr[data-program='fsw'] .verdict").inner_text().strip() == "✘ Non admissible"
    assert page.locator("table.grid caption").inner_text().startswith("Facteurs de sélection du PTQF")
    assert_accessible(page)
    screenshot(page, "eligibility-fr-maria")


def test_the_history_charts_render_with_their_points(site: Site, page: Any) -> None:
    page.goto("/history")
    chart = page.locator("div.chart[data-chart='cutoffs-chart']")
    page.wait_for_selector("div.chart[data-chart='cutoffs-chart'] svg.marks")
    points = int(chart.get_attribute("data-points"))
    assert points > 400
    assert chart.locator("g.mark-symbol.role-mark path").count() == points
    page.wait_for_selector("div.chart[data-chart='invitations-chart'] svg g.mark-rect path")
    page.wait_for_selector("div.chart[data-chart='pool-chart'] svg g.mark-area path")
    # Hovering a point shows its round.
    chart.locator("g.mark-symbol.role-mark path").last.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for()
    assert "Round" in tooltip.inner_text()
    assert_accessible(page)
    screenshot(page, "history")
    page.select_option("#filter-kind", "category")
    page.select_option("#filter-from", "2025")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/history?kind=category&from=2025&to=")
    page.wait_for_selector("div.chart[data-chart='cutoffs-chart'] svg.marks")
    filtered = int(page.locator("div.chart[data-chart='cutoffs-chart']").get_attribute("data-points"))
    assert 0 < filtered < points
    assert page.locator("table.rounds tbody tr").count() == filtered


def test_a_round_page_and_its_check_in_french(site: Site, page: Any) -> None:
    page.goto("/fr/history/390")
    assert page.locator("h1").inner_text() == "Ronde nº 390"
    paste(page, MARIA)
    page.wait_for_selector("#check-result")
    assert page.locator("#check-result li").first.inner_text() == (
        "admissible à la Catégorie de l'expérience canadienne le 2026-01-07"
    )
    assert_accessible(page)
    screenshot(page, "round-390-fr")


def test_would_i_have_been_invited_year_by_year(site: Site, page: Any) -> None:
    page.goto("/invited")
    page.select_option("#field-since", "2025")
    paste(page, MARIA)
    year = page.locator("section.year[data-year='2025']")
    year.wait_for(timeout=60_000)
    catalogue = load_catalogue(site.engine)
    prepared = prepare_profiles([RawProfile(MARIA)], require_id=False)
    expected = {}
    for published in catalogue.select(since=datetime.date(2025, 1, 1), until=datetime.date(2025, 12, 31)):
        if published.cutoff is None:
            continue
        line = (check_draw if isinstance(published, ProvincialDraw) else check_round)(published, prepared)[0]
        if "error" not in line:
            expected[published.number] = "yes" if line["invited"] else "no"
    shown = {
        row.get_attribute("data-round"): row.get_attribute("data-invited")
        for row in year.locator("tr[data-round]").all()
    }
    assert shown == expected
    assert "yes" in shown.values() and "no" in shown.values()
    assert_accessible(page)
    screenshot(page, "invited-maria")


def test_chances_with_the_fan(site: Site, page: Any) -> None:
    page.goto("/chances")
    paste(page, MARIA, "as_of", "2026-01-05")
    page.wait_for_selector("table.probabilities")
    shares = [float(cell.inner_text().rstrip("%")) for cell in page.locator("table.probabilities td").all()]
    assert len(shares) == 4 and shares == sorted(shares)
    page.wait_for_selector("div.chart[data-chart='fan-chart'] svg g.mark-area path")
    assert_accessible(page)
    screenshot(page, "chances-maria")


@pytest.mark.parametrize(
    ("address", "heading"),
    [
        ("/fr/eligibility", "Admissibilité : programmes, catégories et volets provinciaux"),
        ("/fr/history", "Les rondes d'invitations d'IRCC et les tirages de l'Ontario"),
        ("/fr/invited", "Aurais-je été invité?"),
        ("/fr/chances", "Chances d'une invitation"),
        ("/fr/portal", "Portail du candidat : connexion"),
        ("/fr/console", "Console de l'agent : connexion"),
    ],
)
def test_french_pages_render_in_french(site: Site, page: Any, address: str, heading: str) -> None:
    page.goto(address)
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text() == heading
    assert page.locator("nav a[aria-current=page]").count() == 1
    assert page.locator("a[hreflang=en]").get_attribute("href") == address.removeprefix("/fr") or "/"
    assert_accessible(page)
