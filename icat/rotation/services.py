"""Rotation rules in action: recording terms, seeding the history, planner input, handover."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from icat.core import clock, edits, once, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, Message, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.registry.models import Entity
from icat.registry.sources import fill_tiers
from icat.rotation import queries, rules
from icat.rotation.events import ChairTermMissing, ChairTermRecorded, ChairTermStarted, ChairUnwillingnessSet
from icat.rotation.models import ChairSeat, ChairTerm, ChairUnwilling
from icat.rotation.planner import PlanItem, propose, terms_in

HANDOVER_CATCH_UP_DAYS = 31  # a worker down on 1 January still hands over in January, not in June
MISSING_TERM_WARNINGS = (60, 30)  # days before 1 January of a year without co-chairs


def _entities(session: Session, acronyms: Sequence[str]) -> tuple[list[Entity], list[str]]:
    found = {e.acronym: e for e in session.scalars(sa.select(Entity).where(Entity.acronym.in_(acronyms)))}
    return [found[a] for a in acronyms if a in found], [a for a in acronyms if a not in found]


def _check(session: Session, year: int, chairs: list[str] | None, confirmed_repeat: bool) -> None:
    """Raise ValidationError naming each broken rule; nothing is written before this passes."""
    errors: dict[str, list[Message]] = {}
    if problem := rules.year_problem(year, clock.today().year):
        errors["year"] = [problem]
    if chairs is not None:
        entities, unknown = _entities(session, chairs)
        if unknown:
            errors["chairs"] = [_l("No entity with acronym %(acronym)s.", acronym=a) for a in unknown]
        elif problems := rules.chairs_problems(year, entities):
            errors["chairs"] = problems
        elif problem := rules.repeat_problem(
            year, entities, queries.known_chairs(session, exclude_year=year), confirmed_repeat
        ):
            errors["confirmed_repeat"] = [problem]
    if errors:
        raise ValidationError(
            _l("The co-chairs for %(year)s break a rule.", year=year), fields=errors, rule="rotation.term_invalid"
        )


def _existing(session: Session, year: int, version: int | None) -> ChairTerm | None:
    term = queries.term_for(session, year)
    if term is None:
        return None
    if version is None:
        raise Conflict(
            _l(
                "%(year)s has a term already (version %(version)s); send that version to replace it.",
                year=year,
                version=term.version,
            ),
            rule="rotation.term_exists",
        )
    edits.check_version(term, version, label=_l("The %(year)s term", year=year))
    return term


def _seat(term: ChairTerm, entities: list[Entity]) -> None:
    """Make ``term.seats`` match ``entities`` without deleting and re-adding the same seat."""
    wanted = {e.id: (i, e) for i, e in enumerate(entities)}
    for seat in list(term.seats):
        if seat.entity_id in wanted:
            seat.position = wanted.pop(seat.entity_id)[0]
        else:
            term.seats.remove(seat)
    for position, entity in wanted.values():
        term.seats.append(ChairSeat(entity=entity, position=position))


def record_term(
    session: Session,
    *,
    actor: Actor,
    year: int,
    chairs: list[str] | None,
    confirmed_repeat: bool = False,
    sources: list[dict[str, Any]] | None = None,
    confidence: str = "high",
    note: str = "",
    version: int | None = None,
) -> ChairTerm:
    """Record (or, at ``version``, replace) the co-chairs of ``year``; ``chairs`` None = unknown.

    Raises Unauthorized/Forbidden (admin, secretariat only), ValidationError naming each
    broken rule, Conflict (a term exists and no version was sent), StaleVersion.
    Emits ChairTermRecorded.
    """
    require_role(actor, STAFF, _l("record co-chairs"))
    _check(session, year, chairs, confirmed_repeat)
    term = _existing(session, year, version)
    entities, _ = _entities(session, chairs or [])  # before any change: no autoflush midway
    now = clock.now()
    previous = term.chairs if term else None
    if term is None:
        term = ChairTerm(year=year, created_at=now)
        session.add(term)
    term.known, term.confirmed_repeat, term.updated_at = chairs is not None, confirmed_repeat, now
    term.sources, term.confidence, term.note = sources or [], confidence, note
    _seat(term, entities)
    flag_modified(term, "sources")  # seats live in another table: force the UPDATE that raises the version
    session.flush()
    event = ChairTermRecorded(year=year, chairs=chairs, previous=previous, confirmed_repeat=confirmed_repeat)
    outbox.record(session, event, actor=actor)
    return term


def seed_history(session: Session, *, actor: Actor, chairs: list[dict[str, Any]]) -> tuple[int, int]:
    """Record every year of the reference history not recorded yet; returns (added, kept).

    A repeat that the record shows (IOM and OSRSG-VAC, 2023-24) is history, so it is
    seeded as confirmed.
    """
    present = {t.year: t for t in queries.terms(session)}
    added = 0
    for row in sorted(chairs, key=lambda r: r["year"]):
        if (term := present.get(row["year"])) is not None:
            if (tiered := fill_tiers(term.sources, row.get("sources"))) is not None:
                term.sources = tiered  # rows seeded before sources had a tier
            continue
        earlier = set(queries.known_chairs(session).get(row["year"] - 1, ()))
        record_term(
            session,
            actor=actor,
            year=row["year"],
            chairs=row["chairs"],
            confirmed_repeat=bool(earlier & set(row["chairs"] or ())),
            sources=row.get("sources", []),
            confidence=row.get("confidence", "unconfirmed"),
            note=row.get("note", ""),
        )
        added += 1
    return added, len(chairs) - added


def set_unwilling(session: Session, *, actor: Actor, year: int, entities: list[str]) -> list[str]:
    """Replace the list of entities that will not chair in ``year``. Emits ChairUnwillingnessSet."""
    require_role(actor, STAFF, _l("record who will not chair"))
    found, unknown = _entities(session, entities)
    errors = {"entities": [_l("No entity with acronym %(acronym)s.", acronym=a) for a in unknown]} if unknown else {}
    if problem := rules.year_problem(year, clock.today().year):
        errors["year"] = [problem]
    if errors:
        raise ValidationError(_l("The list could not be saved."), fields=errors, rule="rotation.unwilling_invalid")
    session.execute(sa.delete(ChairUnwilling).where(ChairUnwilling.year == year))
    session.add_all(ChairUnwilling(entity_id=e.id, year=year) for e in found)
    acronyms = sorted(e.acronym for e in found)
    outbox.record(session, ChairUnwillingnessSet(year=year, entities=acronyms), actor=actor)
    return acronyms


def plan(session: Session, *, through: int) -> list[PlanItem]:
    """Proposals for every coming year up to ``through`` whose co-chairs are not known.
    Raises ValidationError for a horizon outside the allowed years."""
    this_year = clock.today().year
    if problem := rules.year_problem(through, this_year):
        raise ValidationError(_l("Invalid horizon."), fields={"through": [problem]}, rule="rotation.horizon_invalid")
    history = queries.known_chairs(session)
    horizon = range(this_year + 1, through + 1)  # coming years only
    return propose(
        years=[y for y in horizon if y not in history],
        candidates=queries.planner_candidates(session),
        history=history,
        unwilling=queries.unwilling_by_year(session),
        horizon=horizon,
    )


@dataclass(frozen=True)
class PlanView:
    """The plan with, per candidate that may chair in the horizon, its number of terms there."""

    items: list[PlanItem]
    horizon: range
    terms: dict[str, int]


def plan_view(session: Session, *, through: int) -> PlanView:
    """``plan`` plus the terms each working-group member holds in the horizon, recorded years
    counted (the page shows that the plan is fair). Raises as ``plan``."""
    items = plan(session, through=through)
    horizon = range(clock.today().year + 1, through + 1)
    chairs = queries.known_chairs(session) | {i.year: i.chairs or [] for i in items}
    counts = terms_in(horizon, chairs)
    may_chair = [
        e.acronym
        for e in queries.planner_candidates(session)
        if any(rules.member_on_new_year(e, y) is None for y in horizon)
    ]
    return PlanView(items, horizon, {a: counts[a] for a in may_chair})


def hand_over(session: Session, *, actor: Actor) -> list[str]:
    """The daily duty: fire ChairTermStarted once per year (catching up within January) and
    warn 60 and 30 days before a year without co-chairs, once each. Returns what it did."""
    today, done = clock.today(), []
    if today - date(today.year, 1, 1) < timedelta(days=HANDOVER_CATCH_UP_DAYS) and once.first_time(
        session, f"chair-term-started:{today.year}"
    ):
        term = queries.term_for(session, today.year)
        outbox.record(session, ChairTermStarted(year=today.year, chairs=term.chairs if term else None), actor=actor)
        done.append(f"started {today.year}")
    next_year = today.year + 1
    term = queries.term_for(session, next_year)
    days_left = (date(next_year, 1, 1) - today).days
    due = [d for d in MISSING_TERM_WARNINGS if days_left <= d]
    if (term is None or not term.known) and due:
        # Late after downtime: send only the nearest warning, and count the earlier ones as given.
        fresh = [d for d in sorted(due) if once.first_time(session, f"chair-term-missing:{next_year}:{d}")]
        if fresh and fresh[0] == min(due):
            outbox.record(session, ChairTermMissing(year=next_year, days_before=min(due)), actor=actor)
            done.append(f"missing {next_year} ({min(due)} days)")
    return done
