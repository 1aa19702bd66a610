"""Observance rules: who may edit the day, its themes and its campaign offsets; seeding."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import ValidationError
from icat.core.permissions import STAFF, require_role
from icat.observances.events import ObservanceCreated, ObservanceUpdated
from icat.observances.models import CampaignStep, Observance, ObservanceTheme
from icat.observances.queries import get_observance
from icat.registry.sources import fill_tiers

OBSERVANCE_EDITABLE = ("name", "names", "description", "sources", "confidence", "themes", "steps")
THEME_FIELDS = ("theme", "note", "sources", "confidence", "wording_confidence")


def create_observance(
    session: Session, *, actor: Actor, themes: list[dict[str, Any]], steps: list[dict[str, Any]], **fields: Any
) -> Observance:
    """Add an observance with its known themes and campaign steps (admin, secretariat).
    Raises Forbidden. Emits ObservanceCreated."""
    require_role(actor, STAFF, _l("add observances"))
    now = clock.now()
    observance = Observance(created_at=now, updated_at=now, **fields)
    observance.themes = [ObservanceTheme(**theme) for theme in themes]
    observance.steps = [CampaignStep(position=i, **step) for i, step in enumerate(steps)]
    session.add(observance)
    session.flush()
    outbox.record(
        session, ObservanceCreated(observance_id=observance.id, slug=observance.slug, name=observance.name), actor=actor
    )
    return observance


def _theme_json(row: ObservanceTheme | None) -> dict[str, Any] | None:
    return None if row is None else {f: getattr(row, f) for f in THEME_FIELDS}


def _apply_themes(observance: Observance, themes: list[dict[str, Any]]) -> dict[str, Any]:
    """Set the given years' themes (other years stay as they are); the diff per year."""
    diff: dict[str, Any] = {}
    for item in themes:
        year = item["year"]
        if year < observance.first_year:
            raise ValidationError(
                _l("A theme before the first observance."),
                fields={"themes": [_l("%(year)s is before %(first)s.", year=year, first=observance.first_year)]},
                rule="observances.theme_too_early",
            )
        row = observance.theme_for(year)
        old = _theme_json(row)
        new = (old or {}) | {f: item[f] for f in THEME_FIELDS if f in item}
        if new == old:
            continue
        if row is None:
            row = ObservanceTheme(year=year)
            observance.themes.append(row)
        for key, value in new.items():
            setattr(row, key, value)
        diff[f"themes.{year}"] = [old, _theme_json(row)]
    return diff


def _apply_steps(observance: Observance, steps: list[dict[str, Any]]) -> dict[str, Any]:
    by_key = {step.key: step for step in observance.steps}
    diff: dict[str, Any] = {}
    for item in steps:
        step = by_key.get(item["key"])
        if step is None:
            raise ValidationError(
                _l("Unknown campaign step."),
                fields={"steps": [_l("No step %(key)s.", key=item["key"])]},
                rule="observances.step_unknown",
            )
        if step.offset_days != item["offset_days"]:
            diff[f"steps.{step.key}"] = [step.offset, f"P{item['offset_days']}D"]
            step.offset_days = item["offset_days"]
    return diff


def update_observance(
    session: Session, *, actor: Actor, slug: str, version: int | None, changes: dict[str, Any]
) -> Observance:
    """Change an observance edited at ``version`` (admin, secretariat): plain fields, the
    themes of the years sent (``themes: [{year, theme, …}]``), step offsets.

    Raises NotFound, Forbidden, ValidationError, StaleVersion. Emits ObservanceUpdated; no
    change, no event, same version.
    """
    require_role(actor, STAFF, _l("change observances"))
    observance = get_observance(session, slug)
    edits.check_version(observance, version, label=slug)
    edits.refuse_unknown(changes, OBSERVANCE_EDITABLE)
    plain = {k: v for k, v in changes.items() if k not in ("themes", "steps")}
    diff = edits.apply_changes(observance, plain, OBSERVANCE_EDITABLE)
    diff |= _apply_themes(observance, changes.get("themes", []))
    diff |= _apply_steps(observance, changes.get("steps", []))
    if not diff:
        return observance
    observance.updated_at = clock.now()
    session.flush()  # raises StaleDataError if another transaction moved the version meanwhile
    event = ObservanceUpdated(observance_id=observance.id, slug=slug, version=observance.version, changes=diff)
    outbox.record(session, event, actor=actor)
    return observance


def _fill_tiers(existing: Observance, fields: dict[str, Any]) -> None:
    """Give rows seeded before sources had a tier the reference tier of those sources."""
    if (tiered := fill_tiers(existing.sources, fields["sources"])) is not None:
        existing.sources = tiered
    for theme in fields["themes"]:
        row = existing.theme_for(theme["year"])
        if row is not None and (tiered := fill_tiers(row.sources, theme["sources"])) is not None:
            row.sources = tiered


def seed_reference(session: Session, *, actor: Actor, observances: list[dict[str, Any]]) -> tuple[int, int]:
    """Add every reference observance not present yet; returns (added, kept).

    Idempotent: an observance already present (by slug) keeps its edited fields, themes and
    offsets; only theme years it has no row for are added from the reference data.
    """
    added = 0
    for fields in observances:
        existing = session.scalar(sa.select(Observance).where(Observance.slug == fields["slug"]))
        if existing is None:
            create_observance(session, actor=actor, **fields)
            added += 1
            continue
        _fill_tiers(existing, fields)
        missing = [t for t in fields["themes"] if existing.theme_for(t["year"]) is None]
        if missing:
            existing.themes.extend(ObservanceTheme(**t) for t in missing)
            existing.updated_at = clock.now()
    return added, len(observances) - added
