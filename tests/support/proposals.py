"""The cast of the proposal tests: IOM co-chairs ICAT next year, ILO does not; their people.

``YEAR`` is next year on the real clock, so "this year or a coming one" holds whenever the
suite runs; the meetings start in June of it, 14:00 in Vienna.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core import clock
from icat.core.actor import SYSTEM, Actor
from icat.meetings import proposals
from icat.meetings.models import Meeting
from icat.rotation import services as rotation

YEAR = clock.today().year + 1
START = datetime(YEAR, 6, 3, 12, 0, tzinfo=UTC)
FIELDS: dict[str, Any] = {
    "title": "Co-chairs' consultation on the World Day",
    "kind": "working_group",
    "starts_at": START,
    "ends_at": START + timedelta(hours=2),
    "timezone": "Europe/Vienna",
    "location": "Vienna International Centre",
    "visibility": "members",
}


@dataclass
class Cast:
    proposer: User  # IOM's focal point who proposes
    colleague: User  # IOM's other focal point
    outsider: User  # ILO's focal point: ILO does not co-chair
    viewer: User  # a signed-in reader without an entity
    secretariat: User

    def actor(self, who: str) -> Actor:
        """``cast.actor("proposer")``: that person as services see them."""
        return accounts.actor_for(getattr(self, who))


@pytest.fixture
def cast(session: Session, make_entity, make_user) -> Cast:
    make_entity(acronym="IOM", name="International Organization for Migration")
    make_entity(acronym="ILO", name="International Labour Organization")
    rotation.record_term(session, actor=SYSTEM, year=YEAR, chairs=["IOM"])
    session.commit()
    return Cast(
        proposer=make_user("focal_point", "IOM", email="proposer@iom.example"),
        colleague=make_user("focal_point", "IOM", email="colleague@iom.example"),
        outsider=make_user("focal_point", "ILO", email="fp@ilo.example"),
        viewer=make_user("viewer", email="reader@icat.example"),
        secretariat=make_user("secretariat", email="sec@unodc.example"),
    )


def propose(session: Session, cast: Cast, **changes: Any) -> Meeting:
    """A proposal by IOM's focal point, committed."""
    meeting = proposals.propose_meeting(session, actor=cast.actor("proposer"), **(FIELDS | changes))
    session.commit()
    return meeting
