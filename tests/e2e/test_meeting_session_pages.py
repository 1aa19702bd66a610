"""End to end: the page of one session of a weekly series, as a browser without JavaScript
uses it — an answer for this session alone, attendance once it has begun, its own minutes
and documents — each read back from the database; 404 and 409 where the rules say."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.meetings.models import ActionItem, Decision, Document, Meeting, Rsvp
from icat.meetings.session_models import Attendance, SessionMinutes, SessionRsvp
from tests.conftest import count
from tests.e2e.test_meeting_pages import signed_in, text
from tests.support import sessions as weekly
from tests.support.html_forms import form_fields
from tests.support.sessions import FIRST, SECOND

series = weekly.series  # the fixture


def key(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


@contextmanager
def signed_in_at(client: FlaskClient, user, moment: datetime) -> Iterator[FlaskClient]:
    """The clock at ``moment``, signed in then (a sign-in expires like any other)."""
    with clock.frozen(moment):
        yield signed_in(client, user)


def page_url(meeting: Meeting, moment: datetime) -> str:
    return f"/meetings/{meeting.id}/sessions/{key(moment)}"


def test_a_focal_point_answers_one_session_differently_from_the_series(
    client: FlaskClient, make_user, series: Meeting, session: Session
) -> None:
    fp = make_user("focal_point", "IOM")
    with signed_in_at(client, fp, FIRST - timedelta(days=3)):
        detail = client.get(f"/meetings/{series.id}")
        series_answer = form_fields(detail, "/rsvp") | {"rsvp-entity": "IOM", "rsvp-response": "yes"}
        assert client.post(f"/meetings/{series.id}/rsvp", data=series_answer).status_code == 302
        assert page_url(series, SECOND) in text(client.get(f"/meetings/{series.id}"))  # each session is linked
        shown = client.get(page_url(series, SECOND))
        assert shown.status_code == 200 and "Every Tuesday, 6 times" in text(shown)
        answer = form_fields(shown, "/rsvp") | {"srsvp-entity": "IOM", "srsvp-response": "no"}
        done = client.post(page_url(series, SECOND) + "/rsvp", data=answer)
        assert done.status_code == 302
        second, first = text(client.get(page_url(series, SECOND))), text(client.get(page_url(series, FIRST)))
    assert "IOM: No" in second and "(for this session)" in second
    assert "IOM: Yes" in first and "(the series' answer)" in first
    assert [(r.entity.acronym, r.response) for r in session.query(Rsvp)] == [("IOM", "yes")]
    assert [(r.recurrence_id, r.response) for r in session.query(SessionRsvp)] == [(SECOND, "no")]
    with signed_in_at(client, fp, SECOND + timedelta(hours=3)):
        late = client.post(page_url(series, SECOND) + "/rsvp", data=answer | {"srsvp-response": "yes"})
        assert late.status_code == 409 and "over" in text(late)
        assert "answers are closed" in text(client.get(page_url(series, SECOND)))
        assert client.get(f"/meetings/{series.id}/sessions/{key(FIRST + timedelta(days=1))}").status_code == 404
        assert client.get(f"/meetings/{series.id}/sessions/next-tuesday").status_code == 404


def test_the_secretariat_records_attendance_once_the_session_has_begun(
    client: FlaskClient, make_user, series: Meeting, session: Session
) -> None:
    staff = make_user("secretariat")
    with signed_in_at(client, staff, SECOND - timedelta(hours=1)):
        before = client.get(page_url(series, SECOND))
        assert "once the session has begun" in text(before)
    with signed_in_at(client, staff, SECOND + timedelta(minutes=20)):
        shown = client.get(page_url(series, SECOND))
        fields = form_fields(shown, "/attendance")
        assert {"att-people-0", "att-people-1"} <= set(fields)
        posted = fields | {"att-attended": ["IOM"], "att-people-1": "A. Focal, B. Deputy"}
        done = client.post(page_url(series, SECOND) + "/attendance", data=posted)
        assert done.status_code == 302
        assert "IOM: A. Focal, B. Deputy" in text(client.get(page_url(series, SECOND)))
    with signed_in_at(client, staff, FIRST + timedelta(weeks=3) - timedelta(hours=1)):
        early = client.post(page_url(series, FIRST + timedelta(weeks=3)) + "/attendance", data=posted)
        assert early.status_code == 409 and "not started yet" in text(early)
    assert [(a.recurrence_id, a.entity.acronym, a.people) for a in session.query(Attendance)] == [
        (SECOND, "IOM", "A. Focal, B. Deputy")
    ]


def test_a_session_keeps_its_own_minutes_and_documents(
    client: FlaskClient, make_user, series: Meeting, session: Session
) -> None:
    signed_in(client, make_user("secretariat"))
    form = client.get(page_url(series, SECOND) + "/minutes")
    assert form.status_code == 200 and "the session of" in text(form)
    posted = form_fields(form) | {
        "minutes-text": "We agreed the **theme**.",
        "minutes-decisions-0": "Adopt the theme.",
        "minutes-action_items-0-text": "Draft the statement",
        "minutes-action_items-0-owner": "ILO",
    }
    assert client.post(page_url(series, SECOND) + "/minutes", data=posted).status_code == 302
    shown = text(client.get(page_url(series, SECOND)))
    assert "<strong>theme</strong>" in shown and "Adopt the theme." in shown and "Draft the statement" in shown
    assert "Adopt the theme." not in text(client.get(page_url(series, FIRST)))
    page = client.get(page_url(series, SECOND))
    upload = form_fields(page, "/documents") | {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "session-2.pdf")}
    done = client.post(page_url(series, SECOND) + "/documents", data=upload, content_type="multipart/form-data")
    assert done.status_code == 302
    assert "session-2.pdf" in text(client.get(page_url(series, SECOND)))
    assert "session-2.pdf" not in text(client.get(page_url(series, FIRST)))
    session.expire_all()
    assert [(m.recurrence_id, m.text) for m in session.query(SessionMinutes)] == [(SECOND, "We agreed the **theme**.")]
    assert [(d.recurrence_id, d.text) for d in session.query(Decision)] == [(SECOND, "Adopt the theme.")]
    assert [(a.recurrence_id, a.owner.acronym) for a in session.query(ActionItem)] == [(SECOND, "ILO")]
    assert [(d.recurrence_id, d.filename) for d in session.query(Document)] == [(SECOND, "session-2.pdf")]
    assert count(session, Decision) == 1
