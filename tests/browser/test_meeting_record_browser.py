"""The secretariat in a real browser: adds an agenda item from the meeting page and sees it;
the meeting form shows an end before the start beside the end field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.meetings.models import AgendaItem, Meeting
from icat.registry.models import Entity
from tests.browser.test_login_browser import sign_in
from tests.conftest import PASSWORD, count

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/icat-meeting-agenda.png")  # a fixed place to look at after a run


def signed_in_secretariat(page: Page, make_user: Callable[..., User]) -> None:
    user = make_user("secretariat")
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("button", name=f"Sign out {user.email}")).to_be_visible()


def test_secretariat_adds_an_agenda_item_and_sees_it_on_the_meeting_page(
    page: Page,
    make_user: Callable[..., User],
    make_entity: Callable[..., Entity],
    make_meeting: Callable[..., Meeting],
    session: Session,
) -> None:
    make_entity(acronym="IOM", name="International Organization for Migration")
    meeting = make_meeting(title="Working group, spring session", invitees=["IOM"])
    signed_in_secretariat(page, make_user)

    page.goto(f"/meetings/{meeting.id}")
    expect(page.get_by_role("heading", name="Working group, spring session")).to_be_visible()
    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text("No agenda yet.")
    agenda.get_by_role("button", name="Add or change agenda items").click()  # a link styled as a button

    item = page.get_by_role("group", name="Item 1", exact=True)
    item.get_by_label("Title").fill("Adoption of the agenda")
    item.get_by_label("Lead entity").select_option("IOM")
    page.get_by_role("button", name="Save the agenda").click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOT), full_page=True)  # taken first, so a failure leaves a picture

    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.id}#agenda$"))
    expect(page.get_by_role("status").filter(has_text="Agenda saved.").first).to_be_visible()
    expect(agenda.locator("li")).to_have_text(["Adoption of the agenda (IOM)"])
    assert count(session, AgendaItem) == 1


def test_meeting_form_shows_an_end_before_the_start_beside_the_end(
    page: Page, make_user: Callable[..., User], session: Session
) -> None:
    signed_in_secretariat(page, make_user)

    page.goto("/meetings/new")
    page.get_by_label("Title").fill("Principals meeting")
    page.get_by_label("Starts (local time)").fill("2030-10-07T14:00")
    page.get_by_label("Ends (local time)").fill("2030-10-07T13:00")
    with page.expect_response(re.compile(r"/meetings/new$")) as posted:
        page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()

    assert posted.value.status == 422
    ends = page.get_by_label("Ends (local time)")
    expect(ends).to_have_attribute("aria-invalid", "true")
    expect(ends).to_have_accessible_description("Must be after the start.")
    expect(page.locator(".field", has=ends).locator("small.error")).to_have_text("Must be after the start.")
    expect(page.get_by_label("Starts (local time)")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").first).to_have_text("Some fields need attention.")
    expect(page.get_by_label("Title")).to_have_value("Principals meeting")  # what was typed stays
    expect(ends).to_have_value("2030-10-07T13:00")
    assert count(session, Meeting) == 0
