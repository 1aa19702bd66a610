"""The secretariat invites a focal point; the invitee opens the mailed link in a real
browser, sets a password, lands on the profile, takes the zone the browser offers and a
language, and the next page follows both."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from icat.accounts.models import User
from icat.scheduler import deliver_due, relay_outbox
from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import link_in

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/icat-invitation-browser.png")


@pytest.fixture
def tokyo(browser: Browser, live_server: str) -> Iterator[Page]:
    """A browser in Tokyo (its time zone is what the profile offers)."""
    context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Asia/Tokyo")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def send_mail(app: Flask) -> None:
    with app.app_context():
        relay_outbox(app)
        deliver_due(app)


def test_invite_set_password_and_profile(
    tokyo: Page, app: Flask, smtp, make_entity, make_user: Callable[..., User]
) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    make_entity(acronym="ILO")
    sec = make_user("secretariat", email="sec@icat.example")
    page = tokyo
    page.goto("/login")
    page.get_by_label("Email").fill(sec.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="People").click()
    invite = page.locator("form[action$='/admin/users/invite']")
    invite.get_by_label("Email").fill("ana@ilo.example")
    invite.get_by_label("Role").select_option("focal_point")
    invite.get_by_label("Entity").fill("ILO")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to ana@ilo.example.")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Sign out")).click()

    send_mail(app)
    path = link_in(smtp.messages[-1], "/invitations/")
    page.goto(path)
    page.get_by_label("New password").fill("amber kettle orchard violin")
    page.get_by_role("button", name="Set my password").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("UTC")  # offered, never applied silently
    expect(page.get_by_text("Your browser says you are in")).to_be_visible()
    page.get_by_role("button", name="Use this zone").click()
    expect(zone).to_have_value("Asia/Tokyo")
    page.get_by_label("Language", exact=True).select_option("fr")
    page.get_by_role("button", name="Save my profile").click()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("footer")).to_contain_text("Asia/Tokyo")
    expect(page.get_by_label("Fuseau horaire")).to_have_value("Asia/Tokyo")  # the page speaks French now
