"""Reminders of a circulation round and the notice of its outcome, as delivery rows.

Entities that have not answered get reminders 7 days and 1 day before the deadline, to
their focal points only; ``replan_round`` is idempotent (keys name publication, round,
offset and person), so every event of a round simply calls it: an answer cancels that
entity's pending reminders, a closed or voided round cancels the rest.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.notifications.planning import Recipient, delivery_row, insert_missing, sync_pending
from icat.publications.models import CirculationRound, Publication

ROUND_REMINDERS = {"P7D": timedelta(days=7), "P1D": timedelta(days=1)}


def _focal_points(session: Session, entity_ids: set[int]) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .where(User.entity_id.in_(entity_ids), User.role == "focal_point", User.is_active)
            .order_by(User.id)
        )
    )


def silent_recipients(session: Session, round_: CirculationRound) -> list[Recipient]:
    """Focal points of addressed entities with no standing answer; an entity nobody can be
    reached at is reported (a skipped row), not silently passed over."""
    answered = {r.entity_id for r in round_.responses if not r.voided}
    silent = {e.id: e.acronym for e in round_.entities if e.id not in answered}
    people = _focal_points(session, set(silent))
    reached = {u.entity_id for u in people}
    found = [Recipient(f"user:{u.id}", u.id, u.email, u.email) for u in people]
    missing = [
        Recipient(f"entity:{a}", None, None, a, f"{a} has no focal point to remind.")
        for eid, a in sorted(silent.items(), key=lambda kv: kv[1])
        if eid not in reached
    ]
    return found + missing


def _params(pub: Publication, round_: CirculationRound, offset: str) -> dict[str, Any]:
    text = pub.text(pub.language)
    return {
        "publication_id": pub.id,
        "title": text.title if text else "",
        "round": round_.number,
        "procedure": round_.procedure,
        "deadline": round_.deadline.isoformat(),
        "offset": offset,
    }


def wanted_round_reminders(session: Session, pub: Publication) -> list[dict[str, Any]]:
    """The reminder rows the current round should have (none once it is closed)."""
    round_ = pub.current_round
    if round_ is None or round_.status != "open":
        return []
    rows = []
    for offset, before in ROUND_REMINDERS.items():
        for person in silent_recipients(session, round_):
            key = f"publication:{pub.id}:round{round_.number}:{offset}:{person.who}"
            due = round_.deadline - before
            rows.append(
                delivery_row(
                    key,
                    "publication_reminder",
                    f"publication:{pub.id}",
                    person,
                    due,
                    round_.deadline,
                    _params(pub, round_, offset),
                )
            )
    return rows


def replan_round(session: Session, publication_id: int, *, since: datetime | None = None) -> tuple[int, int]:
    """Bring the round's reminders in line with its answers; returns (planned, cancelled).
    A reminder whose moment had passed when the round opened is not planned (never late)."""
    pub = session.get(Publication, publication_id)
    if pub is None:
        return 0, 0
    wanted = wanted_round_reminders(session, pub)
    cancelled = sync_pending(session, f"publication:{publication_id}", wanted, kind="publication_reminder")
    floor = max(since or clock.now(), pub.current_round.opened_at) if pub.current_round else clock.now()
    return insert_missing(session, [r for r in wanted if r["due_at"] >= floor]), cancelled


def plan_outcome_notices(
    session: Session, publication_id: int, round_id: int, outcome: str, objectors: list[str]
) -> int:
    """One notice of a round's outcome to each focal point of the lead entities, sent at once."""
    pub = session.get(Publication, publication_id)
    round_ = session.get(CirculationRound, round_id)
    if pub is None or round_ is None:
        return 0
    params = _params(pub, round_, "") | {"outcome": outcome, "objectors": objectors}
    rows = [
        delivery_row(
            f"publication:{pub.id}:round{round_.number}:outcome:user:{u.id}",
            "publication_outcome",
            f"publication:{pub.id}:outcome",
            Recipient(f"user:{u.id}", u.id, u.email, u.email),
            clock.now(),
            None,
            params,
        )
        for u in _focal_points(session, {e.id for e in pub.leads})
    ]
    return insert_missing(session, rows)
