"""The dashboard after sign-in and the public landing page: what each viewer sees, nothing
more, and a fixed number of SQL statements however much data there is."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import minutes, participation
from icat.notifications.models import Delivery, Notice
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.publications import circulation
from icat.publications.reference import seed_history
from icat.registry.reference import load_reference
from icat.rotation import services as rotation
from icat.workplan import activities
from icat.workplan import services as workplans
from tests.e2e.test_pages_auth import login
from tests.support.publications import NOW, PubCast
from tests.support.statements import StatementCounter

DAY = timedelta(days=1)


def page(client: FlaskClient) -> str:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    return html.unescape(response.get_data(as_text=True))


def section(text: str, heading: str) -> str:
    """The text from ``heading`` up to the next heading of the same page."""
    start = text.index(heading)
    ends = [i for i in (text.find("<h2", start + 1), text.find("<h3", start + 1)) if i != -1]
    return text[start : min(ends) if ends else None]


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@pytest.fixture
def world(session: Session, pubcast: PubCast, draft, make_meeting, frozen) -> dict[str, Any]:
    """IOM is invited to a meeting it has not answered, asked to endorse a text, owns an
    overdue and a later action item and co-leads an activity with a milestone due."""
    invited = make_meeting(title="Working group on data", starts_at=NOW + 5 * DAY, invitees=["IOM"])
    answered = make_meeting(title="Already answered", starts_at=NOW + 6 * DAY, invitees=["IOM"])
    participation.give_rsvp(
        session, actor=pubcast.actor(pubcast.iom), meeting_id=answered.id, entity="IOM", response="yes"
    )
    past = make_meeting(title="March plenary", starts_at=NOW - 40 * DAY)
    items = [
        {"text": "Send the later figures", "owner": "IOM", "due_on": date(2030, 6, 1)},
        {"text": "Send the overdue figures", "owner": "IOM", "due_on": date(2030, 4, 20)},
        {"text": "Someone else's task", "owner": "ILO", "due_on": date(2030, 4, 1)},
    ]
    minutes.record_minutes(session, actor=SYSTEM, meeting_id=past.id, text="", decisions=[], action_items=items)
    pub = draft(title="Joint statement for the World Day")
    circulation.circulate(
        session,
        actor=pubcast.actor(pubcast.secretariat),
        publication_id=pub.id,
        procedure="silence",
        deadline=NOW + 14 * DAY,
        entities=["IOM", "UNHCR"],
    )
    plan = workplans.create_plan(session, actor=SYSTEM, title="Workplan 2030", start_year=2030, end_year=2030)
    activities.add_activity(
        session,
        actor=SYSTEM,
        plan_id=plan.id,
        title="Issue brief on technology",
        pillar="prevention",
        lead_entities=["ILO"],
        co_lead_entities=["IOM"],
        starts_on=date(2030, 1, 1),
        ends_on=date(2030, 12, 31),
        milestones=[{"title": "Draft circulated", "due_on": date(2030, 5, 10)}],
    )
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    return {"invited": invited, "answered": answered, "pub": pub}


def notice(session: Session, user_id: int, kind: str, *, read: bool = False) -> None:
    session.add(Notice(user_id=user_id, kind=kind, params={}, created_at=NOW - DAY, read_at=NOW if read else None))


def test_a_focal_point_sees_what_awaits_its_entity(
    client: FlaskClient, session: Session, world, pubcast: PubCast
) -> None:
    notice(session, pubcast.iom.id, "password_reset")
    notice(session, pubcast.iom.id, "invitation", read=True)
    session.commit()
    assert login(client, pubcast.iom.email).status_code == 302
    text = page(client)
    rsvps = section(text, "Replies to invitations")
    assert "Working group on data" in rsvps and "Already answered" not in rsvps
    rounds = section(text, "Texts to endorse")
    assert "Joint statement for the World Day" in rounds and "Deadline" in rounds and "2030" in rounds
    actions = section(text, "<h3>Action items")
    assert actions.index("Send the overdue figures") < actions.index("Send the later figures")
    assert "Overdue" in actions and "Someone else's task" not in actions
    assert "Draft circulated" in section(text, "Workplan milestones due")
    meetings = section(text, "My next meetings")
    assert "Working group on data" in meetings and "(Europe/Vienna)" in meetings
    assert "Your time:" in meetings and "(UTC)" in meetings  # the viewer's zone beside the meeting's
    assert "days left" in section(text, "World Day against Trafficking in Persons")
    assert "For the secretariat" not in text
    inbox = section(text, "<h2>Inbox")
    assert "1 unread notice" in inbox and "Password reset" in inbox and "Invitation to the workspace" in inbox


def test_answering_removes_the_round_and_the_rsvp(client: FlaskClient, session: Session, world, pubcast) -> None:
    participation.give_rsvp(
        session, actor=pubcast.actor(pubcast.iom), meeting_id=world["invited"].id, entity="IOM", response="no"
    )
    circulation.respond(
        session, actor=pubcast.actor(pubcast.iom), publication_id=world["pub"].id, entity="IOM", decision="endorse"
    )
    session.commit()
    assert login(client, pubcast.iom.email).status_code == 302
    text = page(client)
    assert "No invitation is waiting for your entity's reply." in text
    assert "No circulated text is waiting for your entity's answer." in text


def failed_delivery(session: Session, n: int, status: str = "failed") -> None:
    session.add(
        Delivery(
            key=f"test:failed:{n}",
            kind="reminder",
            subject=f"meeting:{n}",
            recipient_label=f"person{n}@icat.example",
            email=f"person{n}@icat.example",
            params={"title": f"Reminder that bounced {n}"},
            due_at=NOW - DAY,
            status=status,
            attempts=5,
            last_error="550 mailbox unavailable",
            created_at=NOW - DAY,
            updated_at=NOW - DAY,
        )
    )


def test_the_secretariat_sees_failed_deliveries_and_entities_without_focal_point(
    client: FlaskClient, session: Session, world, pubcast: PubCast, make_entity
) -> None:
    make_entity(acronym="WHO", name="World Health Organization")
    failed_delivery(session, 1)
    failed_delivery(session, 2, "skipped")
    session.commit()
    assert login(client, pubcast.secretariat.email).status_code == 302
    text = page(client)
    deliveries = section(text, "Failed or skipped deliveries")
    assert "Reminder that bounced 1" in deliveries and "Reminder that bounced 2" in deliveries
    circulations = section(text, "Open circulations")
    assert "Joint statement for the World Day" in circulations and "0 of 2 answered" in circulations
    orphans = section(text, "Entities without a focal point")
    assert "WHO" in orphans and "IOM" not in orphans and "ILO" not in orphans


def test_anonymous_sees_public_meetings_publications_and_feeds_only(
    client: FlaskClient, session: Session, world, make_meeting
) -> None:
    make_meeting(title="Public launch event", starts_at=NOW + 3 * DAY, visibility="public")
    seed_history(session, actor=SYSTEM, data=load_reference())
    session.commit()
    text = page(client)
    assert "Public launch event" in section(text, "Upcoming public meetings")
    for hidden in ("Working group on data", "Joint statement for the World Day", "Send the overdue figures"):
        assert hidden not in text
    latest = section(text, "Latest publications")
    assert latest.count("<li>") == 5
    assert "webcal://" in text and "/icat.ics" in text and "/observances.ics" in text and "/publications.atom" in text
    assert "Sign in" in text


def test_empty_states_explain_themselves(client: FlaskClient, make_user, frozen) -> None:
    make_user("viewer", email="reader@icat.example")
    assert page(client).count("No public meetings in the next 30 days.") == 1
    assert login(client, "reader@icat.example").status_code == 302
    text = page(client)
    assert "No meetings in the next 30 days." in text
    assert "This year's co-chairs are not recorded." in text
    assert "The World Day is not recorded in the workspace yet." in text


def more_of_everything(session: Session, make_meeting, pubcast: PubCast, draft, n: int, size: int) -> None:
    """``size`` more meetings (public and members, inviting IOM), action items and failed
    deliveries, and a third as many rounds: every panel grows."""
    for i in range(size):
        visibility = "public" if i % 2 else "members"
        m = make_meeting(title=f"More {n}-{i}", starts_at=NOW + (i + 1) * DAY, invitees=["IOM"], visibility=visibility)
        items = [{"text": f"Task {n}-{i}", "owner": "IOM", "due_on": date(2030, 4, 1) + i * DAY}]
        minutes.record_minutes(session, actor=SYSTEM, meeting_id=m.id, text="", decisions=[], action_items=items)
        failed_delivery(session, 100 * n + i)
        for user in (pubcast.iom, pubcast.secretariat):
            notice(session, user.id, "password_reset", read=bool(i % 2))
    for i in range(size // 3):
        pub = draft(title=f"Text {n}-{i}")
        circulation.circulate(
            session,
            actor=pubcast.actor(pubcast.secretariat),
            publication_id=pub.id,
            procedure="silence",
            deadline=NOW + (10 + i % 10) * DAY,
            entities=["IOM", "UNHCR"],
        )
    session.commit()


@pytest.mark.parametrize("who", ["anonymous", "iom", "secretariat"])
def test_the_statement_count_stays_the_same_as_data_grows(
    client: FlaskClient, session: Session, world, pubcast, draft, make_meeting, statements: StatementCounter, who
) -> None:
    if who != "anonymous":
        assert login(client, getattr(pubcast, who).email).status_code == 302

    def measured() -> int:
        statements.statements.clear()
        page(client)
        return len(statements.statements)

    seed_history(session, actor=SYSTEM, data=load_reference())
    more_of_everything(session, make_meeting, pubcast, draft, 1, 3)  # every panel has rows
    page(client)  # warm: the first request of a session loads what later ones reuse
    before = measured()
    more_of_everything(session, make_meeting, pubcast, draft, 2, 30)  # tenfold
    after = measured()
    assert before == after, statements.statements
    assert before <= 30


def reader_page(client: FlaskClient, session: Session, make_user, at: datetime) -> str:
    """With ICAT's real chair history recorded: the dashboard a viewer sees at ``at``."""
    rotation.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()
    make_user("viewer", email="reader@icat.example")
    with clock.frozen(at):
        assert login(client, "reader@icat.example").status_code == 302
        return page(client)


def test_the_world_day_countdown_theme_step_and_co_chairs_come_from_the_record(
    client: FlaskClient, session: Session, seeded, make_user
) -> None:
    """Real data: on 15 June 2025 the World Day (30 July) is 45 days away, its 2025 theme is
    recorded, the draft statement step (60 days before) is under way, OAS and UNODC co-chair."""
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    text = reader_page(client, session, make_user, datetime(2025, 6, 15, 12, 0, tzinfo=UTC))
    world_day = section(text, "World Day against Trafficking in Persons")
    assert "45 days left" in world_day
    assert "Human Trafficking is Organized Crime – End the Exploitation" in world_day
    assert "Campaign step under way: Draft joint statement circulated" in world_day
    assert "Endorsement deadline (in 15 days)" in world_day
    chairs = section(text, "<h2>Co-chairs 2025</h2>")
    assert "<bdi>Organization of American States</bdi> (<bdi>OAS</bdi>)" in chairs and "<bdi>UNODC</bdi>" in chairs


def test_a_chair_term_the_record_does_not_know_says_so(
    client: FlaskClient, session: Session, seeded, make_user
) -> None:
    """The record holds 2026 with no known chairs: the dashboard says unknown, not missing."""
    text = reader_page(client, session, make_user, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert "This year's co-chairs are not known." in section(text, "<h2>Co-chairs 2026</h2>")


@pytest.mark.parametrize("lang", ["ar", "zh", "fr", "ru", "es"])
def test_both_pages_render_in_each_language(client: FlaskClient, world, pubcast: PubCast, lang: str) -> None:
    """Full pages (every panel filled) render in every UN language asked for (whether the
    catalogue has the language yet is the catalogues' business; a page must never fail)."""
    for signed_in in (False, True):
        if signed_in:
            assert login(client, pubcast.iom.email).status_code == 302
        response = client.get(f"/?lang={lang}")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert 'class="dashboard-panel"' in response.get_data(as_text=True)
