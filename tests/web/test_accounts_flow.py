"""A candidate's portal and an officer's round, end to end in a browser: the candidate enters a
profile, the officer tries a round, records it after confirming, sees its invitations and the
audit trail; the candidate sees the invitation with its days left and declines it."""

from __future__ import annotations

import datetime
import json
from typing import Any

from babel.dates import format_date

from openentry.api.audit import audit_entries
from openentry.services.invitations import round_invitations
from tests.pool.conftest import CRS_BY_AGE, profile
from tests.web.conftest import Site, axe_violations, screenshot


def sign_in(page: Any, site: Site, account: str, where: str) -> None:
    page.goto(where)
    page.fill("#field-token", site.tokens[account])
    page.click("form.sign-in button[type=submit]")


def test_candidate_portal_and_officer_round_end_to_end(site: Site, page: Any, browser: Any) -> None:
    mine = profile("alice", "2024-01-01T00:00:00Z", age=29)
    del mine["id"], mine["submitted_at"]
    # The candidate signs in and enters the profile in the pool (pasted, then saved).
    sign_in(page, site, "alice", "/portal")
    page.wait_for_selector("text=Candidate portal")
    assert page.locator("text=No invitation yet.").count() == 1
    page.click("details.paste summary")
    page.fill("#field-profile_json", json.dumps(mine))
    page.click("button[name=action][value=paste]")
    page.wait_for_selector("#saved")
    assert page.locator("#my-crs").inner_text() == str(CRS_BY_AGE[29])
    assert axe_violations(page) == []
    screenshot(page, "portal-profile-saved")

    # The officer, in another browser session, tries a round of one invitation, then records it.
    officer = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, site, "otto", "/console")
    officer.wait_for_selector("#pool-in")
    assert int(officer.locator("#pool-in").inner_text()) >= 1
    officer.select_option("#round-kind", "general")
    officer.fill("#round-size", "1")
    officer.click("button[name=action][value=try]")
    officer.wait_for_selector("#dry-run")
    assert officer.locator("#dry-run [data-invited]").get_attribute("data-invited") == "1"
    assert axe_violations(officer) == []
    screenshot(officer, "console-dry-run")
    officer.click("#confirm-round button[value=record]")
    officer.wait_for_selector("#recorded")
    rows = officer.locator("table.invitations tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("th").inner_text() == "alice"
    assert rows.first.locator("td").first.inner_text() == str(CRS_BY_AGE[29])
    recorded = officer.locator("#recorded h3").inner_text()
    number = int(recorded.split()[1])
    assert (
        officer.locator(f"#audit tr[data-action='round.recorded'] code:text('round:{number}')").count() == 1
    )
    screenshot(officer, "console-recorded")
    officer.context.close()

    # The candidate sees the invitation, its last day and the days left, and declines it.
    page.goto("/portal")
    row = page.locator(f"table.invitations tr[data-round='{number}']")
    (invitation,) = round_invitations(site.engine, number)
    days_left = (invitation.expires_on - datetime.datetime.now(datetime.UTC).date()).days
    assert row.locator(".days-left").inner_text() == f"{days_left} days left"
    assert row.locator("td").nth(3).inner_text() == format_date(
        invitation.expires_on, "medium", locale="en_CA"
    )
    row.locator("button.danger").click()
    page.wait_for_selector("#confirm")
    screenshot(page, "portal-confirm-decline")
    page.click("#confirm button[type=submit]")
    page.wait_for_selector("#answer-result")
    assert (
        page.locator(f"table.invitations tr[data-round='{number}'] td").last.inner_text().strip()
        == "Declined"
    )
    actions = [(entry.actor, entry.action, entry.outcome) for entry in audit_entries(site.engine)]
    assert ("alice", "profile.created", "ok") in actions
    assert ("otto", "round.recorded", "ok") in actions
    assert ("alice", "invitation.declined", "ok") in actions
