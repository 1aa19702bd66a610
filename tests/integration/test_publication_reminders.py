"""Reminders of a circulation round: 7 days and 1 day before the deadline, to the focal points
of the entities that have not answered, never planned once their moment has passed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from icat.core import clock
from icat.notifications.models import Delivery
from icat.publications import circulation
from tests.conftest import count
from tests.integration.test_publication_circulation import _answer, _circulate, tick
from tests.support.publications import DEADLINE, NOW, PubCast


def test_reminders_are_planned_for_the_silent_entities_only(
    app: Flask, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "silence")
    tick(app, NOW)
    pending = lambda: sorted(  # noqa: E731
        (d.user_id, d.params["offset"])
        for d in session.scalars(sa.select(Delivery).where(Delivery.status == "pending"))
    )
    people = sorted(u.id for u in (pubcast.lead, pubcast.iom, pubcast.unhcr))
    session.expire_all()
    assert pending() == sorted((uid, off) for uid in people for off in ("P1D", "P7D"))
    due = session.scalars(sa.select(Delivery.due_at).where(Delivery.user_id == pubcast.iom.id)).all()
    assert sorted(due) == [DEADLINE - timedelta(days=7), DEADLINE - timedelta(days=1)]
    _answer(session, pub, pubcast, pubcast.iom, "IOM", "endorse", at=NOW + timedelta(hours=1))
    tick(app, NOW + timedelta(hours=1))
    session.expire_all()
    assert {uid for uid, _ in pending()} == {pubcast.lead.id, pubcast.unhcr.id}
    assert count(session, Delivery, Delivery.user_id == pubcast.iom.id, Delivery.status == "cancelled") == 2


def test_no_reminder_is_planned_once_its_moment_has_passed(
    app: Flask, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    with clock.frozen(NOW):
        circulation.circulate(session, actor=pubcast.actor(pubcast.secretariat), publication_id=pub.id,
                              procedure="silence", deadline=NOW + timedelta(days=3), entities=["IOM"])  # fmt: skip
        session.commit()
    tick(app, NOW)
    session.expire_all()
    assert [d.params["offset"] for d in session.scalars(sa.select(Delivery))] == ["P1D"]
