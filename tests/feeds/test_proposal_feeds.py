"""A proposal is on no calendar (DESIGN §6): no feed carries it — public, per kind, per
entity, anyone's private feed, the secretariat's included — and its "add to calendar" file
answers 404, until the secretariat confirms it."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core.actor import SYSTEM
from icat.meetings import proposals
from tests.e2e.test_pages_auth import login
from tests.feeds.ics import events, parse, uids
from tests.support.proposals import Cast, propose

PUBLIC_FEEDS = (
    "/calendar/icat.ics",
    "/calendar/kinds/briefing.ics",
    "/calendar/entities/IOM.ics",
    "/calendar/entities/ILO.ics",
)


def uid(meeting) -> str:
    return f"meeting-{meeting.id}@icat.test"


def private_feed(session: Session, user: User) -> str:
    _token, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind="feed", name="Outlook")
    session.commit()
    return f"/calendar/private/{raw}.ics"


def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    other = client.application.test_client()
    assert login(other, user.email).status_code == 302
    return other


def test_no_feed_carries_a_proposal_until_it_is_confirmed(
    client: FlaskClient, session: Session, cast: Cast, world_day
) -> None:
    proposal = propose(session, cast, kind="briefing", visibility="public", invitees=["IOM", "ILO"])
    private = [private_feed(session, u) for u in (cast.proposer, cast.colleague, cast.outsider, cast.secretariat)]
    feeds = (*PUBLIC_FEEDS, *private, "/calendar/observances.ics")
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        assert uid(proposal) not in uids(parse(response.data)), url
    ics = f"/calendar/meetings/{proposal.id}.ics"
    for who in (cast.proposer, cast.secretariat):  # both may read the proposal, neither may add it
        assert signed_in(client, who).get(ics).status_code == 404
    assert client.get(ics).status_code == 404

    proposals.confirm_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id)
    session.commit()
    for url in (*PUBLIC_FEEDS, *private):
        assert uid(proposal) in uids(parse(client.get(url).data)), url
    [event] = events(parse(client.get(ics).data), uid(proposal))
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CONFIRMED", 1)


def test_a_declined_proposal_never_reaches_a_feed(client: FlaskClient, session: Session, cast: Cast) -> None:
    proposal = propose(session, cast, visibility="public", invitees=["IOM"])
    proposals.decline_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id, reason="No")
    session.commit()
    for url in (*PUBLIC_FEEDS, private_feed(session, cast.secretariat)):
        assert uid(proposal) not in uids(parse(client.get(url).data)), url
    assert client.get(f"/calendar/meetings/{proposal.id}.ics").status_code == 404
