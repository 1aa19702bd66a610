"""Raise the feeds' change counter whenever data a feed shows changes, in the same transaction.

Listens on every SQLAlchemy session: a flush that adds, changes or deletes a meeting, an
occurrence override, an observance or a theme (an invitee change marks its meeting dirty),
and any bulk UPDATE/DELETE on those tables, upserts ``calendar_feed_state`` (version + 1).
No service has to remember to do it, and a rolled-back change rolls the counter back too.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from icat.calendar.models import STATE_ID, FeedState
from icat.core import clock
from icat.meetings.models import Meeting, OccurrenceOverride
from icat.observances.models import CampaignStep, Observance, ObservanceTheme

WATCHED = (Meeting, OccurrenceOverride, Observance, ObservanceTheme, CampaignStep)
_WATCHED_TABLES = frozenset(model.__table__.name for model in WATCHED)


def _upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(FeedState.__table__).values(id=STATE_ID, version=1, changed_at=clock.now(), epoch=uuid.uuid4().hex)
    return stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={"version": FeedState.__table__.c.version + 1, "changed_at": stmt.excluded.changed_at},
    )


def bump(session: Session) -> None:
    """Raise the counter inside the session's transaction."""
    session.execute(_upsert(session.get_bind().dialect.name))


@event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _context: Any, _instances: Any) -> None:
    added_or_deleted = any(isinstance(o, WATCHED) for o in (*session.new, *session.deleted))
    if added_or_deleted or any(isinstance(o, WATCHED) and session.is_modified(o) for o in session.dirty):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if isinstance(table, sa.Table) and table.name in _WATCHED_TABLES:
        bump(state.session)
