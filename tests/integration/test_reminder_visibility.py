"""World Day campaign planning, the reminder plan's visibility, and retrying failed rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.meetings import services as meetings
from icat.notifications import jobs
from icat.notifications.models import Delivery
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.rotation import services as rotation
from icat.scheduler import relay_outbox
from tests.conftest import count

SLUG = "world-day-against-trafficking-in-persons"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def world_day(session: Session, seeded, make_user) -> dict[str, int]:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    return {
        "ilo": make_user("focal_point", entity="ILO").id,  # working group
        "cbss": make_user("focal_point", entity="CBSS").id,  # not in the working group
        "itu": make_user("focal_point", entity="ITU").id,  # will co-chair in 2027
    }


def _campaign(session: Session) -> list[Delivery]:
    session.expire_all()
    return list(session.scalars(sa.select(Delivery).where(Delivery.kind == "campaign_step").order_by(Delivery.key)))


def test_the_daily_job_plans_each_world_day_step_once(
    session: Session, session_factory: sessionmaker[Session], world_day
) -> None:
    with clock.frozen(NOW):
        rotation.record_term(session, actor=SYSTEM, year=2027, chairs=["ITU", "OSCE"])
        session.commit()
        jobs.plan_ahead(session_factory)
        first = [r.key for r in _campaign(session)]
        assert jobs.plan_ahead(session_factory) == []  # the second run plans nothing new
    assert [r.key for r in _campaign(session)] == first
    steps = {
        "theme_agreed": 90,
        "draft_statement_circulated": 60,
        "endorsement_deadline": 30,
        "translations_ready": 7,
        "the_day": 0,
    }
    for row in _campaign(session):
        step = row.params["step"]
        assert row.due_at == datetime(2027, 7, 30, 7, 0, tzinfo=UTC) - timedelta(days=steps[step])  # 09:00 Vienna
        assert row.params["year"] == 2027 and row.status == "pending"
    recipients = {r.user_id for r in _campaign(session)}
    assert recipients == {world_day["ilo"], world_day["itu"]}  # working group and the co-chairs, not CBSS
    assert len(first) == 5 * 2


def test_steps_whose_time_passed_are_not_planned(session: Session, session_factory, world_day) -> None:
    with clock.frozen(datetime(2027, 6, 10, 10, 0, tzinfo=UTC)):  # 50 days before 30 July 2027
        jobs.plan_ahead(session_factory)
    assert {r.params["step"] for r in _campaign(session)} == {"endorsement_deadline", "translations_ready", "the_day"}


def _meeting_with_plan(app: Flask, session: Session, make_entity, make_user) -> tuple[int, int, int]:
    make_entity(acronym="AAA")
    make_entity(acronym="BBB")
    mine = make_user("focal_point", entity="AAA", email="aaa@icat.example").id
    other = make_user("focal_point", entity="BBB", email="bbb@icat.example").id
    start = clock.now() + timedelta(days=10)
    meeting = meetings.create_meeting(
        session,
        actor=SYSTEM,
        title="Briefing to Member States",
        kind="briefing",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        timezone="America/New_York",
        invitees=["AAA", "BBB"],
    )
    session.commit()
    with app.app_context():
        relay_outbox(app)
    return meeting.id, mine, other


def test_the_plan_is_whole_for_the_secretariat_and_personal_for_a_focal_point(
    app: Flask, client: FlaskClient, session: Session, make_entity, make_user, bearer
) -> None:
    meeting_id, mine, _other = _meeting_with_plan(app, session, make_entity, make_user)
    whole = client.get(f"/api/v1/meetings/{meeting_id}/reminders", headers=bearer("secretariat")).get_json()["items"]
    assert {(i["recipient"], i["status"]) for i in whole} == {
        (e, "pending") for e in ("aaa@icat.example", "bbb@icat.example")
    }
    assert len(whole) == 6  # the invitation, P7D and P1D each
    assert sorted(i["kind"] for i in whole).count("meeting_invitation") == 2
    from icat.accounts import services as accounts
    from icat.accounts.models import User

    _token, raw = accounts.create_token(session, actor=SYSTEM, user=session.get(User, mine), kind="api", name="t")
    session.commit()
    own = client.get(f"/api/v1/meetings/{meeting_id}/reminders", headers={"Authorization": f"Bearer {raw}"})
    assert {i["recipient"] for i in own.get_json()["items"]} == {"aaa@icat.example"}  # only their own rows
    assert client.get(f"/api/v1/meetings/{meeting_id}/reminders").status_code == 401  # plans need a sign-in


def test_a_public_meetings_plan_is_not_shown_to_anonymous_readers_nor_its_unaddressed_rows_to_members(
    app: Flask, client: FlaskClient, session: Session, make_entity, make_user, bearer
) -> None:
    """Issue 11 item 14: anonymous readers listed rows such as "UNU has no focal point"."""
    make_entity(acronym="UNU")  # no focal point: its reminders are skipped rows naming no person
    make_entity(acronym="AAA")
    make_user("focal_point", entity="AAA", email="aaa@icat.example")
    start = clock.now() + timedelta(days=10)
    meeting = meetings.create_meeting(
        session,
        actor=SYSTEM,
        title="Public briefing",
        kind="briefing",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        timezone="Europe/Vienna",
        visibility="public",
        invitees=["UNU", "AAA"],
    )
    session.commit()
    with app.app_context():
        relay_outbox(app)
    url = f"/api/v1/meetings/{meeting.id}/reminders"
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "unauthorized"
    whole = client.get(url, headers=bearer("secretariat")).get_json()["items"]
    assert any(i["recipient"] is None or "UNU" in (i["last_error"] or "") for i in whole)
    viewer = client.get(url, headers=bearer("viewer")).get_json()["items"]
    assert viewer == []
    focal = client.get(url, headers=bearer("focal_point", "AAA")).get_json()["items"]
    assert all("UNU" not in (i["last_error"] or "") for i in focal)


def test_failed_deliveries_are_listed_and_retried_by_the_secretariat(
    app: Flask, client: FlaskClient, session: Session, make_entity, make_user, bearer
) -> None:
    meeting_id, _mine, _other = _meeting_with_plan(app, session, make_entity, make_user)
    row = session.scalars(sa.select(Delivery).where(Delivery.subject == f"meeting:{meeting_id}")).first()
    row.status, row.attempts, row.last_error = "failed", 5, "SMTPDataError: (451, b'later')"
    session.commit()
    staff = bearer("secretariat")
    listed = client.get("/api/v1/deliveries?status=failed", headers=staff).get_json()["items"]
    assert [i["id"] for i in listed] == [row.id]
    assert client.get("/api/v1/deliveries", headers=bearer("viewer")).status_code == 403
    assert client.post(f"/api/v1/deliveries/{row.id}/retry", headers=bearer("focal_point", "AAA")).status_code == 403
    retried = client.post(f"/api/v1/deliveries/{row.id}/retry", headers=staff)
    assert retried.status_code == 200 and retried.get_json()["status"] == "pending"
    assert retried.get_json()["attempts"] == 0
    assert client.post(f"/api/v1/deliveries/{row.id}/retry", headers=staff).status_code == 409  # not failed now
    assert count(session, OutboxEvent, OutboxEvent.type == "DeliveryRetried") == 1
    page = client.get("/deliveries")
    assert page.status_code == 302  # pages need a login


def test_the_pages_show_the_plan_and_retry_with_a_form(
    app: Flask, client: FlaskClient, session: Session, make_entity, make_user
) -> None:
    import re

    from tests.conftest import PASSWORD

    meeting_id, _mine, _other = _meeting_with_plan(app, session, make_entity, make_user)
    make_user("secretariat", email="sec@icat.example")
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post("/login", data={"csrf_token": token, "email": "sec@icat.example", "password": PASSWORD})
    plan = client.get(f"/meetings/{meeting_id}/reminders").get_data(as_text=True)
    assert plan.count("aaa@icat.example") == 3 and "Reminder 1 week before" in plan  # listed per group
    row = session.scalars(sa.select(Delivery).where(Delivery.subject == f"meeting:{meeting_id}")).first()
    row.status = "failed"
    session.commit()
    problems = client.get("/deliveries").get_data(as_text=True)
    assert "Retry" in problems
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', problems).group(1)
    assert client.post(f"/deliveries/{row.id}/retry", data={"csrf_token": form_token}).status_code == 302
    session.expire_all()
    assert session.get(Delivery, row.id).status == "pending"
