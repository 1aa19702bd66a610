"""The entities of ICAT: 28 members and 3 partners (A/RES/78/228, footnotes 19 and 20)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from icat.core.db import Base, JSONType

ENTITY_KINDS = ("member", "partner")
CATEGORIES = (
    "un_secretariat",
    "un_agency_fund_programme",
    "srsg_office",
    "regional_organization",
    "intergovernmental_organization",
    "special_procedure",
    "other",
)
UN_CATEGORIES = frozenset({"un_secretariat", "un_agency_fund_programme", "srsg_office", "special_procedure"})
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
CONFIDENCE = ("high", "medium", "low", "unconfirmed")


class Entity(Base):
    """A member or partner organisation. ``acronym`` is its id in URLs."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    names: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # Where a name in ``names`` comes from, per language: {"sources": [...], "confidence": ...}.
    # Only names the reference data backs with a source have an entry (entity_names.json).
    # Both provenance columns load only when read (deferred group "provenance"): most pages list entities
    # by name, and decoding their sources was a fifth of the publications index's time.
    name_sources: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, server_default=sa.text("'{}'"), deferred=True, deferred_group="provenance"
    )
    kind: Mapped[str] = mapped_column(sa.String(10))
    category: Mapped[str] = mapped_column(sa.String(40))
    # Only the year is known for most entities; the exact date stays empty rather than guessed.
    joined_year: Mapped[int | None]
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]
    working_group: Mapped[bool] = mapped_column(default=False)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=list, deferred=True, deferred_group="provenance"
    )
    confidence: Mapped[str] = mapped_column(sa.String(12), default="high")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {ENTITY_KINDS!r}", name="kind"),
        sa.CheckConstraint(f"category IN {CATEGORIES!r}", name="category"),
        sa.CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on", name="dates"),
    )
    # UPDATE … WHERE version = :old: two concurrent edits cannot both win.
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_un(self) -> bool:
        return self.category in UN_CATEGORIES

    def name_in(self, locale: str | None) -> str:
        """The entity's name in ``locale``, or its English name where none is known."""
        return (self.names or {}).get(locale or "en") or self.name
