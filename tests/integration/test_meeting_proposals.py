"""Meeting proposals (issue 4: "co-chairs of the year may propose"): who may propose, in
which year, who sees a proposal, who confirms, declines, edits or withdraws it, and that it
gets no reminders until confirmed. Every refusal is followed by a look at the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM, Actor
from icat.core.errors import Conflict, Forbidden, NotFound, StaleVersion, Unauthorized, ValidationError
from icat.core.outbox import OutboxEvent
from icat.meetings import participation, proposals, services
from icat.meetings.models import Meeting, meeting_invitees
from icat.meetings.queries import MeetingFilter, get_meeting, list_meetings
from icat.notifications.models import Delivery, Notice
from icat.notifications.planning import replan_meeting
from icat.rotation import services as rotation
from icat.scheduler import relay_outbox
from tests.conftest import count
from tests.support.proposals import FIELDS, START, YEAR, Cast, propose


def events(session: Session, *types: str) -> list[str]:
    session.expire_all()
    query = sa.select(OutboxEvent.type).where(OutboxEvent.type.in_(types)).order_by(OutboxEvent.id)
    return list(session.scalars(query))


def meeting_events(session: Session) -> int:
    return count(session, OutboxEvent, OutboxEvent.type.like("Meeting%"))


def test_a_cochairs_focal_point_proposes_and_nothing_is_scheduled(session: Session, cast: Cast) -> None:
    meeting = proposals.propose_meeting(session, actor=cast.actor("proposer"), invitees=["ILO"], **FIELDS)
    session.commit()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    assert (stored.status, stored.sequence, stored.version) == ("proposed", 0, 1)
    assert (stored.proposed_by_acronym, stored.proposed_by) == ("IOM", cast.proposer.id)
    assert stored.starts_at == START and stored.invitee_acronyms == ["ILO"]
    [event] = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "MeetingProposed")).all()
    assert event.payload["entity"] == "IOM" and event.payload["proposed_by"] == cast.proposer.id
    assert event.payload["invitees"] == ["ILO"] and event.actor_id == cast.proposer.id
    assert events(session, "MeetingScheduled") == []


@pytest.mark.parametrize(
    ("who", "error", "words"),
    [
        ("outsider", Forbidden, "co-chairs ICAT"),  # ILO's focal point: ILO does not co-chair
        ("viewer", Forbidden, "may not propose"),
        ("secretariat", Forbidden, "schedules meetings itself"),
        (None, Unauthorized, "Sign in"),
    ],
)
def test_only_a_cochairs_focal_point_proposes(
    session: Session, cast: Cast, who: str | None, error: type[Exception], words: str
) -> None:
    actor = cast.actor(who) if who else None
    with pytest.raises(error, match=words):
        proposals.propose_meeting(session, actor=actor, **FIELDS)  # type: ignore[arg-type]
    session.rollback()
    assert count(session, Meeting) == 0 and meeting_events(session) == 0


def test_a_focal_point_of_a_past_cochair_may_not_propose(session: Session, cast: Cast) -> None:
    rotation.record_term(session, actor=SYSTEM, year=2015, chairs=["ILO"])  # long ago: no right today
    session.commit()
    with pytest.raises(Forbidden):
        proposals.propose_meeting(session, actor=cast.actor("outsider"), **(FIELDS | {"starts_at": START}))
    session.rollback()
    assert count(session, Meeting) == 0


def test_the_start_must_fall_in_a_year_the_entity_cochairs_in_the_meetings_own_zone(
    session: Session, cast: Cast
) -> None:
    # 31 December 23:30 UTC is already 1 January 00:30 in Vienna: the local year counts.
    new_year_in_vienna = datetime(YEAR - 1, 12, 31, 23, 30, tzinfo=UTC)
    kept = propose(session, cast, starts_at=new_year_in_vienna, ends_at=new_year_in_vienna + timedelta(hours=1))
    late = datetime(YEAR, 12, 31, 23, 30, tzinfo=UTC)  # 1 January of the next year in Vienna
    with pytest.raises(ValidationError) as caught:
        proposals.propose_meeting(
            session,
            actor=cast.actor("proposer"),
            **(FIELDS | {"starts_at": late, "ends_at": late + timedelta(hours=1)}),
        )
    assert caught.value.fields["starts_at"] == [
        f"Co-chairs propose meetings of the years they co-chair: your entity co-chairs {YEAR}, not {YEAR + 1}."
    ]
    session.rollback()
    assert [m.id for m in session.scalars(sa.select(Meeting))] == [kept.id]


def test_a_proposal_is_checked_like_a_new_meeting(session: Session, cast: Cast) -> None:
    bad = FIELDS | {"ends_at": START - timedelta(hours=1), "timezone": "Mars/Olympus", "invitees": ["NOPE"]}
    with pytest.raises(ValidationError) as caught:
        proposals.propose_meeting(session, actor=cast.actor("proposer"), **bad)
    assert {"ends_at", "timezone", "invitees"} <= set(caught.value.fields)
    session.rollback()
    assert count(session, Meeting) == 0 and meeting_events(session) == 0


def test_only_the_secretariat_and_the_proposing_entity_see_a_proposal(session: Session, cast: Cast) -> None:
    proposal = propose(session, cast, visibility="public")
    scheduled = services.create_meeting(session, actor=cast.actor("secretariat"), **(FIELDS | {"visibility": "public"}))
    session.commit()
    seen = {
        who: [m.id for m in list_meetings(session, actor=cast.actor(who) if who else None, flt=MeetingFilter())]
        for who in ("secretariat", "proposer", "colleague", "outsider", "viewer", None)
    }
    assert seen["secretariat"] == seen["proposer"] == seen["colleague"] == [proposal.id, scheduled.id]
    assert seen["outsider"] == seen["viewer"] == seen[None] == [scheduled.id]
    for who in ("outsider", "viewer", None):
        with pytest.raises(NotFound):
            get_meeting(session, proposal.id, actor=cast.actor(who) if who else None)
    assert get_meeting(session, proposal.id, actor=cast.actor("colleague")).id == proposal.id
    only = list_meetings(session, actor=cast.actor("secretariat"), flt=MeetingFilter(status="proposed"))
    assert [m.id for m in only] == [proposal.id]


def test_a_proposal_whose_entity_is_gone_is_nobodys_but_the_secretariats(
    session: Session, cast: Cast, make_user
) -> None:
    proposal = propose(session, cast)
    session.execute(sa.update(Meeting).where(Meeting.id == proposal.id).values(proposed_by_entity_id=None))
    session.commit()
    no_entity = Actor(user_id=None, label="fp", role="focal_point", entity_id=None)
    assert list_meetings(session, actor=no_entity, flt=MeetingFilter()) == []
    assert [m.id for m in list_meetings(session, actor=cast.actor("secretariat"), flt=MeetingFilter())] == [proposal.id]


def test_the_proposer_edits_its_proposal_and_nobody_else_but_the_secretariat(session: Session, cast: Cast) -> None:
    proposal = propose(session, cast)
    changed = services.update_meeting(
        session, actor=cast.actor("proposer"), meeting_id=proposal.id, version=1, changes={"location": "Geneva"}
    )
    session.commit()
    assert (changed.location, changed.version, changed.status) == ("Geneva", 2, "proposed")
    refusals = [("colleague", Forbidden), ("outsider", NotFound), ("viewer", Forbidden)]
    for who, error in refusals:
        with pytest.raises(error):
            services.update_meeting(
                session, actor=cast.actor(who), meeting_id=proposal.id, version=2, changes={"title": who}
            )
        session.rollback()
    elsewhere = START.replace(year=YEAR + 1)
    with pytest.raises(ValidationError) as caught:
        services.update_meeting(
            session,
            actor=cast.actor("proposer"),
            meeting_id=proposal.id,
            version=2,
            changes={"starts_at": elsewhere, "ends_at": elsewhere + timedelta(hours=1)},
        )
    assert "co-chair" in caught.value.fields["starts_at"][0]
    session.rollback()
    services.update_meeting(
        session, actor=cast.actor("secretariat"), meeting_id=proposal.id, version=2, changes={"title": "Retitled"}
    )
    session.commit()
    session.expire_all()
    stored = session.get(Meeting, proposal.id)
    assert (stored.title, stored.location, stored.starts_at, stored.version) == ("Retitled", "Geneva", START, 3)


def test_once_confirmed_the_proposer_no_longer_edits(session: Session, cast: Cast) -> None:
    proposal = propose(session, cast)
    proposals.confirm_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id)
    session.commit()
    with pytest.raises(Forbidden, match="until the secretariat confirms it"):
        services.update_meeting(
            session, actor=cast.actor("proposer"), meeting_id=proposal.id, version=2, changes={"title": "Mine"}
        )
    session.rollback()
    session.expire_all()
    assert session.get(Meeting, proposal.id).title == FIELDS["title"]


def test_the_secretariat_confirms_a_proposal_once(session: Session, cast: Cast) -> None:
    proposal = propose(session, cast)
    with pytest.raises(Forbidden):
        proposals.confirm_proposal(session, actor=cast.actor("proposer"), meeting_id=proposal.id)
    session.rollback()
    with pytest.raises(StaleVersion):
        proposals.confirm_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id, version=7)
    session.rollback()
    assert count(session, Meeting, Meeting.status == "proposed") == 1
    confirmed = proposals.confirm_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id, version=1)
    session.commit()
    assert (confirmed.status, confirmed.sequence, confirmed.proposed_by_acronym) == ("scheduled", 1, "IOM")
    assert events(session, "MeetingProposed", "MeetingConfirmed", "MeetingScheduled") == [
        "MeetingProposed",
        "MeetingConfirmed",
        "MeetingScheduled",
    ]
    with pytest.raises(Conflict, match="not a proposal"):
        proposals.confirm_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id)
    session.rollback()
    session.expire_all()
    assert (session.get(Meeting, proposal.id).status, session.get(Meeting, proposal.id).version) == ("scheduled", 2)
    assert len(events(session, "MeetingConfirmed", "MeetingScheduled")) == 2


def test_confirming_or_declining_a_scheduled_or_cancelled_meeting_is_refused(session: Session, cast: Cast) -> None:
    secretariat = cast.actor("secretariat")
    scheduled = services.create_meeting(session, actor=secretariat, **FIELDS)
    cancelled = services.create_meeting(session, actor=secretariat, **FIELDS)
    services.cancel_meeting(session, actor=secretariat, meeting_id=cancelled.id)
    session.commit()
    before = meeting_events(session)
    for meeting in (scheduled, cancelled):
        for action in (proposals.confirm_proposal, proposals.decline_proposal):
            with pytest.raises(Conflict):
                action(session, actor=secretariat, meeting_id=meeting.id)
            session.rollback()
    assert count(session, Meeting) == 2 and meeting_events(session) == before
    assert [m.status for m in session.scalars(sa.select(Meeting).order_by(Meeting.id))] == ["scheduled", "cancelled"]


def test_declining_deletes_the_proposal_and_keeps_the_reason_in_the_event(session: Session, cast: Cast) -> None:
    proposal = propose(session, cast, invitees=["ILO"])
    with pytest.raises(Forbidden):
        proposals.decline_proposal(session, actor=cast.actor("proposer"), meeting_id=proposal.id)
    session.rollback()
    with pytest.raises(ValidationError):
        proposals.decline_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id, reason="x" * 2001)
    session.rollback()
    assert count(session, Meeting) == 1
    proposals.decline_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id, reason="Clashes")
    session.commit()
    assert count(session, Meeting) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(meeting_invitees)) == 0
    [event] = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "MeetingDeclined")).all()
    assert (event.payload["reason"], event.payload["entity"], event.payload["title"]) == (
        "Clashes",
        "IOM",
        FIELDS["title"],
    )


def test_the_proposer_withdraws_its_own_proposal(session: Session, cast: Cast) -> None:
    proposal = propose(session, cast)
    for who, error in (("colleague", Forbidden), ("outsider", NotFound), ("viewer", Forbidden)):
        with pytest.raises(error):
            proposals.withdraw_proposal(session, actor=cast.actor(who), meeting_id=proposal.id)
        session.rollback()
    assert count(session, Meeting) == 1
    proposals.withdraw_proposal(session, actor=cast.actor("proposer"), meeting_id=proposal.id)
    session.commit()
    assert count(session, Meeting) == 0 and events(session, "MeetingProposalWithdrawn") == ["MeetingProposalWithdrawn"]
    confirmed = propose(session, cast)
    proposals.confirm_proposal(session, actor=cast.actor("secretariat"), meeting_id=confirmed.id)
    session.commit()
    with pytest.raises(Conflict):
        proposals.withdraw_proposal(session, actor=cast.actor("proposer"), meeting_id=confirmed.id)
    session.rollback()
    assert count(session, Meeting, Meeting.status == "scheduled") == 1


def test_a_proposal_is_neither_cancelled_nor_answered_nor_followed(session: Session, cast: Cast) -> None:
    proposal = propose(session, cast, invitees=["IOM"])
    before = meeting_events(session)
    with pytest.raises(Conflict, match="decline it"):
        services.cancel_meeting(session, actor=cast.actor("secretariat"), meeting_id=proposal.id)
    session.rollback()
    with pytest.raises(Conflict, match="only proposed"):
        participation.give_rsvp(
            session, actor=cast.actor("colleague"), meeting_id=proposal.id, entity="IOM", response="yes"
        )
    session.rollback()
    with pytest.raises(Conflict, match="only proposed"):
        participation.follow(session, actor=cast.actor("colleague"), meeting_id=proposal.id)
    session.rollback()
    session.expire_all()
    assert session.get(Meeting, proposal.id).status == "proposed" and meeting_events(session) == before
    assert count(session, OutboxEvent, OutboxEvent.type.in_(("RsvpGiven", "MeetingFollowed"))) == 0


def deliveries(session: Session, meeting_id: int) -> list[str]:
    session.expire_all()
    query = sa.select(Delivery.key).where(Delivery.subject == f"meeting:{meeting_id}").order_by(Delivery.key)
    return list(session.scalars(query))


def relay(app: Flask) -> None:
    with app.app_context():
        relay_outbox(app)


def notices(session: Session, user_id: int) -> list[tuple[str, dict]]:
    session.expire_all()
    rows = session.scalars(sa.select(Notice).where(Notice.user_id == user_id).order_by(Notice.id))
    return [(n.kind, n.params) for n in rows]


def test_a_proposal_gets_no_reminders_until_confirmed(app: Flask, session: Session, cast: Cast) -> None:
    proposal = propose(session, cast, invitees=["ILO"], reminder_offsets=["P7D", "P1D"])
    assert replan_meeting(session, proposal.id) == (0, 0)
    session.commit()
    relay(app)  # MeetingProposed: the secretariat is told, nothing is planned
    services.update_meeting(
        session, actor=cast.actor("proposer"), meeting_id=proposal.id, version=1, changes={"location": "Geneva"}
    )
    session.commit()
    relay(app)  # MeetingUpdated replans: still nothing for a proposal
    assert deliveries(session, proposal.id) == []
    assert notices(session, cast.secretariat.id) == [
        ("meeting_proposed", {"meeting_id": proposal.id, "title": FIELDS["title"], "entity": "IOM"})
    ]
    proposals.confirm_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id)
    session.commit()
    relay(app)  # MeetingScheduled plans the reminders and the invitation, at the confirmation's sequence
    user = f"user:{cast.outsider.id}"  # ILO's focal point, the invitee's
    assert deliveries(session, proposal.id) == [
        f"meeting:{proposal.id}:P1D:seq2:{user}",
        f"meeting:{proposal.id}:P7D:seq2:{user}",
        f"meeting:{proposal.id}:itip:seq2:{user}",
    ]
    assert notices(session, cast.proposer.id) == [
        ("meeting_proposal_confirmed", {"meeting_id": proposal.id, "title": FIELDS["title"]})
    ]


def test_the_proposer_is_told_of_a_decline_and_nothing_was_ever_planned(
    app: Flask, session: Session, cast: Cast
) -> None:
    proposal = propose(session, cast, invitees=["ILO"])
    proposals.decline_proposal(session, actor=cast.actor("secretariat"), meeting_id=proposal.id, reason="Too late")
    session.commit()
    relay(app)
    assert deliveries(session, proposal.id) == [] and count(session, Delivery) == 0
    [(kind, params)] = notices(session, cast.proposer.id)
    assert kind == "meeting_proposal_declined" and params["reason"] == "Too late"
    assert notices(session, cast.colleague.id) == []
