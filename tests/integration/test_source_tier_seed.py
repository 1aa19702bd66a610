"""A database seeded before sources had a tier gets them from a second ``seed``, which stays
idempotent and leaves sources typed in by hand alone (issue 11 item 17)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.meetings import reference as meeting_history
from icat.meetings.models import Meeting
from icat.observances import services as observances
from icat.observances.models import Observance, ObservanceTheme
from icat.observances.reference import world_day
from icat.registry import services as registry
from icat.registry.models import Entity
from icat.registry.reference import load_reference, reference_entities
from icat.rotation import services as rotation
from icat.rotation.models import ChairTerm

HAND = {"source": "typed by the secretariat"}


def _untiered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _untiered(v) for k, v in value.items() if k != "tier"}
    return [_untiered(v) for v in value] if isinstance(value, list) else value


def _seed(session: Session, data: dict[str, Any], *, before_tiers: bool = False) -> None:
    strip = _untiered if before_tiers else (lambda value: value)
    data = strip(data)
    registry.seed_reference(session, actor=SYSTEM, entities=reference_entities(data))
    observances.seed_reference(session, actor=SYSTEM, observances=[strip(world_day(data))])
    rotation.seed_history(session, actor=SYSTEM, chairs=data["chairs"])
    meeting_history.seed_history(session, actor=SYSTEM, data=data)
    session.commit()


def _all_sources(session: Session) -> list[dict[str, Any]]:
    rows = [*session.scalars(sa.select(Entity)), *session.scalars(sa.select(ChairTerm))]
    rows += [*session.scalars(sa.select(Observance)), *session.scalars(sa.select(ObservanceTheme))]
    rows += [*session.scalars(sa.select(Meeting))]
    return [s for r in rows for s in r.sources]


def test_a_second_seed_fills_in_the_tiers_and_a_third_changes_nothing(session: Session) -> None:
    data = load_reference()
    _seed(session, data, before_tiers=True)
    assert _all_sources(session) and not any("tier" in s for s in _all_sources(session))
    ilo = session.scalar(sa.select(Entity).where(Entity.acronym == "ILO"))
    ilo.sources = [*ilo.sources, HAND]
    session.commit()

    _seed(session, data)
    session.expire_all()
    sources = _all_sources(session)
    assert [s for s in sources if "tier" not in s] == [HAND]  # every reference source has its tier again
    term = session.scalar(sa.select(ChairTerm).where(ChairTerm.year == 2025))
    assert [s["tier"] for s in term.sources] == ["press", "official"]

    versions = [t.version for t in session.scalars(sa.select(ChairTerm).order_by(ChairTerm.year))]
    _seed(session, data)
    session.expire_all()
    assert _all_sources(session) == sources
    assert [t.version for t in session.scalars(sa.select(ChairTerm).order_by(ChairTerm.year))] == versions
