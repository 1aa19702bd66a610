"""The workplan page forms (no JavaScript). The activity update form: a lead entity's focal point sets status,
progress and the period's rating; another entity's focal point is refused (403); a bad value
(422) or a stale version (409) is shown beside the form and nothing is saved. The
secretariat's CSV import page names every bad row and column and imports nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.workplan import activities, services
from icat.workplan.models import Activity, Workplan
from tests.conftest import count
from tests.e2e.test_pages_auth import login
from tests.support.html_forms import form_fields


@pytest.fixture
def activity_id(session: Session, plan_entities) -> int:
    plan = services.create_plan(session, actor=SYSTEM, title="Workplan", start_year=2026, end_year=2030)
    activity = activities.add_activity(
        session,
        actor=SYSTEM,
        plan_id=plan.id,
        title="Brief",
        pillar="prevention",
        lead_entities=["UNODC"],
        co_lead_entities=["IPU"],
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    session.commit()
    return activity.id


def as_focal_point(client: FlaskClient, make_user, acronym: str) -> FlaskClient:
    assert login(client, make_user("focal_point", acronym).email).status_code == 302
    return client


def url(activity_id: int) -> str:
    return f"/workplans/activities/{activity_id}/update?period=2026"


def test_focal_point_of_a_lead_updates_status_progress_and_rating(
    client: FlaskClient, make_user, session: Session, activity_id: int
) -> None:
    as_focal_point(client, make_user, "UNODC")
    plan_page = client.get("/workplans/1?period=2026").get_data(as_text=True)
    assert f'href="/workplans/activities/{activity_id}/update?period=2026"' in plan_page
    shown = client.get(url(activity_id))
    assert shown.status_code == 200, shown.get_data(as_text=True)[-800:]
    fields = form_fields(shown)
    assert fields["a-status"] == "planned" and fields["a-progress"] == "0" and fields["a-version"] == "1"
    posted = fields | {"a-status": "in_progress", "a-progress": "60", "a-rating": "green", "a-reason": "On track"}
    response = client.post(url(activity_id), data=posted)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#activity-{activity_id}")
    session.expire_all()
    stored = session.get(Activity, activity_id)
    assert (stored.status, stored.progress, stored.rating_for(2026).rag, stored.version) == (
        "in_progress",
        60,
        "green",
        2,
    )
    assert "Green" in client.get("/workplans/1?period=2026").get_data(as_text=True)
    stale = client.post(url(activity_id), data=posted | {"a-progress": "70"})  # still version 1
    assert stale.status_code == 409 and "version" in stale.get_data(as_text=True)
    bad = client.post(url(activity_id), data=fields | {"a-version": "2", "a-progress": "140"})
    assert bad.status_code == 422
    session.expire_all()
    assert session.get(Activity, activity_id).progress == 60


def test_other_entities_and_anonymous_are_refused(
    client: FlaskClient, make_user, session: Session, activity_id: int
) -> None:
    assert client.get(url(activity_id)).status_code == 302  # to the sign-in page
    as_focal_point(client, make_user, "ILO")
    assert client.get(url(activity_id)).status_code == 403
    before = count(session, OutboxEvent)
    data = {"a-status": "done", "a-progress": "100", "a-period": "2026", "a-version": "1"}
    assert client.post(url(activity_id), data=data).status_code in (400, 403)  # no CSRF token, and not theirs
    assert count(session, OutboxEvent) == before
    session.expire_all()
    assert session.get(Activity, activity_id).status == "planned"


CSV = (
    "title,pillar,lead_entities,starts_on,ends_on,milestones\r\n"
    "Good one,protection,UNODC,2026-01-01,2026-06-30,2026-03-01 Kick-off\r\n"
    "Bad one,protection,IPU,2026-07-01,2026-06-30,2032-01-01 Late\r\n"
)


def test_secretariat_imports_a_csv_through_the_page(
    client: FlaskClient, make_user, session: Session, activity_id: int
) -> None:
    assert login(client, make_user("secretariat").email).status_code == 302
    page_url = "/workplans/1/import"
    shown = client.get(page_url)
    assert shown.status_code == 200
    token = form_fields(shown)["imp-csrf_token"]
    refused = client.post(page_url, data={"imp-csrf_token": token, "imp-file": (io.BytesIO(CSV.encode()), "plan.csv")})
    assert refused.status_code == 422
    tree = etree.HTML(refused.get_data(as_text=True))
    cells = [[("".join(td.itertext())).strip() for td in tr.findall("td")] for tr in tree.xpath("//tbody/tr")]
    assert {(row, column) for row, column, _text in cells} == {
        ("row 3", "lead_entities"),
        ("row 3", "ends_on"),
        ("row 3", "milestones"),
    }
    assert count(session, Activity) == 1  # only the fixture's: nothing imported
    good = CSV.rsplit("\r\n", 2)[0] + "\r\n"
    token = form_fields(client.get(page_url))["imp-csrf_token"]
    done = client.post(page_url, data={"imp-csrf_token": token, "imp-file": (io.BytesIO(good.encode()), "plan.csv")})
    assert done.status_code == 302 and count(session, Activity) == 2
    missing = client.post(page_url, data={"imp-csrf_token": token})
    assert missing.status_code == 422 and "Choose a CSV file." in missing.get_data(as_text=True)


def test_only_the_secretariat_may_import(client: FlaskClient, make_user, activity_id: int) -> None:
    as_focal_point(client, make_user, "UNODC")
    assert client.get("/workplans/1/import").status_code == 403


def test_evidence_through_the_form(
    client: FlaskClient, make_user, make_meeting, session: Session, activity_id: int
) -> None:
    meeting = make_meeting()
    as_focal_point(client, make_user, "IPU")  # a co-lead: may add evidence
    fields = form_fields(client.get(url(activity_id)))
    bad = client.post(url(activity_id), data=fields | {"a-evidence": "meeting:999999; video:3"})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "meeting:999999: there is no such meeting." in body and "{" not in body.split("a-evidence")[1][:400]
    good = client.post(url(activity_id), data=fields | {"a-evidence": f"meeting:{meeting.id}; publication:4"})
    assert good.status_code == 302
    session.expire_all()
    stored = session.get(Activity, activity_id)
    assert [(e.type, e.ref_id) for e in stored.evidence] == [("meeting", meeting.id), ("publication", 4)]
    page = client.get("/workplans/1?period=2026").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}"' in page


def test_secretariat_drafts_and_adopts_a_plan_through_pages(client: FlaskClient, make_user, session: Session) -> None:
    assert login(client, make_user("secretariat").email).status_code == 302
    fields = form_fields(client.get("/workplans/new"))
    bad = client.post(
        "/workplans/new", data=fields | {"plan-title": "Next", "plan-start_year": "2030", "plan-end_year": "2026"}
    )
    assert bad.status_code == 422 and "cannot end before it starts" in bad.get_data(as_text=True)
    made = client.post(
        "/workplans/new", data=fields | {"plan-title": "Next", "plan-start_year": "2031", "plan-end_year": "2035"}
    )
    assert made.status_code == 302
    plan_url = made.headers["Location"]
    adopt = form_fields(client.get(plan_url), "/adopt")
    assert adopt["adopt-version"] == "1"
    assert client.post(f"{plan_url}/adopt", data=adopt | {"adopt-adopted_on": "2030-12-15"}).status_code == 302
    session.expire_all()
    [plan] = session.query(Workplan).all()
    assert (plan.title, plan.adopted_on, plan.baseline) == ("Next", date(2030, 12, 15), {})
    assert 'action="/workplans/1/adopt"' not in client.get(plan_url).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": form_fields(client.get(plan_url), "/logout")["csrf_token"]})
    assert client.get("/workplans/new").status_code == 401
