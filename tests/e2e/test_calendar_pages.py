"""End to end: the calendar and meeting pages as people use them — multi-day meetings span
their days, observances are on the calendar, the list gives start and end once, a phone
gets the list; cancelling asks for a reason and a tick, a cancelled session comes back,
documents are deleted from the page, an oversized upload returns the form with a message."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.meetings.models import Document, Meeting, OccurrenceOverride
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from tests.conftest import count
from tests.e2e.test_meeting_pages import signed_in, text
from tests.support import sessions as weekly
from tests.support.html_forms import form_fields
from tests.support.sessions import SECOND

series = weekly.series  # the fixture


def _grid(page: str) -> str:
    return page[page.index('<table class="month-grid">') :]


def _cell(grid: str, day: int) -> str:
    """The grid cell of ``day`` of the shown month."""
    cells = re.findall(r'<td class="(?!other-month)[^"]*">\s*<span class="day">(\d+)</span>(.*?)</td>', grid, re.S)
    return dict(cells)[str(day)]


def test_a_multi_day_meeting_spans_its_days_and_the_list_gives_start_and_end_once(
    client: FlaskClient, make_meeting
) -> None:
    start = datetime(2030, 10, 7, 7, tzinfo=UTC)  # 09:00 Vienna, Monday, to Wednesday 17:00
    make_meeting(
        title="Principals retreat", visibility="public", starts_at=start, ends_at=start + timedelta(days=2, hours=8)
    )
    grid = _grid(text(client.get("/meetings?year=2030&month=10")))
    assert [("Principals retreat" in _cell(grid, d)) for d in (6, 7, 8, 9, 10)] == [False, True, True, True, False]
    assert "↳" in _cell(grid, 8) and "↳" not in _cell(grid, 7)
    listed = text(client.get("/meetings?year=2030&month=10&view=list"))
    table = listed[listed.index('class="meeting-list list-view"') :]
    assert table.count("Principals retreat") == 1
    assert "07:00 – Wednesday, 9 October 2030 at 15:00" in table or re.search(r"07:00 – .*9.*15:00", table)


def test_observances_are_on_the_calendar(client: FlaskClient, session: Session) -> None:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    july = text(client.get("/meetings?year=2030&month=7"))
    assert "World Day against Trafficking in Persons" in _cell(_grid(july), 30)
    assert 'href="/world-day"' in july or "/observances/world-day-against-trafficking-in-persons" in july
    listed = text(client.get("/meetings?year=2030&month=7&view=list"))
    assert "World Day against Trafficking in Persons" in listed
    assert "World Day against Trafficking in Persons" not in text(client.get("/meetings?year=2030&month=6&view=list"))


def test_a_phone_gets_the_list_instead_of_the_grid(client: FlaskClient) -> None:
    page = text(client.get("/meetings?year=2030&month=7"))
    assert 'class="meeting-list phone-list"' in page and 'class="month-grid"' in page
    response = client.get("/static/icat.css")
    css = response.get_data(as_text=True)
    response.close()
    rules = re.findall(r"@media \(max-width: \d+px\) \{(.*?)\n\}", css, re.S)
    rule = next((r for r in rules if "table.month-grid" in r), "")
    assert "table.month-grid { display: none; }" in rule
    assert "table.phone-list { display: block; }" in rule and "table.phone-list { display: none; }" in css


def test_cancelling_asks_for_a_reason_and_a_tick(
    client: FlaskClient, make_user, make_meeting, session: Session
) -> None:
    meeting = make_meeting(title="Spring session")
    signed_in(client, make_user("secretariat"))
    page = client.get(f"/meetings/{meeting.id}")
    fields = form_fields(page, "/cancel")
    assert "cancel-confirm" not in fields and "cancel-reason" in fields
    refused = client.post(f"/meetings/{meeting.id}/cancel", data=fields | {"cancel-reason": "No quorum"})
    assert refused.status_code == 422 and "Tick the box to confirm the cancellation." in text(refused)
    no_reason = client.post(f"/meetings/{meeting.id}/cancel", data=fields | {"cancel-confirm": "y"})
    assert no_reason.status_code == 422 and "Say why it is cancelled." in text(no_reason)
    session.expire_all()
    assert session.get(Meeting, meeting.id).status == "scheduled"
    done = client.post(
        f"/meetings/{meeting.id}/cancel", data=fields | {"cancel-reason": "No quorum", "cancel-confirm": "y"}
    )
    assert done.status_code == 302
    session.expire_all()
    assert (session.get(Meeting, meeting.id).status, session.get(Meeting, meeting.id).cancel_reason) == (
        "cancelled",
        "No quorum",
    )


def test_a_cancelled_session_is_reinstated(client: FlaskClient, make_user, series: Meeting, session: Session) -> None:
    signed_in(client, make_user("secretariat"))
    key = SECOND.strftime("%Y%m%dT%H%M%SZ")
    page = client.get(f"/meetings/{series.id}/occurrences/{key}")
    cancel = form_fields(page, "/cancel") | {"occ-cancel-reason": "Public holiday", "occ-cancel-confirm": "y"}
    assert client.post(f"/meetings/{series.id}/occurrences/{key}/cancel", data=cancel).status_code == 302
    cancelled = client.get(f"/meetings/{series.id}/occurrences/{key}")
    assert "Public holiday" in text(cancelled) and "Put this session back on" in text(cancelled)
    assert "Reinstate this session" in text(client.get(f"/meetings/{series.id}/sessions/{key}"))
    back = client.post(f"/meetings/{series.id}/occurrences/{key}/reinstate", data=form_fields(cancelled, "/reinstate"))
    assert back.status_code == 302
    session.expire_all()
    override = session.query(OccurrenceOverride).one()
    assert (override.status, override.cancel_reason, override.sequence) == ("scheduled", "", 2)
    again = client.post(f"/meetings/{series.id}/occurrences/{key}/reinstate", data=form_fields(cancelled, "/reinstate"))
    assert again.status_code == 409  # not cancelled any more


def test_the_api_reinstates_and_refuses_what_is_not_cancelled(client: FlaskClient, bearer, series: Meeting) -> None:
    staff = bearer("secretariat")
    rid = SECOND.strftime("%Y-%m-%dT%H:%M:%SZ")
    base = f"/api/v1/meetings/{series.id}/occurrences/{rid}"
    assert client.post(f"{base}/reinstate", headers=staff).status_code == 409
    assert client.post(f"{base}/cancel", headers=staff).status_code == 200
    back = client.post(f"{base}/reinstate", headers=staff)
    assert back.status_code == 200 and back.get_json()["status"] == "scheduled"
    assert client.post(f"{base}/reinstate", headers=bearer("viewer")).status_code == 403


@pytest.fixture
def staff_page(client: FlaskClient, make_user, make_meeting):
    meeting = make_meeting(title="Briefing with documents")
    signed_in(client, make_user("secretariat"))
    return client, meeting


def test_documents_are_deleted_from_the_page(staff_page, session: Session) -> None:
    client, meeting = staff_page
    page = client.get(f"/meetings/{meeting.id}")
    upload = form_fields(page, "/documents") | {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "agenda.pdf")}
    assert (
        client.post(f"/meetings/{meeting.id}/documents", data=upload, content_type="multipart/form-data").status_code
        == 302
    )
    document_id = session.query(Document).one().id
    page = client.get(f"/meetings/{meeting.id}")
    delete = form_fields(page, f"/documents/{document_id}/delete")
    unticked = client.post(f"/meetings/{meeting.id}/documents/{document_id}/delete", data=delete)
    assert unticked.status_code == 422 and count(session, Document) == 1
    done = client.post(
        f"/meetings/{meeting.id}/documents/{document_id}/delete", data=delete | {f"del{document_id}-confirm": "y"}
    )
    assert done.status_code == 302 and count(session, Document) == 0
    assert "agenda.pdf" not in text(client.get(f"/meetings/{meeting.id}"))
    assert client.post(f"/meetings/{meeting.id}/documents/{document_id}/delete", data=delete).status_code in (404, 422)


def test_the_upload_limit_is_shown_and_an_oversized_upload_returns_the_form(
    staff_page, session: Session, bearer
) -> None:
    client, meeting = staff_page
    client.application.config["MAX_CONTENT_LENGTH"] = 4096
    client.application.config["DOCUMENT_MAX_BYTES"] = 2048
    page = client.get(f"/meetings/{meeting.id}")
    assert "at most 2.0 KiB" in text(page)
    content = b"%PDF-1.4\n" + b"0" * 10_000
    big = form_fields(page, "/documents") | {"file": (io.BytesIO(content), "big.pdf")}
    response = client.post(f"/meetings/{meeting.id}/documents", data=big, content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/meetings/{meeting.id}#documents")
    shown = text(client.get(response.headers["Location"]))
    assert "The file is too large: at most 2.0 KiB are accepted. Nothing was uploaded." in shown
    assert 'type="file" name="file"' in shown
    assert count(session, Document) == 0
    big["file"] = (io.BytesIO(content), "big.pdf")
    api = client.post(
        f"/api/v1/meetings/{meeting.id}/documents",
        data={"file": big["file"]},
        content_type="multipart/form-data",
        headers=bearer("secretariat"),
    )
    assert api.status_code == 413 and api.get_json()["error"]
