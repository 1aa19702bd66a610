"""Who sees which meeting (public / members / restricted), RSVPs scoped to the focal point's
own entity, and following a meeting."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from icat.accounts.services import actor_for
from icat.core.actor import Actor
from icat.core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationError
from icat.core.outbox import OutboxEvent
from icat.meetings import participation, services
from icat.meetings.models import Follower, Meeting, Rsvp
from icat.meetings.queries import MeetingFilter, get_meeting, list_meetings
from tests.conftest import count

SECRETARIAT = Actor(user_id=None, label="sec@icat.example", role="secretariat")


@pytest.fixture
def three(make_entity, make_meeting) -> dict[str, Meeting]:
    """A public, a members-only and a restricted meeting (IOM invited), plus ILO and IOM."""
    make_entity(acronym="IOM")
    make_entity(acronym="ILO")
    return {
        "public": make_meeting(title="Briefing", visibility="public", kind="briefing"),
        "members": make_meeting(title="WG", visibility="members"),
        "restricted": make_meeting(title="Closed", visibility="restricted", invitees=["IOM"]),
    }


def titles(session: Session, actor: Actor | None) -> set[str]:
    return {m.title for m in list_meetings(session, actor=actor, flt=MeetingFilter())}


def test_visibility_per_role(session: Session, three: dict[str, Meeting], make_user) -> None:
    iom_fp = actor_for(make_user("focal_point", "IOM"))
    ilo_fp = actor_for(make_user("focal_point", "ILO"))
    viewer = actor_for(make_user("viewer"))
    admin = actor_for(make_user("admin"))
    assert titles(session, None) == {"Briefing"}
    assert titles(session, viewer) == {"Briefing", "WG"}
    assert titles(session, ilo_fp) == {"Briefing", "WG"}
    assert titles(session, iom_fp) == {"Briefing", "WG", "Closed"}
    assert titles(session, SECRETARIAT) == titles(session, admin) == {"Briefing", "WG", "Closed"}
    for actor, hidden in ((None, "members"), (None, "restricted"), (viewer, "restricted"), (ilo_fp, "restricted")):
        with pytest.raises(NotFound):
            get_meeting(session, three[hidden].id, actor=actor)
    assert get_meeting(session, three["restricted"].id, actor=iom_fp).title == "Closed"


def test_list_filters_and_cursor(session: Session, three: dict[str, Meeting]) -> None:
    by_kind = list_meetings(session, actor=SECRETARIAT, flt=MeetingFilter(kind="briefing"))
    assert [m.title for m in by_kind] == ["Briefing"]
    by_entity = list_meetings(session, actor=SECRETARIAT, flt=MeetingFilter(entity="IOM"))
    assert [m.title for m in by_entity] == ["Closed"]
    first = three["public"]
    window = MeetingFilter(start=first.ends_at, end=three["restricted"].starts_at)
    assert [m.title for m in list_meetings(session, actor=SECRETARIAT, flt=window)] == ["WG"]
    page = list_meetings(session, actor=SECRETARIAT, flt=MeetingFilter(), after=(first.starts_at.isoformat(), first.id))
    assert [m.title for m in page] == ["WG", "Closed"]


def test_focal_point_answers_for_its_own_entity(session: Session, three: dict[str, Meeting], make_user) -> None:
    iom_fp = actor_for(make_user("focal_point", "IOM"))
    meeting = three["restricted"]
    participation.give_rsvp(session, actor=iom_fp, meeting_id=meeting.id, entity="IOM", response="yes")
    session.commit()
    participation.give_rsvp(session, actor=iom_fp, meeting_id=meeting.id, entity="IOM", response="maybe")
    session.commit()
    session.expire_all()
    [rsvp] = session.query(Rsvp).all()
    assert (rsvp.response, rsvp.user_id, rsvp.entity.acronym) == ("maybe", iom_fp.user_id, "IOM")
    given = session.query(OutboxEvent).filter(OutboxEvent.type == "RsvpGiven").order_by(OutboxEvent.id).all()
    assert [(e.payload["response"], e.payload["previous"]) for e in given] == [("yes", None), ("maybe", "yes")]
    participation.give_rsvp(session, actor=iom_fp, meeting_id=meeting.id, entity="IOM", response="maybe")
    session.commit()
    assert count(session, OutboxEvent, OutboxEvent.type == "RsvpGiven") == 2  # same answer: no event


def test_rsvp_refusals_write_nothing(session: Session, three: dict[str, Meeting], make_user) -> None:
    ilo_fp = actor_for(make_user("focal_point", "ILO"))
    iom_fp = actor_for(make_user("focal_point", "IOM"))
    viewer = actor_for(make_user("viewer"))
    open_ = three["members"].id
    cases = [
        (None, open_, "IOM", "yes", Unauthorized),
        (viewer, open_, "IOM", "yes", Forbidden),
        (ilo_fp, open_, "IOM", "yes", Forbidden),  # another entity
        (ilo_fp, three["restricted"].id, "ILO", "yes", NotFound),  # cannot see it
        (iom_fp, open_, "IOM", "perhaps", ValidationError),
        (SECRETARIAT, open_, "NOPE", "yes", ValidationError),
        (SECRETARIAT, three["restricted"].id, "ILO", "yes", ValidationError),  # not invited
    ]
    for actor, meeting_id, entity, response, error in cases:
        with pytest.raises(error):
            participation.give_rsvp(session, actor=actor, meeting_id=meeting_id, entity=entity, response=response)
        session.rollback()
    assert count(session, Rsvp) == 0
    assert count(session, OutboxEvent, OutboxEvent.type == "RsvpGiven") == 0
    services.cancel_meeting(session, actor=SECRETARIAT, meeting_id=open_)
    session.commit()
    with pytest.raises(Conflict):
        participation.give_rsvp(session, actor=iom_fp, meeting_id=open_, entity="IOM", response="yes")
    session.rollback()
    assert count(session, Rsvp) == 0


def test_secretariat_answers_for_any_invited_entity(session: Session, three: dict[str, Meeting]) -> None:
    participation.give_rsvp(session, actor=SECRETARIAT, meeting_id=three["restricted"].id, entity="IOM", response="no")
    session.commit()
    assert count(session, Rsvp, Rsvp.response == "no") == 1


def test_follow_and_unfollow(session: Session, three: dict[str, Meeting], make_user) -> None:
    viewer = actor_for(make_user("viewer"))
    meeting_id = three["members"].id
    assert participation.follow(session, actor=viewer, meeting_id=meeting_id) is True
    session.commit()
    assert participation.follow(session, actor=viewer, meeting_id=meeting_id) is False
    assert count(session, Follower) == 1
    with pytest.raises(NotFound):
        participation.follow(session, actor=viewer, meeting_id=three["restricted"].id)
    session.rollback()
    with pytest.raises(Unauthorized):
        participation.follow(session, actor=None, meeting_id=meeting_id)  # type: ignore[arg-type]
    session.rollback()
    assert participation.unfollow(session, actor=viewer, meeting_id=meeting_id) is True
    session.commit()
    assert count(session, Follower) == 0
    types = [e.type for e in session.query(OutboxEvent).order_by(OutboxEvent.id)]
    assert types[-2:] == ["MeetingFollowed", "MeetingUnfollowed"]
