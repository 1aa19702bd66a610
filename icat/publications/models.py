"""Publication tables: the publication, its lead entities, the current text per language,
every saved version of a text, circulation rounds, their addressees and responses.

A text's ``content_hash`` is the SHA-256 of its title and body (``texts.content_hash``);
responses are pinned to the authoritative text's hash at circulation, and a translation
records the authoritative hash it follows (outdated once that hash changes).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icat.core.db import Base, JSONType
from icat.registry.models import Entity

PUBLICATION_KINDS = ("issue_brief", "joint_statement", "call_to_action", "policy_paper", "toolkit", "report")
# Adopted by ICAT as a whole; the other kinds are approved by their lead entities.
ADOPTED_KINDS = ("joint_statement", "call_to_action")
NUMBERED_KINDS = ("issue_brief",)
PUBLICATION_STATUSES = ("draft", "circulated", "adopted", "withdrawn", "published")
TEXT_STATES = ("draft", "final")  # "missing" is the absence of a row
PROCEDURES = ("endorsement", "silence")
# open → adopted | not_adopted | broken (silence broken by an objection) | voided (text edited)
ROUND_STATUSES = ("open", "adopted", "not_adopted", "broken", "voided")
DECISIONS = ("endorse", "abstain", "object")

publication_leads = sa.Table(
    "publication_leads",
    Base.metadata,
    sa.Column("publication_id", sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("entity_id", sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True),
)

round_entities = sa.Table(
    "publication_round_entities",
    Base.metadata,
    sa.Column("round_id", sa.ForeignKey("publication_rounds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("entity_id", sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Publication(Base):
    """A text ICAT or its members publish. ``version`` rises on every change (ETag)."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    language: Mapped[str] = mapped_column(sa.String(2))  # the authoritative language
    number: Mapped[int | None]  # issue briefs: unique within the series (the kind)
    year: Mapped[int | None] = mapped_column(index=True)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", index=True)
    published_on: Mapped[date | None]
    withdrawn_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Reference rows: what is known, from where, how surely; ``external_key`` finds them again.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    confidence: Mapped[str] = mapped_column(sa.String(12), default="high")
    external_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)

    leads: Mapped[list[Entity]] = relationship(secondary=publication_leads, order_by=Entity.acronym, lazy="selectin")
    texts: Mapped[list[PublicationText]] = relationship(
        order_by="PublicationText.language", cascade="all, delete-orphan", lazy="selectin"
    )
    rounds: Mapped[list[CirculationRound]] = relationship(
        order_by="CirculationRound.number", cascade="all, delete-orphan", back_populates="publication"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.language", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {PUBLICATION_KINDS!r}", name="kind"),
        sa.CheckConstraint(f"status IN {PUBLICATION_STATUSES!r}", name="status"),
        sa.UniqueConstraint("kind", "number"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def lead_acronyms(self) -> list[str]:
        return [e.acronym for e in self.leads]

    def attachment(self, language: str) -> Attachment | None:
        return next((a for a in self.attachments if a.language == language), None)

    def text(self, language: str) -> PublicationText | None:
        return next((t for t in self.texts if t.language == language), None)

    @property
    def current_round(self) -> CirculationRound | None:
        return self.rounds[-1] if self.rounds else None


class PublicationText(Base):
    """The current title and body in one language; every save is also a TextVersion."""

    __tablename__ = "publication_texts"

    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(8), default="draft")
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # The authoritative text's hash this translation follows (None for the authoritative one).
    follows_hash: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime]

    __table_args__ = (sa.CheckConstraint(f"state IN {TEXT_STATES!r}", name="state"),)


class TextVersion(Base):
    """One saved text of one language: who saved it, when, and its content hash."""

    __tablename__ = "publication_text_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(2))
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(8))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    follows_hash: Mapped[str | None] = mapped_column(sa.String(64))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[datetime]


class CirculationRound(Base):
    """One circulation of the authoritative text (``version_hash``) to named entities."""

    __tablename__ = "publication_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    procedure: Mapped[str] = mapped_column(sa.String(12))
    deadline: Mapped[datetime] = mapped_column(index=True)
    version_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    opened_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    publication: Mapped[Publication] = relationship(back_populates="rounds")
    entities: Mapped[list[Entity]] = relationship(secondary=round_entities, order_by=Entity.acronym, lazy="selectin")
    responses: Mapped[list[RoundResponse]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint("publication_id", "number"),
        sa.CheckConstraint(f"procedure IN {PROCEDURES!r}", name="procedure"),
        sa.CheckConstraint(f"status IN {ROUND_STATUSES!r}", name="status"),
    )

    @property
    def entity_acronyms(self) -> list[str]:
        return [e.acronym for e in self.entities]


class RoundResponse(Base):
    """An entity's answer in a round, given by a person, pinned to the circulated hash.
    ``voided`` once the text was edited during the round (the row stays for the history)."""

    __tablename__ = "publication_responses"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("publication_rounds.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    decision: Mapped[str] = mapped_column(sa.String(8))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    version_hash: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    by_label: Mapped[str] = mapped_column(sa.String(254), default="")
    at: Mapped[datetime]
    voided: Mapped[bool] = mapped_column(default=False)

    entity: Mapped[Entity] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"decision IN {DECISIONS!r}", name="decision"),)


class Attachment(Base):
    """The PDF of one language (its type checked by content). ``stored_path`` is relative to
    the instance folder; a new upload for the language replaces the row."""

    __tablename__ = "publication_attachments"

    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    stored_path: Mapped[str] = mapped_column(sa.String(500))
    uploaded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime]
