"""The calendar month, a meeting page, the publications index and a workplan page run a fixed
number of SQL statements however many rows they show (the pages benchmark counts them at a
tenth of its data and at all of it; this keeps them from growing a query per row)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.meetings import minutes, participation
from icat.workplan import activities
from icat.workplan import services as workplans
from tests.e2e.test_pages_auth import login
from tests.support.publications import PubCast
from tests.support.statements import StatementCounter

MONTH = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def more(session: Session, make_meeting, draft, plan_id: int, meeting_id: int, start: int, size: int) -> None:
    """``size`` more meetings in March 2030 (every third a weekly series), publications,
    activities with milestones, and answers and action items of the meeting shown."""
    for i in range(start, start + size):
        recurrence = "FREQ=WEEKLY;COUNT=3" if i % 3 == 0 else None
        make_meeting(
            title=f"March {i}", starts_at=MONTH + timedelta(hours=13 * i), invitees=["IOM"], recurrence=recurrence
        )
        draft(title=f"Text {i}")
        activities.add_activity(
            session,
            actor=SYSTEM,
            plan_id=plan_id,
            title=f"Activity {i}",
            pillar="prevention",
            lead_entities=["ILO"],
            co_lead_entities=["IOM"],
            starts_on=date(2030, 1, 1),
            ends_on=date(2030, 12, 31),
            milestones=[{"title": f"Draft {i}", "due_on": date(2030, 6, 1)}],
        )
    items = [{"text": f"Task {i}", "owner": "IOM", "due_on": date(2030, 4, 1)} for i in range(start, start + size)]
    minutes.record_minutes(session, actor=SYSTEM, meeting_id=meeting_id, text="", decisions=[], action_items=items)
    session.commit()


@pytest.mark.parametrize("page", ["month", "meeting", "publications", "workplan"])
def test_the_statement_count_of_a_page_stays_the_same_as_data_grows(
    client: FlaskClient, session: Session, pubcast: PubCast, draft, make_meeting, statements: StatementCounter, page
) -> None:
    plan = workplans.create_plan(session, actor=SYSTEM, title="Plan", start_year=2029, end_year=2031)
    shown = make_meeting(title="Shown", starts_at=MONTH, invitees=["ILO", "IOM", "UNHCR"])
    participation.give_rsvp(session, actor=SYSTEM, meeting_id=shown.id, entity="ILO", response="yes")
    session.commit()
    path = {
        "month": "/meetings?year=2030&month=3",
        "meeting": f"/meetings/{shown.id}",
        "publications": "/publications",
        "workplan": f"/workplans/{plan.id}",
    }[page]
    assert login(client, pubcast.secretariat.email).status_code == 302

    def measured() -> int:
        statements.statements.clear()
        assert client.get(path).status_code == 200
        return len(statements.statements)

    more(session, make_meeting, draft, plan.id, shown.id, 0, 5)
    client.get(path)  # warm: the first request of a session loads what later ones reuse
    before = measured()
    more(session, make_meeting, draft, plan.id, shown.id, 5, 45)  # tenfold
    after = measured()
    assert before == after, statements.statements
