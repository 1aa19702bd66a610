"""Publication events: drafted, texts saved, circulated, answered, rounds closed, published.
Times are ISO 8601 strings in UTC; hashes are the SHA-256 of a text (``texts.content_hash``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icat.core.events import Event


@dataclass(frozen=True)
class _PublicationEvent(Event):
    publication_id: int

    def subject_key(self) -> str:
        return f"publication:{self.publication_id}"


@dataclass(frozen=True)
class PublicationDrafted(_PublicationEvent):
    """A publication was created as a draft (or loaded from the reference data)."""

    kind: str
    language: str
    title: str
    leads: list[str] = field(default_factory=list)
    number: int | None = None


@dataclass(frozen=True)
class PublicationUpdated(_PublicationEvent):
    """Fields of a publication changed; ``changes`` maps each to ``[old, new]``."""

    version: int
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PublicationTextSaved(_PublicationEvent):
    """A language's text was saved as a new version (``content_hash``), ``state`` draft or final."""

    language: str
    content_hash: str
    state: str
    authoritative: bool


@dataclass(frozen=True)
class PublicationCirculated(_PublicationEvent):
    """Round ``round_number`` opened: ``version_hash`` sent to ``entities`` until ``deadline``."""

    round_id: int
    round_number: int
    procedure: str
    deadline: str
    version_hash: str
    entities: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublicationResponseRecorded(_PublicationEvent):
    """An entity endorsed, abstained or objected in a round (its answer may replace an earlier one)."""

    round_id: int
    entity: str
    decision: str
    version_hash: str
    comment: str = ""


@dataclass(frozen=True)
class CirculationRoundClosed(_PublicationEvent):
    """A round ended: ``outcome`` adopted, not_adopted, broken (silence broken by an
    objection) or voided (the text was edited during the round). ``objectors`` name who objected."""

    round_id: int
    round_number: int
    procedure: str
    outcome: str
    title: str
    leads: list[str] = field(default_factory=list)
    objectors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublicationPublished(_PublicationEvent):
    """Published on ``published_on`` (YYYY-MM-DD) with its co-signers."""

    published_on: str
    cosigners: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublicationWithdrawn(_PublicationEvent):
    """Withdrawn, with a note; a published one stays readable with that note."""

    note: str


@dataclass(frozen=True)
class PublicationFileAttached(_PublicationEvent):
    """The PDF of ``language`` was uploaded (replacing an earlier one)."""

    language: str
    filename: str
    size: int
    sha256: str
