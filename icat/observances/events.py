"""Observance events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icat.core.events import Event


@dataclass(frozen=True)
class ObservanceCreated(Event):
    """An observance was added (by the seed or the secretariat)."""

    observance_id: int
    slug: str
    name: str

    def subject_key(self) -> str:
        return f"observance:{self.slug}"


@dataclass(frozen=True)
class ObservanceUpdated(Event):
    """Fields, themes or campaign offsets of an observance changed; ``changes`` maps each
    changed field (``themes.<year>``, ``steps.<key>``) to ``[old, new]`` (JSON values)."""

    observance_id: int
    slug: str
    version: int
    changes: dict[str, Any] = field(default_factory=dict)

    def subject_key(self) -> str:
        return f"observance:{self.slug}"
