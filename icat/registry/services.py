"""Registry rules: who may add or change entities, what a valid entity is, seeding."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, Message, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.registry.events import EntityCreated, EntityUpdated
from icat.registry.models import Entity
from icat.registry.queries import get_entity
from icat.registry.sources import fill_tiers

ENTITY_EDITABLE = (
    "name",
    "names",
    "name_sources",
    "kind",
    "category",
    "joined_year",
    "joined_on",
    "left_on",
    "working_group",
    "is_coordinator",
    "sources",
    "confidence",
    "notes",
)


def _check_dates(joined_on: date | None, joined_year: int | None, left_on: date | None) -> None:
    errors: dict[str, list[Message]] = {}
    if joined_on and left_on and left_on < joined_on:
        errors["left_on"] = [_l("Must not be before joined_on.")]
    if joined_on and joined_year and joined_on.year != joined_year:
        errors["joined_year"] = [_l("Must be the year of joined_on.")]
    if errors:
        raise ValidationError(
            _l("The entity's dates contradict each other."), fields=errors, rule="registry.dates_contradict"
        )


def _refuse_taken(session: Session, acronym: str) -> None:
    """Conflict when an entity holds ``acronym`` already, compared case-insensitively."""
    taken = sa.select(Entity.id).where(sa.func.lower(Entity.acronym) == acronym.lower())
    if session.scalar(taken) is not None:
        raise Conflict(
            _l("An entity with acronym %(acronym)s exists already.", acronym=acronym),
            fields={"acronym": [_l("Taken.")]},
            rule="registry.acronym_taken",
        )


def create_entity(session: Session, *, actor: Actor, acronym: str, **fields: Any) -> Entity:
    """Add an entity (admin, secretariat). Raises Forbidden, ValidationError, Conflict
    (acronym taken, compared case-insensitively). Emits EntityCreated."""
    require_role(actor, STAFF, _l("add entities"))
    _check_dates(fields.get("joined_on"), fields.get("joined_year"), fields.get("left_on"))
    _refuse_taken(session, acronym)
    now = clock.now()
    entity = Entity(acronym=acronym, created_at=now, updated_at=now, **fields)
    session.add(entity)
    session.flush()
    outbox.record(
        session,
        EntityCreated(entity_id=entity.id, acronym=acronym, kind=entity.kind, name=entity.name),
        actor=actor,
    )
    return entity


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _still_sourced(entity: Entity, names: dict[str, str]) -> dict[str, Any]:
    """The entity's name sources that still back a name of ``names``: a name typed in anew
    is no longer the one its recorded source gave, so its source goes with the old name."""
    stored = entity.names or {}
    return {lang: s for lang, s in (entity.name_sources or {}).items() if names.get(lang) == stored.get(lang)}


def update_entity(
    session: Session, *, actor: Actor, acronym: str, version: int | None, changes: dict[str, Any]
) -> Entity:
    """Change fields of an entity (admin, secretariat) edited at ``version``.

    Raises NotFound, Forbidden, ValidationError (no version, unknown fields, contradicting
    dates), StaleVersion. Emits EntityUpdated with the changed fields only; an edit that
    changes nothing records nothing and keeps the version.
    """
    require_role(actor, STAFF, _l("change entities"))
    entity = get_entity(session, acronym)
    edits.check_version(entity, version, label=acronym)
    edits.refuse_unknown(changes, ENTITY_EDITABLE)
    merged = {k: changes.get(k, getattr(entity, k)) for k in ("joined_on", "joined_year", "left_on")}
    _check_dates(**merged)
    if "names" in changes and "name_sources" not in changes:
        changes = {**changes, "name_sources": _still_sourced(entity, changes["names"])}
    diff = edits.apply_changes(entity, changes, ENTITY_EDITABLE, to_json=_json_value)
    if not diff:
        return entity
    entity.updated_at = clock.now()
    session.flush()  # raises StaleDataError if another transaction moved the version meanwhile
    outbox.record(
        session,
        EntityUpdated(entity_id=entity.id, acronym=acronym, version=entity.version, changes=diff),
        actor=actor,
    )
    return entity


def _reference_names(entity: Entity, fields: dict[str, Any]) -> dict[str, Any]:
    """The changes that bring ``entity``'s names up to the reference ``fields``, or {}.

    A language the entity has no name in gets the reference name (and its sources). A name
    that came from the reference with a source (it has a ``name_sources`` entry) follows
    the reference: corrected, re-sourced, or removed where the reference dropped it. A name
    typed in by hand (no entry) is kept; where it is the reference name, it gets its source.
    """
    names, sources = dict(entity.names or {}), dict(entity.name_sources or {})
    reference, reference_sources = fields.get("names", {}), fields.get("name_sources", {})
    for lang in [lang for lang in sources if lang not in reference_sources]:
        names.pop(lang, None)
        del sources[lang]
    for lang, name in reference.items():
        if lang in names and lang not in sources and names[lang] != name:
            continue  # typed in by hand: the secretariat's word stands
        names[lang] = name
        if lang in reference_sources:
            sources[lang] = reference_sources[lang]
    changes = {"names": names, "name_sources": sources}
    return {k: v for k, v in changes.items() if v != (getattr(entity, k) or {})}


def seed_reference(session: Session, *, actor: Actor, entities: list[dict[str, Any]]) -> tuple[int, int, int]:
    """Add every reference entity that is not in the registry yet; returns (added, renamed, kept).

    Idempotent: an entity already present (by acronym) keeps the edits made by the
    secretariat since, except that its names are brought up to the reference ones
    (``_reference_names``: official names added or corrected with their sources, names typed
    in by hand kept), recorded as an EntityUpdated event like any edit (``renamed`` counts
    those entities); and the tier of its reference sources is filled in where it was seeded
    before sources had one.
    """
    present = {e.acronym: e for e in session.scalars(sa.select(Entity))}
    added = renamed = 0
    for fields in entities:
        if (entity := present.get(fields["acronym"])) is not None:
            if (tiered := fill_tiers(entity.sources, fields.get("sources"))) is not None:
                entity.sources = tiered
            if changes := _reference_names(entity, fields):
                update_entity(session, actor=actor, acronym=entity.acronym, version=entity.version, changes=changes)
                renamed += 1
            continue
        create_entity(session, actor=actor, **fields)
        added += 1
    return added, renamed, len(entities) - added - renamed
