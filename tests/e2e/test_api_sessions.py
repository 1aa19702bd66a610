"""End to end: one session of a weekly series through the API — its own answer over the
series' one, attendance once it has begun, its own minutes — each read back from the
database; a session that is not part of the series is 404, too late or too early is 409."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.meetings.models import ActionItem, Decision, Document, Meeting, OccurrenceOverride
from icat.meetings.session_models import Attendance, SessionMinutes, SessionRsvp
from tests.conftest import count
from tests.support import sessions as weekly
from tests.support.sessions import FIRST, SECOND

series = weekly.series  # the fixture

THIRD = FIRST + timedelta(weeks=2)
BEFORE_ALL = FIRST - timedelta(days=10)


def key(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def url(meeting: Meeting, moment: datetime, tail: str = "") -> str:
    return f"/api/v1/meetings/{meeting.id}/sessions/{key(moment)}{tail}"


def test_a_session_answer_overrides_the_series_answer_for_that_session_only(
    client: FlaskClient, bearer, series: Meeting, session: Session
) -> None:
    fp = bearer("focal_point", "IOM")
    with clock.frozen(BEFORE_ALL):
        assert (
            client.put(
                f"/api/v1/meetings/{series.id}/rsvp", json={"entity": "IOM", "response": "yes"}, headers=fp
            ).status_code
            == 200
        )
        answered = client.put(url(series, SECOND, "/rsvp"), json={"entity": "IOM", "response": "no"}, headers=fp)
        assert answered.status_code == 200, answered.get_json()
        assert answered.get_json()["response"] == "no"
        again = client.put(url(series, SECOND, "/rsvp"), json={"entity": "IOM", "response": "no"}, headers=fp)
        assert again.status_code == 200
        second = client.get(url(series, SECOND), headers=fp).get_json()
        first = client.get(url(series, FIRST), headers=fp).get_json()
    assert second["answers"] == [{"entity": "IOM", "response": "no", "own": True}]
    assert first["answers"] == [{"entity": "IOM", "response": "yes", "own": False}]
    rows = [(r.recurrence_id, r.entity.acronym, r.response) for r in session.query(SessionRsvp)]
    assert rows == [(SECOND, "IOM", "no")]
    refused = client.put(url(series, SECOND, "/rsvp"), json={"entity": "ILO", "response": "no"}, headers=fp)
    assert refused.status_code == 403  # a focal point answers for its own entity only


def test_a_session_not_in_the_series_is_404_and_an_answer_after_it_is_409(
    client: FlaskClient, bearer, series: Meeting, session: Session
) -> None:
    staff = bearer("secretariat")
    body = {"entity": "IOM", "response": "yes"}
    assert client.put(url(series, FIRST + timedelta(days=1), "/rsvp"), json=body, headers=staff).status_code == 404
    assert client.get(url(series, FIRST + timedelta(weeks=6)), headers=staff).status_code == 404  # a seventh
    assert client.get(f"/api/v1/meetings/{series.id}/sessions/tuesday", headers=staff).status_code == 422
    with clock.frozen(SECOND + timedelta(hours=2)):
        over = client.put(url(series, SECOND, "/rsvp"), json=body, headers=staff)
        assert over.status_code == 409 and "over" in over.get_json()["message"]
        assert client.put(url(series, THIRD, "/rsvp"), json=body, headers=staff).status_code == 200
    assert count(session, SessionRsvp) == 1


def test_attendance_is_kept_once_a_session_has_begun(
    client: FlaskClient, bearer, series: Meeting, session: Session
) -> None:
    staff = bearer("secretariat")
    attended = {"attended": [{"entity": "IOM", "people": "A. Focal, B. Deputy"}, {"entity": "ILO"}]}
    with clock.frozen(SECOND - timedelta(minutes=5)):
        early = client.put(url(series, SECOND, "/attendance"), json=attended, headers=staff)
        assert early.status_code == 409 and "not started" in early.get_json()["message"]
        assert count(session, Attendance) == 0
    with clock.frozen(SECOND + timedelta(minutes=10)):
        done = client.put(url(series, SECOND, "/attendance"), json=attended, headers=staff)
        assert done.status_code == 200, done.get_json()
        unknown = client.put(url(series, SECOND, "/attendance"), json={"attended": [{"entity": "XYZ"}]}, headers=staff)
        assert unknown.status_code == 422 and "attended" in unknown.get_json()["fields"]
        fp = bearer("focal_point", "IOM")
        assert client.put(url(series, SECOND, "/attendance"), json=attended, headers=fp).status_code == 403
    session.expire_all()
    rows = sorted((a.recurrence_id, a.entity.acronym, a.people) for a in session.query(Attendance))
    assert rows == [(SECOND, "ILO", ""), (SECOND, "IOM", "A. Focal, B. Deputy")]


def test_a_session_has_its_own_minutes_decisions_and_action_items(
    client: FlaskClient, bearer, series: Meeting, session: Session
) -> None:
    staff = bearer("secretariat")
    minutes = {
        "text": "Discussed the **World Day** statement.",
        "decisions": ["Circulate the draft by Friday."],
        "action_items": [{"text": "Send the draft", "owner": "IOM", "due_on": "2030-03-15"}],
    }
    done = client.put(url(series, SECOND, "/minutes"), json=minutes, headers=staff)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["decisions"] == ["Circulate the draft by Friday."]
    assert done.get_json()["action_items"][0]["owner"] == "IOM"
    series_minutes = client.put(
        f"/api/v1/meetings/{series.id}/minutes",
        json={"text": "Series", "decisions": ["Series decision"]},
        headers=staff,
    )
    assert series_minutes.status_code == 200
    session.expire_all()
    assert [(m.recurrence_id, m.text) for m in session.query(SessionMinutes)] == [(SECOND, minutes["text"])]
    assert sorted((d.recurrence_id is None, d.text) for d in session.query(Decision)) == [
        (False, "Circulate the draft by Friday."),
        (True, "Series decision"),
    ]
    assert [(a.recurrence_id, a.owner.acronym) for a in session.query(ActionItem)] == [(SECOND, "IOM")]
    bad = client.put(url(series, SECOND, "/minutes"), json=minutes | {"decisions": [""]}, headers=staff)
    assert bad.status_code == 422
    assert count(session, Decision) == 2  # nothing half-written
    assert client.put(url(series, SECOND, "/minutes"), json=minutes | {"version": 1}, headers=staff).status_code == 422


def test_a_session_document_and_a_cancelled_session_reason_through_the_api(
    client: FlaskClient, bearer, series: Meeting, session: Session
) -> None:
    staff = bearer("secretariat")
    pdf = {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "second.pdf")}
    done = client.post(url(series, SECOND, "/documents"), data=pdf, content_type="multipart/form-data", headers=staff)
    assert done.status_code == 201
    assert [d["filename"] for d in client.get(url(series, SECOND), headers=staff).get_json()["documents"]] == [
        "second.pdf"
    ]
    assert client.get(url(series, FIRST), headers=staff).get_json()["documents"] == []
    pdf = {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "x.pdf")}
    missing = client.post(
        url(series, FIRST + timedelta(hours=1), "/documents"),
        data=pdf,
        content_type="multipart/form-data",
        headers=staff,
    )
    assert missing.status_code == 404
    rid = key(THIRD)
    cancelled = client.post(
        f"/api/v1/meetings/{series.id}/occurrences/{rid}/cancel", json={"reason": "Holiday"}, headers=staff
    )
    assert cancelled.status_code == 200
    unknown = client.post(
        f"/api/v1/meetings/{series.id}/occurrences/{key(FIRST)}/cancel", json={"version": 3}, headers=staff
    )
    assert unknown.status_code == 422
    session.expire_all()
    assert [(d.recurrence_id, d.filename) for d in session.query(Document)] == [(SECOND, "second.pdf")]
    assert [(o.recurrence_id, o.cancel_reason) for o in session.query(OccurrenceOverride)] == [(THIRD, "Holiday")]
    answer = client.put(url(series, THIRD, "/rsvp"), json={"entity": "IOM", "response": "yes"}, headers=staff)
    assert answer.status_code == 409 and "cancelled" in answer.get_json()["message"]


@pytest.mark.parametrize("rid", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2030-03-05T13:00:00", "x"])
def test_a_session_named_by_no_instant_is_422(client: FlaskClient, bearer, series: Meeting, rid: str) -> None:
    response = client.get(f"/api/v1/meetings/{series.id}/sessions/{rid}", headers=bearer("secretariat"))
    assert response.status_code == 422 and "recurrence_id" in response.get_json()["fields"]
