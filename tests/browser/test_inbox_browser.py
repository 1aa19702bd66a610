"""A focal point opens the inbox and follows a reminder's link, in a real browser. The
reminder (and the invitation before it) were really delivered, to an SMTP sink."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import services as meetings
from tests.browser.test_login_browser import sign_in
from tests.conftest import PASSWORD
from tests.integration.test_reminders import tick

pytestmark = pytest.mark.browser

T = datetime(2030, 3, 12, 13, 0, tzinfo=UTC)


def test_open_the_inbox_and_follow_a_reminders_link(
    page: Page, app: Flask, smtp, session: Session, make_entity, make_user: Callable[..., User]
) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    make_entity(acronym="ILO")
    user = make_user("focal_point", entity="ILO", email="ilo@icat.example")
    with clock.frozen(T - timedelta(days=20)):
        meeting = meetings.create_meeting(
            session,
            actor=SYSTEM,
            title="Spring session",
            kind="working_group",
            starts_at=T,
            ends_at=T + timedelta(hours=2),
            timezone="Europe/Vienna",
            invitees=["ILO"],
            reminder_offsets=["P1D"],
        )
        session.commit()
    tick(app, T - timedelta(days=20))
    tick(app, T - timedelta(days=1))
    assert len(smtp.keys()) == 2  # the invitation and the reminder, by mail

    sign_in(page, user.email, PASSWORD)
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_text("2 unread notices.")).to_be_visible()
    reminder = page.locator("article.notice", has_text="Reminder: Spring session")
    expect(reminder).to_have_count(1)
    expect(reminder).to_contain_text("Spring session starts")
    expect(page.get_by_text("meeting_reminder")).to_have_count(0)
    reminder.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.id}$"))
    expect(page.get_by_role("heading", name="Spring session")).to_be_visible()
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_text("1 unread notice.")).to_be_visible()
    expect(page.locator("article.notice.read", has_text="Reminder: Spring session")).to_have_count(1)
