"""End to end: the calendar, the meeting page and the secretariat's meeting form, as a
browser without JavaScript uses them (forms posted with their CSRF token)."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from icat.accounts.models import User
from icat.core.actor import SYSTEM
from icat.meetings import series
from icat.meetings.models import Document, Meeting, Rsvp
from tests.conftest import count
from tests.e2e.test_pages_auth import csrf_token, login


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    assert login(client, user.email).status_code == 302
    return client


@pytest.fixture
def entities(make_entity) -> None:
    make_entity(acronym="IOM", name="International Organization for Migration")
    make_entity(acronym="ILO", name="International Labour Organization")


def test_calendar_month_and_list_show_visible_meetings(client: FlaskClient, make_meeting, entities) -> None:
    start = datetime(2030, 10, 7, 12, tzinfo=UTC)
    make_meeting(
        title="Public briefing",
        kind="briefing",
        visibility="public",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    make_meeting(title="Members only", visibility="members", starts_at=start, ends_at=start + timedelta(hours=1))
    month = client.get("/meetings?year=2030&month=10")
    assert month.status_code == 200
    page = text(month)
    assert "Public briefing" in page and "Members only" not in page
    assert "October 2030" in page and 'href="/meetings"' in page  # nav link to the calendar
    assert "webcal://" in page and "/calendar/icat.ics" in page
    listed = text(client.get("/meetings?year=2030&month=10&view=list&kind=briefing"))
    assert "Public briefing" in listed and "/calendar/kinds/briefing.ics" in listed
    assert "Public briefing" not in text(client.get("/meetings?year=2030&month=10&kind=working_group"))
    assert client.get("/meetings?month=13").status_code == 422


def test_calendar_places_a_weekly_series_on_each_day_and_strikes_cancelled(
    client: FlaskClient, make_meeting, session: Session
) -> None:
    start = datetime(2030, 3, 4, 13, tzinfo=UTC)  # Mondays 14:00 Vienna, 4 March to 1 April
    meeting = make_meeting(
        title="Weekly call",
        visibility="public",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;COUNT=5",
    )
    series.cancel_occurrence(session, actor=SYSTEM, meeting_id=meeting.id, recurrence_id=start + timedelta(weeks=1))
    session.commit()
    page = text(client.get("/meetings?year=2030&month=3&view=list"))
    assert page.count("Weekly call") == 4 and page.count("<del><bdi>Weekly call</bdi></del>") == 1
    assert "14:00 –" not in page  # the anonymous viewer's zone is UTC
    assert page.count("13:00 – 14:00") == 4 and "12:00" not in page  # Vienna's DST begins on 31 March 2030
    april = text(client.get("/meetings?year=2030&month=4&view=list"))
    assert april.count("Weekly call") == 1 and "12:00" in april
    month = text(client.get("/meetings?year=2030&month=3"))
    grid = month[month.index('<table class="month-grid">') :]
    assert grid.count("Weekly call") == 4
    assert month.count("Weekly call") == 8  # the list a phone shows instead of the grid, too


def test_meeting_page_shows_both_zones_and_agenda(
    client: FlaskClient, make_meeting, make_user, entities, session: Session
) -> None:
    start = datetime(2030, 10, 7, 12, tzinfo=UTC)
    meeting = make_meeting(
        title="Autumn session",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        description="**Bold** <script>x()</script>",
    )
    assert client.get(f"/meetings/{meeting.id}").status_code == 404  # members only
    viewer = make_user("viewer")
    viewer.timezone = "America/New_York"  # the user's own setting
    session.commit()
    signed_in(client, viewer)
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    page = text(response)
    assert "14:00" in page and "(Europe/Vienna)" in page  # the meeting's own time
    assert "08:00" in page and "(America/New_York)" in page  # the viewer's
    raw = response.get_data(as_text=True)
    assert "<strong>Bold</strong>" in raw and "<script>x()" not in raw and "&lt;script&gt;" in raw
    assert f"/calendar/meetings/{meeting.id}.ics" in page


def test_historical_month_precision_shows_no_invented_day(client: FlaskClient, make_meeting) -> None:
    start = datetime(2012, 5, 1, tzinfo=UTC)
    meeting = make_meeting(
        title="Launch of 'The next decade'",
        visibility="public",
        timezone="UTC",
        date_precision="month",
        starts_at=start,
        ends_at=datetime(2012, 6, 1, tzinfo=UTC),
    )
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert "May 2012" in page and "Only the month is known." in page
    assert "00:00" not in page and "1 May" not in page and "May 1" not in page


def fields(response: TestResponse, prefix: str = "m-") -> dict[str, str]:
    return {"csrf_token": csrf_token(response)} | {
        k: v for k, v in re.findall(rf'name="({prefix}[a-z_]+)"[^>]*value="([^"]*)"', response.get_data(as_text=True))
    }


FORM = {
    "m-title": "Working group, autumn session",
    "m-kind": "working_group",
    "m-starts": "2030-10-07T14:00",
    "m-ends": "2030-10-07T17:00",
    "m-timezone": "Europe/Vienna",
    "m-visibility": "members",
    "m-invitees": ["IOM"],
    "m-reminder_plan": "chosen",
    "m-reminders": ["P7D"],
    "m-custom_amount": "1",
    "m-custom_unit": "hours",
}


def test_secretariat_schedules_through_the_form(client: FlaskClient, make_user, entities, session: Session) -> None:
    signed_in(client, make_user("secretariat"))
    form = client.get("/meetings/new")
    assert form.status_code == 200
    response = client.post("/meetings/new", data=FORM | {"csrf_token": csrf_token(form)})
    assert response.status_code == 302, text(response)
    session.expire_all()
    meeting = session.query(Meeting).one()
    assert meeting.starts_at == datetime(2030, 10, 7, 12, tzinfo=UTC)
    assert meeting.invitee_acronyms == ["IOM"] and meeting.reminder_offsets == ["P7D", "PT1H"]
    edit = client.get(f"/meetings/{meeting.id}/edit")
    assert 'value="2030-10-07T14:00"' in edit.get_data(as_text=True)
    changed = client.post(
        f"/meetings/{meeting.id}/edit",
        data=FORM | {"csrf_token": csrf_token(edit), "m-location": "Geneva", "m-version": str(meeting.version)},
    )
    assert changed.status_code == 302
    session.expire_all()
    assert (session.get(Meeting, meeting.id).location, session.get(Meeting, meeting.id).sequence) == ("Geneva", 1)
    edit = client.get(f"/meetings/{meeting.id}/edit")
    silenced = client.post(
        f"/meetings/{meeting.id}/edit",
        data=FORM
        | {"csrf_token": csrf_token(edit), "m-location": "Geneva", "m-reminder_plan": "none", "m-version": "2"},
    )
    assert silenced.status_code == 302
    session.expire_all()
    assert session.get(Meeting, meeting.id).reminder_offsets == []
    assert re.search(r'checked[^>]*value="none"', client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True))
    stale = client.post(f"/meetings/{meeting.id}/edit", data=FORM | {"csrf_token": csrf_token(edit), "m-version": "1"})
    assert stale.status_code == 409 and "version" in text(stale)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"m-ends": "2030-10-07T13:00"}, "Must be after the start."),
        ({"m-timezone": "Vienna"}, "is not an IANA time zone"),
        ({"m-repeat": "rule", "m-recurrence": "FREQ=DAILY"}, "add COUNT or UNTIL"),
        ({"m-custom_amount": "-1"}, "Number must be between 1 and 9999."),
        ({"m-title": ""}, "This field is required."),
    ],
)
def test_the_form_shows_each_problem_inline_and_saves_nothing(
    client: FlaskClient, make_user, entities, session: Session, change: dict[str, str], message: str
) -> None:
    signed_in(client, make_user("secretariat"))
    form = client.get("/meetings/new")
    response = client.post("/meetings/new", data=FORM | change | {"csrf_token": csrf_token(form)})
    assert response.status_code == 422
    assert re.search(r'<small class="error">[^<]*' + re.escape(message), text(response))
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert count(session, Meeting) == 0


def test_form_without_csrf_or_by_a_viewer_is_refused(
    client: FlaskClient, make_user, entities, session: Session
) -> None:
    signed_in(client, make_user("secretariat"))
    assert client.post("/meetings/new", data=FORM).status_code in (400, 422)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/meetings"))})
    other = client.application.test_client()
    signed_in(other, make_user("viewer"))
    assert other.get("/meetings/new").status_code == 403
    assert count(session, Meeting) == 0


def test_focal_point_answers_and_secretariat_cancels_and_uploads(
    client: FlaskClient, make_user, make_meeting, entities, session: Session
) -> None:
    meeting = make_meeting(title="Closed session", visibility="restricted", invitees=["IOM"])
    fp = client.application.test_client()
    signed_in(fp, make_user("focal_point", "IOM"))
    page = fp.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and 'name="rsvp-response"' in page.get_data(as_text=True)
    token = re.search(r'name="rsvp-csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    answered = fp.post(
        f"/meetings/{meeting.id}/rsvp", data={"rsvp-csrf_token": token, "rsvp-entity": "IOM", "rsvp-response": "yes"}
    )
    assert answered.status_code == 302
    refused = fp.post(
        f"/meetings/{meeting.id}/rsvp", data={"rsvp-csrf_token": token, "rsvp-entity": "ILO", "rsvp-response": "no"}
    )
    assert refused.status_code == 422
    assert [(r.entity.acronym, r.response) for r in session.query(Rsvp)] == [("IOM", "yes")]

    signed_in(client, make_user("secretariat"))
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    doc_token = re.search(r'name="doc-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    bad = client.post(
        f"/meetings/{meeting.id}/documents",
        data={"doc-csrf_token": doc_token, "file": (io.BytesIO(b"MZ not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "not a PDF" in text(bad)
    good = client.post(
        f"/meetings/{meeting.id}/documents",
        data={"doc-csrf_token": doc_token, "file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "notes.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302 and count(session, Document) == 1
    cancel_token = re.search(r'name="cancel-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post(
        f"/meetings/{meeting.id}/cancel",
        data={"cancel-csrf_token": cancel_token, "cancel-reason": "No quorum", "cancel-confirm": "y"},
    )
    assert done.status_code == 302
    shown = text(client.get(f"/meetings/{meeting.id}"))
    assert "Cancelled" in shown and "No quorum" in shown and "notes.pdf" in shown
    session.expire_all()
    assert session.get(Meeting, meeting.id).status == "cancelled"
