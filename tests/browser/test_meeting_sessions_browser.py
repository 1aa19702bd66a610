"""Meetings as people use them, in a real browser: the secretariat schedules a weekly
meeting through the plain-language form and reads "Every Tuesday" on its page; a focal
point answers one session differently from the series; the secretariat records who
attended a session. Each result is read back from the database."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.meetings.models import Meeting, Rsvp
from icat.meetings.session_models import Attendance, SessionRsvp
from icat.registry.models import Entity
from tests.browser.test_login_browser import sign_in
from tests.browser.test_meeting_record_browser import signed_in_secretariat
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/icat-meeting-sessions.png")


def test_a_weekly_meeting_scheduled_in_plain_language_reads_every_tuesday(
    page: Page, make_user: Callable[..., User], make_entity: Callable[..., Entity], session: Session
) -> None:
    make_entity(acronym="IOM", name="International Organization for Migration", working_group=True)
    make_entity(acronym="OSCE", name="Organization for Security and Co-operation in Europe", kind="partner")
    signed_in_secretariat(page, make_user)
    page.goto("/meetings/new")
    page.get_by_label("Title").fill("Weekly coordination call")
    page.get_by_label("Starts (local time)").fill("2030-03-05T14:00")  # a Tuesday
    page.get_by_label("Ends (local time)").fill("2030-03-05T15:00")
    page.get_by_label("Time zone").fill("Europe/Vienna")
    page.get_by_label("The working group (all its members)").check()
    repeats = page.locator("#repeats")
    repeats.get_by_label("How often").select_option("weekly")
    repeats.get_by_role("checkbox", name="Tuesday").check()
    repeats.get_by_label("After a number of meetings").check()
    repeats.get_by_role("spinbutton", name="Number of meetings").fill("6")
    reminders = page.locator("#reminders")
    reminders.get_by_label("These reminders").check()
    reminders.get_by_role("checkbox", name="1 day before").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    expect(page.locator("dd.repeats")).to_have_text("Every Tuesday, 6 times")
    expect(page.get_by_text("1 day before")).to_be_visible()
    meeting = session.query(Meeting).one()
    assert (meeting.recurrence, meeting.reminder_offsets, meeting.invitee_acronyms) == (
        "FREQ=WEEKLY;BYDAY=TU;COUNT=6",
        ["P1D"],
        ["IOM"],
    )


def _series(make_entity: Callable[..., Entity], make_meeting: Callable[..., Meeting], first: datetime) -> Meeting:
    make_entity(acronym="IOM", name="International Organization for Migration")
    return make_meeting(
        title="Weekly call",
        starts_at=first,
        ends_at=first + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;COUNT=4",
        invitees=["IOM"],
    )


def test_a_focal_point_answers_one_session_differently_from_the_series(
    page: Page,
    make_user: Callable[..., User],
    make_entity: Callable[..., Entity],
    make_meeting: Callable[..., Meeting],
    session: Session,
) -> None:
    first = datetime(2030, 3, 5, 13, tzinfo=UTC)
    meeting = _series(make_entity, make_meeting, first)
    user = make_user("focal_point", "IOM")
    sign_in(page, user.email, PASSWORD)
    page.goto(f"/meetings/{meeting.id}")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send answer").click()
    page.wait_for_load_state()
    page.locator("#occurrences").get_by_role("link", name="This session").nth(1).click()
    page.wait_for_load_state()
    answers = page.locator("#answers")
    expect(answers.locator("li")).to_have_text(["IOM: Yes (the series' answer)"])
    answers.get_by_label("No").check()
    answers.get_by_role("button", name="Answer for this session").click()
    page.wait_for_load_state()

    expect(
        page.get_by_role("status").filter(has_text="Your answer for this session is recorded.").first
    ).to_be_visible()
    expect(page.locator("#answers li")).to_have_text(["IOM: No (for this session)"])
    assert [(r.entity.acronym, r.response) for r in session.query(Rsvp)] == [("IOM", "yes")]
    second = first + timedelta(weeks=1)
    assert [(r.recurrence_id, r.response) for r in session.query(SessionRsvp)] == [(second, "no")]


def test_the_secretariat_records_attendance_for_a_session(
    page: Page,
    make_user: Callable[..., User],
    make_entity: Callable[..., Entity],
    make_meeting: Callable[..., Meeting],
    session: Session,
) -> None:
    first = clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)  # began an hour ago
    meeting = _series(make_entity, make_meeting, first)
    signed_in_secretariat(page, make_user)
    page.goto(f"/meetings/{meeting.id}/sessions/{first.strftime('%Y%m%dT%H%M%SZ')}")
    attendance = page.locator("#attendance")
    expect(attendance).to_contain_text("No attendance recorded.")
    attendance.get_by_role("checkbox", name="IOM").check()
    attendance.get_by_label("Who came for IOM").fill("A. Focal, B. Deputy")
    attendance.get_by_role("button", name="Record attendance").click()
    page.wait_for_load_state()

    expect(page.locator("#attendance li")).to_have_text(["IOM: A. Focal, B. Deputy"])
    assert [(a.recurrence_id, a.entity.acronym, a.people) for a in session.query(Attendance)] == [
        (first, "IOM", "A. Focal, B. Deputy")
    ]
