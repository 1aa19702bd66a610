"""Workplan reminders with the worker's own jobs and a frozen clock: milestones remind the
lead entities' focal points 14 and 3 days ahead, once per key, following a moved due date;
the year's rating request; and the mails through a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.notifications.jobs import plan_ahead
from icat.notifications.models import Delivery
from icat.scheduler import deliver_due, relay_outbox
from icat.workplan import activities, services
from tests.e2e.test_pages_auth import login

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DUE = date(2026, 6, 30)


@pytest.fixture
def people(session: Session, make_entity, make_user) -> dict[str, int]:
    """UNODC leads (one focal point), ILO leads with no focal point, IPU co-leads (one)."""
    make_entity(acronym="UNODC")
    make_entity(acronym="ILO")
    make_entity(acronym="IPU", kind="partner", category="intergovernmental_organization")
    unodc = make_user("focal_point", entity="UNODC", email="unodc@icat.example", locale="fr")
    ipu = make_user("focal_point", entity="IPU", email="ipu@icat.example")
    return {"unodc": unodc.id, "ipu": ipu.id}


def tick(app: Flask, at: datetime, *, send: bool = False) -> None:
    with clock.frozen(at), app.app_context():
        relay_outbox(app)
        if send:
            deliver_due(app)


def adopted_activity(session: Session) -> int:
    with clock.frozen(NOW):
        plan = services.create_plan(
            session,
            actor=SYSTEM,
            title="Workplan 2026–2030",
            start_year=2026,
            end_year=2030,
            adopted_on=date(2025, 12, 15),
        )
        activity = activities.add_activity(
            session,
            actor=SYSTEM,
            plan_id=plan.id,
            title="Issue brief",
            pillar="prevention",
            lead_entities=["UNODC", "ILO"],
            co_lead_entities=["IPU"],
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            milestones=[{"title": "Draft circulated", "due_on": DUE}],
        )
        session.commit()
    return activity.id


def pending(session: Session) -> list[tuple[str, datetime, str]]:
    session.expire_all()
    rows = session.query(Delivery).filter(Delivery.kind == "milestone_reminder").order_by(Delivery.key).all()
    return [(r.key.split(":", 3)[3], r.due_at, r.status) for r in rows if r.status in ("pending", "skipped")]


def test_milestones_remind_lead_focal_points_once_14_and_3_days_ahead(app: Flask, session: Session, people) -> None:
    activity_id = adopted_activity(session)
    tick(app, NOW)
    tick(app, NOW)  # a second relay pass and the daily duties plan nothing new
    with clock.frozen(NOW), app.app_context():
        plan_ahead(lambda: Session(bind=session.get_bind()))
    uid = people["unodc"]
    nine = datetime(2026, 6, 16, 7, 0, tzinfo=UTC)  # 09:00 in Vienna (CEST)
    assert pending(session) == [
        ("P14D:entity:ILO", nine, "skipped"),
        (f"P14D:user:{uid}", nine, "pending"),
        ("P3D:entity:ILO", nine + timedelta(days=11), "skipped"),
        (f"P3D:user:{uid}", nine + timedelta(days=11), "pending"),
    ]  # leads only: IPU co-leads and gets none; ILO has no focal point, reported
    assert session.query(Delivery).filter(Delivery.kind == "milestone_reminder").count() == 4
    assert activity_id


def test_a_moved_due_date_replans_and_a_move_back_plans_again(app: Flask, session: Session, people) -> None:
    activity_id = adopted_activity(session)
    tick(app, NOW)
    [milestone] = session.get(activities.Activity, activity_id).milestones
    for new_due, version in ((date(2026, 9, 30), 1), (DUE, 2)):
        with clock.frozen(NOW + timedelta(hours=version)):
            changes = {"milestones": [{"id": milestone.id, "title": "Draft circulated", "due_on": new_due}]}
            activities.update_activity(session, actor=SYSTEM, activity_id=activity_id, version=version, changes=changes)
            session.commit()
        tick(app, NOW + timedelta(hours=version))
        live = [(k, d) for k, d, s in pending(session) if s == "pending"]
        assert [d.date() for _, d in live] == [new_due - timedelta(days=14), new_due - timedelta(days=3)]
    session.expire_all()
    statuses = sorted(r.status for r in session.query(Delivery).filter(Delivery.kind == "milestone_reminder"))
    assert statuses.count("cancelled") == 4 and statuses.count("pending") == 2  # (user rows: the moved-away ones)


def test_a_done_milestone_and_a_draft_plan_remind_nobody(app: Flask, session: Session, people) -> None:
    with clock.frozen(NOW):
        plan = services.create_plan(session, actor=SYSTEM, title="Draft", start_year=2026, end_year=2027)
        activities.add_activity(
            session,
            actor=SYSTEM,
            plan_id=plan.id,
            title="x",
            pillar="protection",
            lead_entities=["UNODC"],
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            milestones=[{"title": "m", "due_on": DUE}],
        )
        session.commit()
    tick(app, NOW)
    assert pending(session) == []


def test_reminders_and_the_rating_request_are_mailed(app: Flask, session: Session, people, smtp, client) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    adopted_activity(session)
    tick(app, NOW)
    tick(app, datetime(2026, 6, 16, 7, 1, tzinfo=UTC), send=True)
    [message] = smtp.messages
    assert message["To"] == "unodc@icat.example" and "Draft circulated" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "/workplans/" in body and "30 juin 2026" in body  # the recipient's language
    december = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
    with clock.frozen(december), app.app_context():
        plan_ahead(lambda: Session(bind=session.get_bind()))
        plan_ahead(lambda: Session(bind=session.get_bind()))
    session.expire_all()
    requests = session.query(Delivery).filter(Delivery.kind == "rating_request").order_by(Delivery.key).all()
    whom = {tuple(r.key.rsplit(":", 2)[1:]) for r in requests}
    assert whom == {("entity", "ILO"), ("user", str(people["ipu"])), ("user", str(people["unodc"]))}
    assert len(requests) == 3  # once each, however often the duties run
    tick(app, december + timedelta(minutes=1), send=True)
    assert len(smtp.messages) == 3
    assert login(client, "unodc@icat.example").status_code == 302  # what was sent is in the inbox too
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Jalon à échéance dans 14 jours" in inbox and "Draft circulated" in inbox  # in French, as the reader
    # Opening the notice (a form: no change on GET) leads to the plan.
    notice = re.search(r'action="(/inbox/\d+/open)"', inbox[inbox.index("Draft circulated") :]).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', inbox).group(1)
    assert client.post(notice, data={"csrf_token": token}).headers["Location"] == "/workplans/1"


def test_daily_duties_reach_a_focal_point_appointed_since(app: Flask, session: Session, people, make_user) -> None:
    adopted_activity(session)
    tick(app, NOW)
    newcomer = make_user("focal_point", entity="UNODC", email="new@icat.example")
    with clock.frozen(datetime(2026, 6, 17, 8, 0, tzinfo=UTC)), app.app_context():  # 13 days before
        plan_ahead(lambda: Session(bind=session.get_bind()))
    keys = [k for k, _due, status in pending(session) if status == "pending"]
    assert f"P3D:user:{newcomer.id}" in keys and f"P14D:user:{newcomer.id}" not in keys  # its moment had passed


def test_the_reminder_plan_through_the_api(app: Flask, session: Session, people, client, bearer) -> None:
    activity_id = adopted_activity(session)
    tick(app, NOW)
    url = f"/api/v1/activities/{activity_id}/reminders"
    everyone = client.get(url, headers=bearer("secretariat")).get_json()["items"]
    assert len(everyone) == 4 and {r["status"] for r in everyone} == {"pending", "skipped"}
    assert client.get(url).status_code == 401
    viewer = client.get(url, headers=bearer("viewer")).get_json()["items"]
    assert viewer == []  # only one's own rows
