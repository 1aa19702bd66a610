"""Read-side queries of the registry. No rules, no writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, undefer_group

from icat.core.errors import Message, NotFound
from icat.registry.models import Entity


@dataclass(frozen=True)
class EntityFilter:
    kind: str | None = None
    category: str | None = None
    working_group: bool | None = None


def list_entities(
    session: Session,
    flt: EntityFilter,
    *,
    limit: int | None = None,
    after: str | None = None,
    with_sources: bool = False,
) -> Sequence[Entity]:
    """Entities matching ``flt``, ordered by acronym, starting after the acronym ``after``;
    ``with_sources`` loads their sources in the same statement (else on first read)."""
    query = sa.select(Entity).order_by(Entity.acronym)
    if with_sources:
        query = query.options(undefer_group("provenance"))
    if flt.kind:
        query = query.where(Entity.kind == flt.kind)
    if flt.category:
        query = query.where(Entity.category == flt.category)
    if flt.working_group is not None:
        query = query.where(Entity.working_group.is_(flt.working_group))
    if after:
        query = query.where(Entity.acronym > after)
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


def get_entity(session: Session, acronym: str) -> Entity:
    """The entity with this acronym (exact, as in URLs); raises NotFound."""
    entity = session.scalar(sa.select(Entity).where(Entity.acronym == acronym).options(undefer_group("provenance")))
    if entity is None:
        raise NotFound(_l("No entity with acronym %(acronym)s.", acronym=acronym), rule="registry.entity_unknown")
    return entity


def coordinator(session: Session) -> Entity | None:
    return session.scalar(sa.select(Entity).where(Entity.is_coordinator.is_(True)))


def entities_named(
    session: Session, acronyms: Iterable[str], errors: dict[str, list[Message]], *, field: str
) -> list[Entity]:
    """The entities named by ``acronyms`` (exact, first mention kept, in the order given);
    each unknown acronym is added to ``errors[field]``."""
    wanted = list(dict.fromkeys(acronyms))
    found = {e.acronym: e for e in session.scalars(sa.select(Entity).where(Entity.acronym.in_(wanted)))}
    for acronym in wanted:
        if acronym not in found:
            errors.setdefault(field, []).append(_l("Unknown entity: %(acronym)s.", acronym=acronym))
    return [found[a] for a in wanted if a in found]
