"""The rules a chair term must obey, as pure functions over entities and known terms.

Used by the service before recording a term and by the planner before proposing one, so
a proposal can never break a rule the service would enforce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import lazy_gettext as _l

from icat.core.errors import Message
from icat.registry.models import Entity
from icat.rotation.models import FIRST_YEAR

MAX_YEARS_AHEAD = 10


def member_on_new_year(entity: Entity, year: int) -> Message | None:
    """Why ``entity`` was not a member on 1 January of ``year``, or None if it was.

    A join year without a date leaves 1 January of that year in doubt: the term is refused
    until the exact joining date is recorded, rather than guessed.
    """
    new_year, facts = date(year, 1, 1), _facts(entity, year)
    if entity.kind != "member":
        return _l("%(acronym)s is a partner, not a member: only members chair ICAT.", **facts)
    if entity.joined_on and entity.joined_on > new_year:
        return _l("%(acronym)s joined on %(joined_on)s, after 1 January %(year)s.", **facts)
    if not entity.joined_on and entity.joined_year and entity.joined_year >= year:
        return _l("%(acronym)s joined in %(joined)s: not known to be a member on 1 January %(year)s.", **facts)
    if entity.left_on and entity.left_on <= new_year:
        return _l("%(acronym)s left ICAT on %(left_on)s.", **facts)
    return None


def _facts(entity: Entity, year: int) -> dict[str, object]:
    """What the membership messages may name (each uses some)."""
    joined_on, left_on = entity.joined_on, entity.left_on
    return {
        "acronym": entity.acronym,
        "year": year,
        "joined": entity.joined_year,
        "joined_on": joined_on.isoformat() if joined_on else None,
        "left_on": left_on.isoformat() if left_on else None,
    }


def year_problem(year: int, this_year: int) -> Message | None:
    if year < FIRST_YEAR:
        return _l("The rotating chair began in %(year)s.", year=FIRST_YEAR)
    if year > this_year + MAX_YEARS_AHEAD:
        return _l("At most %(n)s years ahead (until %(year)s).", n=MAX_YEARS_AHEAD, year=this_year + MAX_YEARS_AHEAD)
    return None


def chairs_problems(year: int, chairs: Sequence[Entity]) -> list[Message]:
    """Rules on the pair itself: count, distinctness, membership, OP14 pairing."""
    if not 1 <= len(chairs) <= 2:
        return [_l("A term has one or two co-chairs.")]
    if len({e.acronym for e in chairs}) != len(chairs):
        return [_l("The two co-chairs must be different entities.")]
    problems = [p for e in chairs if (p := member_on_new_year(e, year))]
    non_un = [e.acronym for e in chairs if not e.is_un]
    if non_un and (len(chairs) == 1 or all(not e.is_un for e in chairs)):
        problems.append(
            _l(
                "%(acronyms)s is not a UN entity: a non-UN organization co-chairs only beside a UN entity "
                "(A/RES/78/228 OP14).",
                acronyms=", ".join(non_un),
            )
        )
    return problems


def repeat_problem(
    year: int, chairs: Sequence[Entity], known: Mapping[int, Sequence[str]], confirmed: bool
) -> Message | None:
    """An entity chairing two years running needs ``confirmed_repeat`` (IOM and OSRSG-VAC, 2023-24)."""
    if confirmed:
        return None
    for neighbour in (year - 1, year + 1):
        repeated = sorted({e.acronym for e in chairs} & set(known.get(neighbour, ())))
        if repeated:
            return _l(
                "%(acronyms)s also chair(s) in %(year)s: two years running needs confirmed_repeat.",
                acronyms=", ".join(repeated),
                year=neighbour,
            )
    return None
