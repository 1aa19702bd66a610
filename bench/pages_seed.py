"""The data of the pages benchmark, written through the project's own services: ICAT's 31
entities, its chairs, observances and published record from the reference data, then meetings,
publications and workplan activities in as many parts as asked (``grow``), so the same database
can be read at a tenth of the data and again at all of it.

Every part spreads its rows over the same years, so a month, a plan or an index holds ten times
the rows once all ten parts are in: the pages' statement counts can be compared as data grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core import clock
from icat.core.actor import SYSTEM, Actor
from icat.meetings import minutes, participation
from icat.meetings import services as meetings
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.publications import circulation
from icat.publications import services as publications
from icat.publications.models import Publication
from icat.publications.reference import seed_history
from icat.registry import services as registry
from icat.registry.reference import load_reference, reference_entities
from icat.rotation import services as rotation
from icat.workplan import activities
from icat.workplan import services as workplans

MEETINGS, PUBLICATIONS, ACTIVITIES = 10_000, 1_000, 200
PARTS = 10
PASSWORD = "bench-only password, long enough"
SECRETARIAT = "secretariat@bench.example"
KINDS = ("working_group", "principals", "coordination_call", "briefing", "other")
VISIBILITY = ("members", "public", "members", "restricted")
ZONES = ("Europe/Vienna", "America/New_York", "Europe/Zurich", "UTC")
PUB_KINDS = ("issue_brief", "joint_statement", "policy_paper", "toolkit", "report", "call_to_action")
PILLARS = ("prevention", "protection", "prosecution", "partnerships")
STATUSES = ("planned", "in_progress", "done", "delayed")
BODY = "ICAT calls on States to **protect** victims.\n\nSecond paragraph with [a link](https://icat.un.org/)."


@dataclass
class World:
    """What the pages are asked for: the user, the month with data, a meeting, the plan."""

    email: str
    year: int
    month: int
    meeting_id: int
    plan_id: int


def _span() -> tuple[datetime, timedelta]:
    """Meetings run from January six years ago to six years on; ``step`` apart within a part."""
    first = datetime(clock.today().year - 6, 1, 5, 8, tzinfo=UTC)
    last = datetime(clock.today().year + 6, 12, 20, 8, tzinfo=UTC)
    return first, (last - first) / (MEETINGS // PARTS)


def start(session: Session) -> World:
    """The reference data, the signed-in user (the secretariat, acting for UNODC: both the
    secretariat's and an entity's panels) and an empty plan."""
    registry.seed_reference(session, actor=SYSTEM, entities=reference_entities())
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    reference = load_reference()
    rotation.seed_history(session, actor=SYSTEM, chairs=reference["chairs"])
    seed_history(session, actor=SYSTEM, data=reference)
    user = accounts.create_user(
        session, actor=SYSTEM, email=SECRETARIAT, password=PASSWORD, role="secretariat", entity_acronym="UNODC"
    )
    today = clock.today()
    plan = workplans.create_plan(
        session, actor=SYSTEM, title="ICAT workplan (benchmark)", start_year=today.year - 2, end_year=today.year + 2
    )
    session.commit()
    meeting = meetings.create_meeting(
        session,
        actor=SYSTEM,
        title="Working group on data: the meeting page of the benchmark",
        kind="working_group",
        description=BODY,
        starts_at=datetime.combine(today + timedelta(days=3), datetime.min.time(), UTC) + timedelta(hours=13),
        ends_at=datetime.combine(today + timedelta(days=3), datetime.min.time(), UTC) + timedelta(hours=15),
        timezone="Europe/Vienna",
        visibility="members",
        invitees=["UNODC", "ILO", "IOM", "UNHCR", "OHCHR", "UNICEF"],
    )
    participation.give_rsvp(session, actor=SYSTEM, meeting_id=meeting.id, entity="ILO", response="yes")
    session.commit()
    del user
    return World(SECRETARIAT, today.year, today.month, meeting.id, plan.id)


def grow(session: Session, world: World, part: int) -> None:
    """One tenth of the data: 1,000 meetings, 100 publications, 20 activities."""
    _meetings(session, part)
    _publications(session, part)
    _activities(session, world.plan_id, part)


def _meetings(session: Session, part: int) -> None:
    first, step = _span()
    acronyms = [e["acronym"] for e in reference_entities()]
    for i in range(MEETINGS // PARTS):
        n = part * (MEETINGS // PARTS) + i
        starts = first + step * i + timedelta(hours=part * 3 % 24, days=part)
        recurring = n % 10 == 0
        invited = [acronyms[(n + k * 7) % len(acronyms)] for k in range(3)] + (["UNODC"] if n % 3 == 0 else [])
        meeting = meetings.create_meeting(
            session,
            actor=SYSTEM,
            title=f"Meeting {n}: coordination on trafficking in persons",
            kind=KINDS[n % len(KINDS)],
            description="Agenda: updates from members; joint statement; any other business.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            timezone=ZONES[n % len(ZONES)],
            location="Vienna International Centre, Board Room D",
            visibility=VISIBILITY[n % len(VISIBILITY)],
            invitees=sorted(set(invited)),
            recurrence="FREQ=WEEKLY;COUNT=6" if recurring else None,
        )
        if n % 50 == 1:
            items = [{"text": f"Send the figures {n}", "owner": "UNODC", "due_on": starts.date() + timedelta(days=14)}]
            minutes.record_minutes(
                session, actor=SYSTEM, meeting_id=meeting.id, text="Minutes.", decisions=["Agreed."], action_items=items
            )
        if i % 200 == 199:
            session.commit()
    session.commit()


def _publications(session: Session, part: int) -> None:
    secretariat = _secretariat(session)
    acronyms = ("ILO", "IOM", "UNHCR", "UNODC", "OHCHR", "UNICEF")
    made: list[Publication] = []
    for i in range(PUBLICATIONS // PARTS):
        n = part * (PUBLICATIONS // PARTS) + i
        kind = PUB_KINDS[n % len(PUB_KINDS)]
        made.append(
            publications.create_publication(
                session,
                actor=secretariat,
                kind=kind,
                language="en",
                title=f"Publication {n} on trafficking in persons",
                body=BODY,
                translations={"fr": {"title": f"Publication {n} sur la traite des personnes", "body": BODY}}
                if n % 4 == 0
                else None,
                lead_entities=[acronyms[n % len(acronyms)], acronyms[(n + 1) % len(acronyms)]],
                number=1_000 + n if kind == "issue_brief" else None,
                year=2010 + n % 20,
                tags=["technology"] if n % 2 else [],
            )
        )
    session.flush()
    # Two in three are published (as the record's own rows are); the services publish only
    # what a round adopted, which would take a round per row, so the status is set directly.
    today = clock.today()
    for k, pub in enumerate(made):
        if k % 3:
            pub.status, pub.published_on = "published", today - timedelta(days=k)
    for pub in made[:1]:  # an open round per part
        circulation.circulate(
            session,
            actor=secretariat,
            publication_id=pub.id,
            procedure="silence",
            deadline=clock.now() + timedelta(days=10),
            entities=["UNODC", "ILO", "IOM"],
        )
    session.commit()


def _activities(session: Session, plan_id: int, part: int) -> None:
    year = clock.today().year
    leads = ("UNODC", "ILO", "IOM", "UNHCR", "OHCHR")
    for i in range(ACTIVITIES // PARTS):
        n = part * (ACTIVITIES // PARTS) + i
        starts = date(year - 2 + n % 4, 1 + n % 12, 1)
        activities.add_activity(
            session,
            actor=SYSTEM,
            plan_id=plan_id,
            title=f"Activity {n}: issue brief on technology",
            pillar=PILLARS[n % len(PILLARS)],
            status=STATUSES[n % len(STATUSES)],
            progress=n * 7 % 100,
            lead_entities=[leads[n % len(leads)]],
            co_lead_entities=[leads[(n + 1) % len(leads)]],
            starts_on=starts,
            ends_on=min(starts + timedelta(days=300), date(year + 2, 12, 31)),
            milestones=[
                {"title": f"Draft {n}", "due_on": starts + timedelta(days=60)},
                {"title": f"Final {n}", "due_on": starts + timedelta(days=200)},
            ],
            rag={"period": year, "rating": ("red", "amber", "green")[n % 3], "reason": "On track."} if n % 2 else None,
        )
    session.commit()


def _secretariat(session: Session) -> Actor:
    user = session.scalar(sa.select(User).where(User.email == SECRETARIAT))
    assert user is not None
    return accounts.actor_for(user)
