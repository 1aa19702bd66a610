"""The main flows walked as people walk them, in a real browser: fields found by their visible
labels, buttons and links by their names, each result read on the page and in the database.

- sign in on /login and land on the dashboard; the secretariat schedules a one-off meeting,
  finds it on the calendar's month grid and in its list; a focal point answers it; the
  calendar's subscribe links and a private feed from "My feeds" give webcal:// and https://
  addresses whose feed carries the meeting;
- the secretariat drafts a joint statement (ILO leads it) and circulates it for endorsement;
  the focal point asked endorses it and the statement's page names it as a co-signer;
- the secretariat records next year's co-chairs, as the planner proposes them;
- a lead entity's focal point updates a workplan activity.

(Weekly series, session answers, attendance, agenda items, the inbox and the invitation have
their own browser tests.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings.models import Meeting, Rsvp
from icat.publications.models import Publication, RoundResponse
from icat.registry.models import Entity
from icat.registry.reference import load_reference
from icat.rotation import services as rotation
from icat.rotation.models import ChairTerm
from icat.workplan import activities as workplan_activities
from icat.workplan import services as workplans
from icat.workplan.models import Activity
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp")  # a fixed place to look at after a run: /tmp/icat-flow-*.png
SIGN_OUT = re.compile(r"^Sign out")


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"icat-flow-{name}.png"), full_page=True)


def sign_in_at_login(page: Page, user: User) -> None:
    """Sign in on /login, the fields found by their labels, and land on the dashboard."""
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=f"Sign out {user.email}")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=SIGN_OUT).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def next_month_day(day: int) -> date:
    """A day of next month: the calendar is one "next month" click away."""
    first = clock.today().replace(day=1)
    return (first + timedelta(days=32)).replace(day=day)


def open_next_month(page: Page) -> None:
    """The calendar, then its "next month" link; waits for the styles, which hide the phone's
    copy of the month (both are in the page)."""
    page.get_by_role("link", name="Calendar", exact=True).click()
    with page.expect_navigation(wait_until="load"):
        page.locator("a[rel=next]").click()


def feed_summaries(page: Page, href: str) -> list[str]:
    """The events' titles in the feed at the https:// link's path, fetched from this server
    (the link names the configured public address): a text/calendar body."""
    response = page.request.get(urlsplit(href).path)
    assert response.status == 200, response.text()
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def subscribe_links(page: Page) -> tuple[str, str]:
    """The webcal:// and https:// links of the first subscribe paragraph on the page."""
    links = page.locator("p.subscribe").first
    webcal = links.get_by_role("link", name=re.compile(r"^webcal\b")).get_attribute("href")
    https = links.get_by_role("link", name=re.compile(r"^https\b")).get_attribute("href")
    assert webcal and https
    return webcal, https


def test_schedule_a_meeting_find_it_answer_it_and_subscribe(
    page: Page,
    app: Flask,
    session: Session,
    make_entity: Callable[..., Entity],
    make_user: Callable[..., User],
) -> None:
    app.config["BASE_URL"] = "https://icat.test"  # the public address the links name
    make_entity(acronym="IOM", name="International Organization for Migration", working_group=True)
    secretariat = make_user("secretariat")
    focal_point = make_user("focal_point", "IOM")
    day = next_month_day(10)
    title = "Working group, data session"

    sign_in_at_login(page, secretariat)
    page.get_by_role("link", name="Calendar", exact=True).click()
    page.get_by_role("button", name="Schedule a meeting").click()  # a link styled as a button
    page.get_by_label("Title").fill(title)
    page.get_by_label(re.compile(r"^Kind")).select_option(
        label="Working group meeting"
    )  # its name ends with the choice
    page.get_by_label("Visibility").select_option(label="Public")
    page.get_by_label("Starts (local time)").fill(f"{day.isoformat()}T10:00")
    page.get_by_label("Ends (local time)").fill(f"{day.isoformat()}T12:00")
    page.get_by_label("Time zone").fill("Europe/Vienna")
    page.get_by_label("Location").fill("Vienna International Centre")
    page.get_by_label("The working group (all its members)").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Meeting scheduled.")).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    meeting = session.query(Meeting).one()
    assert (meeting.title, meeting.kind, meeting.visibility, meeting.timezone, meeting.invitee_acronyms) == (
        title,
        "working_group",
        "public",
        "Europe/Vienna",
        ["IOM"],
    )
    assert meeting.starts_at.astimezone(ZoneInfo("Europe/Vienna")).replace(tzinfo=None) == datetime(
        day.year, day.month, day.day, 10
    )

    open_next_month(page)
    grid = page.locator("table.month-grid")
    expect(grid.locator("td", has_text=title).locator("span.day")).to_have_text(str(day.day))
    page.get_by_label("View").select_option(label="List")
    page.get_by_role("button", name="Show").click()
    row = page.locator("table.list-view tbody tr", has_text=title)
    expect(row).to_contain_text("Working group meeting")
    expect(row).to_contain_text("Vienna International Centre")
    shot(page, "calendar-list")
    sign_out(page)

    sign_in_at_login(page, focal_point)
    open_next_month(page)
    page.get_by_role("link", name=title).click()
    expect(page.get_by_text("No answers yet.")).to_be_visible()
    page.get_by_label("For").select_option("IOM")
    page.get_by_role("group", name="Will you attend?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("status").filter(has_text="Your answer is recorded.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="IOM: Yes")).to_be_visible()
    shot(page, "rsvp")
    session.expire_all()
    assert [(r.meeting_id, r.entity.acronym, r.response) for r in session.query(Rsvp)] == [(meeting.id, "IOM", "yes")]

    page.get_by_role("link", name="Calendar", exact=True).click()
    webcal, https = subscribe_links(page)
    assert https == "https://icat.test/calendar/icat.ics"
    assert webcal == "webcal://icat.test/calendar/icat.ics"
    assert title in feed_summaries(page, https)

    page.get_by_role("link", name="My feeds").click()
    page.get_by_label("Name").fill("My phone")
    page.get_by_role("button", name="Create a private feed").click()
    new_feed = page.locator("article", has=page.get_by_role("heading", name="Your new private feed"))
    expect(new_feed).to_contain_text("Copy this address now")
    expect(page.get_by_role("cell", name="My phone")).to_be_visible()
    shot(page, "feeds")
    webcal, https = subscribe_links(new_feed)
    assert re.fullmatch(r"https://icat\.test/calendar/private/[^/]+\.ics", https), https
    assert webcal == "webcal://" + https.removeprefix("https://")
    assert title in feed_summaries(page, https)


def test_a_joint_statement_circulated_for_endorsement_is_endorsed(
    page: Page, session: Session, make_entity: Callable[..., Entity], make_user: Callable[..., User]
) -> None:
    make_entity(acronym="ILO", name="International Labour Organization", working_group=True)
    make_entity(acronym="IOM", name="International Organization for Migration", working_group=True)
    secretariat = make_user("secretariat")
    iom = make_user("focal_point", "IOM")
    title = "Joint statement on the World Day against Trafficking in Persons"
    deadline = (clock.now() + timedelta(days=14)).replace(second=0, microsecond=0, tzinfo=None)

    sign_in_at_login(page, secretariat)  # the secretariat drafts statements (ILO leads this one)
    page.get_by_role("link", name="Publications").click()
    page.get_by_role("link", name="Draft a publication").click()
    page.get_by_label("Kind").select_option(label="Joint statement")
    page.get_by_label("Authoritative language").select_option("en")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text (Markdown)").fill("ICAT calls on States to **protect** victims.")
    page.get_by_label("Lead entities").select_option("ILO")
    page.get_by_label("Year").fill(str(clock.today().year))
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()

    page.get_by_role("link", name="Circulate", exact=True).click()
    page.get_by_label("Endorsement", exact=True).check()
    page.get_by_label("Deadline (UTC)").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Entities asked (none: the working group)").select_option("IOM")
    page.get_by_role("button", name="Circulate").click()
    expect(page.get_by_role("status").filter(has_text="Circulated.")).to_be_visible()
    expect(page.locator("table.round tbody tr")).to_have_text([re.compile(r"^\s*IOM\s*—")])
    sign_out(page)

    sign_in_at_login(page, iom)
    page.get_by_role("link", name="Publications").click()
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Answer the circulation").click()  # a link styled as a button
    expect(page.locator("article.publication-body")).to_contain_text("ICAT calls on States to protect victims.")
    page.get_by_label("For").select_option("IOM")
    page.get_by_label("Endorse").check()
    page.get_by_label("Comment (required with an objection)").fill("IOM endorses the text as circulated.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status").filter(has_text="Your answer is recorded.")).to_be_visible()
    cosigned = page.locator("section.cosigners")
    expect(cosigned.get_by_role("heading", name="Co-signed by")).to_be_visible()
    expect(cosigned.get_by_role("listitem")).to_have_text(["ILO", "IOM"])
    expect(page.locator("hgroup p")).to_contain_text("Adopted")
    expect(page.get_by_role("button", name="Answer the circulation")).to_have_count(0)
    shot(page, "statement")
    sign_out(page)

    sign_in_at_login(page, secretariat)  # who circulated reads the round's answers
    page.get_by_role("link", name="Publications").click()
    page.get_by_role("link", name=title).click()
    expect(page.locator("table.round tbody tr")).to_have_text(
        [re.compile(r"IOM\s*Endorse\s*IOM endorses the text as circulated\.")]
    )
    session.expire_all()
    pub = session.query(Publication).one()
    assert (pub.kind, pub.status, pub.lead_acronyms) == ("joint_statement", "adopted", ["ILO"])
    assert [(r.number, r.procedure, r.status, r.entity_acronyms) for r in pub.rounds] == [
        (1, "endorsement", "adopted", ["IOM"])
    ]
    answer = session.query(RoundResponse).one()
    assert (answer.entity.acronym, answer.decision, answer.comment) == (
        "IOM",
        "endorse",
        "IOM endorses the text as circulated.",
    )


def test_the_secretariat_records_next_years_co_chairs_as_proposed(
    page: Page, session: Session, seeded: list[Entity], make_user: Callable[..., User]
) -> None:
    rotation.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()
    next_year = clock.today().year + 1
    secretariat = make_user("secretariat")

    sign_in_at_login(page, secretariat)
    page.get_by_role("link", name="Co-chairs", exact=True).click()
    proposal = page.locator("article header").filter(has_text=re.compile(rf"^\s*{next_year}:"))
    proposed = [a.strip() for a in proposal.inner_text().split(":", 1)[1].split("·")]
    assert len(proposed) == 2, proposal.inner_text()

    form = page.locator("form", has=page.get_by_role("button", name="Record"))
    form.get_by_label("Year", exact=True).fill(str(next_year))
    form.get_by_label(re.compile(r"^Co-chair")).select_option(proposed[0])
    form.get_by_label("Second co-chair (optional)").select_option(proposed[1])
    form.get_by_label("Note").fill("As the planner proposed.")
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status").filter(has_text=f"Co-chairs for {next_year} recorded.")).to_be_visible()
    history = page.locator("table", has=page.get_by_role("columnheader", name="Sources and notes"))
    cells = history.locator("tbody tr").first.get_by_role("cell")
    expect(cells.nth(0)).to_have_text(str(next_year))
    expect(cells.nth(1)).to_have_text(f"{proposed[0]} · {proposed[1]}")
    expect(cells.nth(3)).to_have_text("No source recorded. As the planner proposed.")
    shot(page, "co-chairs")
    session.expire_all()
    term = session.query(ChairTerm).filter_by(year=next_year).one()
    assert (term.known, term.chairs, term.note) == (True, proposed, "As the planner proposed.")


def test_a_focal_point_updates_a_workplan_activity(
    page: Page, session: Session, make_entity: Callable[..., Entity], make_user: Callable[..., User]
) -> None:
    make_entity(acronym="UNODC", name="United Nations Office on Drugs and Crime")
    this_year = clock.today().year
    plan = workplans.create_plan(
        session,
        actor=SYSTEM,
        title="ICAT workplan, test period",
        start_year=this_year,
        end_year=this_year + 2,
        adopted_on=date(this_year, 1, 15),
    )
    activity = workplan_activities.add_activity(
        session,
        actor=SYSTEM,
        plan_id=plan.id,
        title="Issue brief on technology",
        pillar="prevention",
        lead_entities=["UNODC"],
        starts_on=date(this_year, 2, 1),
        ends_on=date(this_year + 1, 6, 30),
    )
    session.commit()
    focal_point = make_user("focal_point", "UNODC")

    sign_in_at_login(page, focal_point)
    page.get_by_role("link", name="Workplan", exact=True).click()
    page.get_by_role("link", name=plan.title).click()
    row = page.locator(f"#activity-{activity.id}")
    expect(row).to_contain_text("planned")
    row.get_by_role("link", name="Update").click()
    page.get_by_label("Status").select_option(label="in progress")
    page.get_by_label("Progress (0–100 %)").fill("60")
    page.get_by_label(f"Rating for {this_year}").select_option(label="Amber")
    page.get_by_label("Reason (one line)").fill("Drafting took longer than planned.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Activity updated.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/workplans/{plan.id}\?period={this_year}#activity-{activity.id}$"))
    expect(row).to_contain_text("in progress")
    expect(row).to_contain_text("60 %")
    expect(row.locator("span.rag.amber")).to_have_text("Amber")
    expect(row).to_contain_text("Drafting took longer than planned.")
    shot(page, "workplan")
    session.expire_all()
    changed = session.get(Activity, activity.id)
    assert changed is not None
    rating = changed.rating_for(this_year)
    assert (changed.status, changed.progress) == ("in_progress", 60)
    assert rating is not None and (rating.rag, rating.reason) == ("amber", "Drafting took longer than planned.")
