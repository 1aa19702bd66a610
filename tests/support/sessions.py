"""A weekly series for the session tests: six Tuesdays at 14:00 Vienna from 5 March 2030,
IOM and ILO invited (import ``series`` into a test module to use it as a fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from icat.meetings.models import Meeting

FIRST = datetime(2030, 3, 5, 13, tzinfo=UTC)
SECOND = FIRST + timedelta(weeks=1)


@pytest.fixture
def series(make_entity, make_meeting) -> Meeting:
    make_entity(acronym="IOM", name="International Organization for Migration")
    make_entity(acronym="ILO", name="International Labour Organization")
    return make_meeting(
        title="Weekly call",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
        invitees=["IOM", "ILO"],
    )
