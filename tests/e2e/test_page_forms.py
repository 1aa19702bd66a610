"""End to end: the page-form helper as the meeting page's small buttons use it — a refusal is
shown (flashed, with the service's status), never dropped, and nothing is written."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.calendar import services as calendar_services
from icat.meetings.models import Document, Follower
from tests.conftest import count
from tests.e2e.test_meeting_pages import signed_in, text
from tests.e2e.test_meeting_proposal_pages import browser, token
from tests.e2e.test_pages_auth import csrf_token
from tests.support.proposals import Cast, propose


def test_the_follow_button_says_what_it_wants_and_twice_is_once(
    client: FlaskClient, make_user, make_meeting, session: Session
) -> None:
    meeting = make_meeting(title="Members' session", visibility="members")
    signed_in(client, make_user("viewer"))
    page = client.get(f"/meetings/{meeting.id}")
    assert 'name="follow-state" type="hidden" value="on"' in page.get_data(as_text=True)
    data = {"follow-csrf_token": token(page, "follow"), "follow-state": "on"}
    for _twice in range(2):  # a second tab posting the same button does not undo the first
        assert client.post(f"/meetings/{meeting.id}/follow", data=data).status_code == 302
        assert count(session, Follower) == 1
    shown = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'name="follow-state" type="hidden" value="off"' in shown and "Stop following" in shown
    stop = client.post(f"/meetings/{meeting.id}/follow", data=data | {"follow-state": "off"})
    assert stop.status_code == 302 and count(session, Follower) == 0


def test_the_follow_buttons_refusal_is_shown(client: FlaskClient, cast: Cast, session: Session) -> None:
    proposal = propose(session, cast)  # nothing to follow until the secretariat confirms it
    proposer = browser(client, cast.proposer)
    own = proposer.get(f"/meetings/{proposal.id}")
    data = {"follow-csrf_token": token(own, "withdraw"), "follow-state": "on"}
    refused = proposer.post(f"/meetings/{proposal.id}/follow", data=data)
    assert refused.status_code == 409
    assert "The meeting is only proposed" in text(refused)
    assert count(session, Follower) == 0
    forged = proposer.post(f"/meetings/{proposal.id}/follow", data=data | {"follow-state": "maybe"})
    assert forged.status_code == 422 and "Invalid value" in text(forged)
    assert count(session, Follower) == 0


def test_an_upload_without_a_file_says_so_and_saves_nothing(
    client: FlaskClient, make_user, make_meeting, session: Session
) -> None:
    meeting = make_meeting(title="Members' session", visibility="members")
    signed_in(client, make_user("secretariat"))
    page = client.get(f"/meetings/{meeting.id}")
    data = {"doc-csrf_token": token(page, "doc")}
    missing = client.post(f"/meetings/{meeting.id}/documents", data=data, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a file to upload." in text(missing)
    assert count(session, Document) == 0
    sent = data | {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "notes.pdf")}
    done = client.post(f"/meetings/{meeting.id}/documents", data=sent, content_type="multipart/form-data")
    assert done.status_code == 302 and "Document uploaded." in text(client.get(done.headers["Location"]))
    assert count(session, Document) == 1


def test_revoking_someone_elses_feed_on_the_page_is_refused_and_shown(
    client: FlaskClient, make_user, session: Session
) -> None:
    owner = accounts.actor_for(make_user("viewer", email="owner@icat.example"))
    feed, raw = calendar_services.create_feed_token(session, actor=owner, name="Phone")
    session.commit()
    signed_in(client, make_user("viewer", email="other@icat.example"))
    page = client.get("/account/feeds")
    refused = client.post(f"/account/feeds/{feed.id}/revoke", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 302
    assert "No such token." in text(client.get(refused.headers["Location"]))
    assert client.get(f"/calendar/private/{raw}.ics").status_code == 200  # still the owner's, still working
