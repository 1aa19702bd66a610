"""Read-side queries of observances. No rules, no writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core.errors import NotFound
from icat.observances.models import Observance


def list_observances(session: Session) -> Sequence[Observance]:
    """Every observance with its themes and steps (two extra queries in all, not per row)."""
    return session.scalars(sa.select(Observance).order_by(Observance.month, Observance.day, Observance.slug)).all()


def get_observance(session: Session, slug: str) -> Observance:
    """The observance with this slug; raises NotFound."""
    observance = session.scalar(sa.select(Observance).where(Observance.slug == slug))
    if observance is None:
        raise NotFound(_l("No observance %(slug)s.", slug=slug), rule="observances.observance_unknown")
    return observance


def next_occurrence(observance: Observance, today: date) -> date:
    """The next day the observance falls on, today included."""
    this_year = observance.on(today.year)
    return this_year if this_year >= today else observance.on(today.year + 1)


def days_until(observance: Observance, today: date) -> int:
    return (next_occurrence(observance, today) - today) // timedelta(days=1)


def observances_between(session: Session, first: date, last: date) -> dict[date, list[Observance]]:
    """The observances falling on each day from ``first`` to ``last`` (both included), for
    the web calendar; a day before an observance's first year has none."""
    found: dict[date, list[Observance]] = {}
    for observance in list_observances(session):
        for year in range(first.year, last.year + 1):
            day = observance.on(year)
            if first <= day <= last and year >= observance.first_year:
                found.setdefault(day, []).append(observance)
    return found
