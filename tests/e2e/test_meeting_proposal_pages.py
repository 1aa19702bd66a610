"""End to end: proposals on the pages, as a browser without JavaScript uses them (forms
posted with their CSRF token): a co-chair's focal point proposes through the meeting form,
the secretariat confirms or declines on the meeting page, the proposer edits or withdraws."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from icat.accounts.models import User
from icat.meetings import services
from icat.meetings.models import Meeting
from tests.conftest import count
from tests.e2e.test_meeting_pages import text
from tests.e2e.test_pages_auth import csrf_token, login
from tests.support.proposals import YEAR, Cast, propose

FORM = {
    "m-title": "Co-chairs' consultation",
    "m-kind": "working_group",
    "m-starts": f"{YEAR}-06-03T14:00",
    "m-ends": f"{YEAR}-06-03T16:00",
    "m-timezone": "Europe/Vienna",
    "m-visibility": "members",
    "m-invitees": ["ILO"],
}
BANNER = "Proposed by IOM — awaiting the secretariat."


def browser(client: FlaskClient, user: User) -> FlaskClient:
    other = client.application.test_client()
    assert login(other, user.email).status_code == 302
    return other


def token(page: TestResponse, prefix: str) -> str:
    found = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert found, f"the page has the {prefix} form"
    return found.group(1)


def stored(session: Session) -> Meeting | None:
    session.expire_all()
    return session.query(Meeting).one_or_none()


def test_a_cochairs_focal_point_proposes_through_the_meeting_form(
    client: FlaskClient, cast: Cast, session: Session
) -> None:
    proposer = browser(client, cast.proposer)
    assert "Propose a meeting" in text(proposer.get("/meetings"))
    form = proposer.get("/meetings/new")
    page = text(form)
    assert form.status_code == 200 and "<h1>Propose a meeting</h1>" in page
    assert "this form sends a proposal: the secretariat confirms or declines it" in page
    sent = proposer.post("/meetings/new", data=FORM | {"csrf_token": csrf_token(form)})
    assert sent.status_code == 302, text(sent)
    meeting = stored(session)
    assert (meeting.status, meeting.proposed_by, meeting.invitee_acronyms) == ("proposed", cast.proposer.id, ["ILO"])
    detail = text(proposer.get(sent.headers["Location"]))
    assert "Meeting proposed: the secretariat confirms or declines it." in detail and BANNER in detail
    assert 'name="withdraw-csrf_token"' in detail and "Change the proposal" in detail
    assert "Add to calendar" not in detail and "Follow (get reminders)" not in detail
    assert 'name="confirm-csrf_token"' not in detail


def test_the_form_refuses_a_year_the_entity_does_not_cochair_and_others_get_403(
    client: FlaskClient, cast: Cast, session: Session
) -> None:
    proposer = browser(client, cast.proposer)
    form = proposer.get("/meetings/new")
    late = {"m-starts": f"{YEAR + 1}-06-03T14:00", "m-ends": f"{YEAR + 1}-06-03T16:00"}
    refused = proposer.post("/meetings/new", data=FORM | late | {"csrf_token": csrf_token(form)})
    assert refused.status_code == 422
    assert re.search(r'<small class="error">[^<]*your entity co-chairs ' + str(YEAR), text(refused))
    outsider = browser(client, cast.outsider)
    assert "Propose a meeting" not in text(outsider.get("/meetings"))
    assert outsider.get("/meetings/new").status_code == 403
    own_token = csrf_token(outsider.get("/meetings"))
    assert outsider.post("/meetings/new", data=FORM | {"csrf_token": own_token}).status_code == 403
    assert count(session, Meeting) == 0


def test_a_proposal_shows_only_to_the_secretariat_and_the_proposing_entity(
    client: FlaskClient, cast: Cast, session: Session
) -> None:
    proposal = propose(session, cast, visibility="public")
    calendar = f"/meetings?year={YEAR}&month=6&view=list"
    for user in (cast.colleague, cast.secretariat):
        reader = browser(client, user)
        assert "(proposed, awaiting the secretariat)" in text(reader.get(calendar))
        assert BANNER in text(reader.get(f"/meetings/{proposal.id}"))
    for reader in (browser(client, cast.outsider), browser(client, cast.viewer), client):
        assert proposal.title not in text(reader.get(calendar))
        assert proposal.title not in text(reader.get(f"/meetings?year={YEAR}&month=6"))
        assert reader.get(f"/meetings/{proposal.id}").status_code == 404
        assert reader.get(f"/meetings/{proposal.id}/reminders").status_code in (302, 404)  # 302: sign in first
    assert browser(client, cast.outsider).get(f"/meetings/{proposal.id}/reminders").status_code == 404
    colleague = text(browser(client, cast.colleague).get(f"/meetings/{proposal.id}"))
    assert 'name="withdraw-csrf_token"' not in colleague and 'name="confirm-csrf_token"' not in colleague


def test_the_secretariat_confirms_on_the_meeting_page(client: FlaskClient, cast: Cast, session: Session) -> None:
    proposal = propose(session, cast)
    secretariat = browser(client, cast.secretariat)
    page = secretariat.get(f"/meetings/{proposal.id}")
    assert "Confirm: schedule it" in text(page) and 'name="decline-reason"' in text(page)
    assert "Cancel this meeting" not in text(page)
    assert secretariat.post(f"/meetings/{proposal.id}/confirm", data={"confirm-version": "1"}).status_code == 400
    proposer = browser(client, cast.proposer)
    own = proposer.get(f"/meetings/{proposal.id}")
    forged = proposer.post(f"/meetings/{proposal.id}/confirm", data={"confirm-csrf_token": token(own, "withdraw")})
    assert forged.status_code == 403
    assert stored(session).status == "proposed"
    done = secretariat.post(
        f"/meetings/{proposal.id}/confirm", data={"confirm-csrf_token": token(page, "confirm"), "confirm-version": "1"}
    )
    assert done.status_code == 302
    assert (stored(session).status, stored(session).sequence) == ("scheduled", 1)
    after = text(secretariat.get(f"/meetings/{proposal.id}"))
    assert "Meeting confirmed: it is on the calendar now." in after and BANNER not in after
    assert "Add to calendar" in after and "Cancel this meeting" in after
    again = secretariat.post(
        f"/meetings/{proposal.id}/confirm", data={"confirm-csrf_token": token(page, "confirm"), "confirm-version": "2"}
    )
    assert again.status_code == 409 and "is not a proposal" in text(again)


def test_confirming_what_the_proposer_changed_meanwhile_is_refused(
    client: FlaskClient, cast: Cast, session: Session
) -> None:
    proposal = propose(session, cast)
    secretariat = browser(client, cast.secretariat)
    page = secretariat.get(f"/meetings/{proposal.id}")  # shows version 1
    services.update_meeting(
        session, actor=cast.actor("proposer"), meeting_id=proposal.id, version=1, changes={"location": "Geneva"}
    )
    session.commit()
    stale = secretariat.post(
        f"/meetings/{proposal.id}/confirm", data={"confirm-csrf_token": token(page, "confirm"), "confirm-version": "1"}
    )
    assert stale.status_code == 409 and "you edited version 1" in text(stale)
    assert stored(session).status == "proposed"


def test_the_secretariat_declines_on_the_meeting_page(client: FlaskClient, cast: Cast, session: Session) -> None:
    url = f"/meetings/{propose(session, cast).id}"
    secretariat = browser(client, cast.secretariat)
    page = secretariat.get(url)
    too_long = {"decline-csrf_token": token(page, "decline"), "decline-version": "1", "decline-reason": "x" * 2001}
    refused = secretariat.post(f"{url}/decline", data=too_long)
    assert refused.status_code == 422 and "longer than 2000 characters" in text(refused)
    assert count(session, Meeting) == 1
    done = secretariat.post(f"{url}/decline", data=too_long | {"decline-reason": "Clashes"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/meetings")
    assert "Proposal declined; the proposer is told." in text(secretariat.get("/meetings"))
    assert count(session, Meeting) == 0
    assert secretariat.get(url).status_code == 404


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_only_the_proposer_edits_or_withdraws_on_the_pages(
    client: FlaskClient, cast: Cast, session: Session, who: str
) -> None:
    proposal = propose(session, cast)
    other = browser(client, getattr(cast, who))
    expected = 403 if who == "colleague" else 404
    assert other.get(f"/meetings/{proposal.id}/edit").status_code == expected
    own_token = csrf_token(other.get("/meetings"))  # a valid token of its own session
    refused = other.post(f"/meetings/{proposal.id}/withdraw", data={"withdraw-csrf_token": own_token})
    assert refused.status_code == expected
    assert count(session, Meeting) == 1
    proposer = browser(client, cast.proposer)
    edit = proposer.get(f"/meetings/{proposal.id}/edit")
    assert f'value="{YEAR}-06-03T14:00"' in edit.get_data(as_text=True)  # in the meeting's own zone
    changed = proposer.post(
        f"/meetings/{proposal.id}/edit",
        data=FORM | {"csrf_token": csrf_token(edit), "m-location": "Geneva", "m-version": "1"},
    )
    assert changed.status_code == 302
    assert (stored(session).location, stored(session).status) == ("Geneva", "proposed")
    page = proposer.get(f"/meetings/{proposal.id}")
    gone = proposer.post(
        f"/meetings/{proposal.id}/withdraw",
        data={"withdraw-csrf_token": token(page, "withdraw"), "withdraw-version": "2"},
    )
    assert gone.status_code == 302 and count(session, Meeting) == 0
