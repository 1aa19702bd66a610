"""Registry events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icat.core.events import Event


@dataclass(frozen=True)
class EntityCreated(Event):
    """A member or partner entity was added to the registry."""

    entity_id: int
    acronym: str
    kind: str
    name: str

    def subject_key(self) -> str:
        return f"entity:{self.acronym}"


@dataclass(frozen=True)
class EntityUpdated(Event):
    """Fields of an entity changed; ``changes`` maps each field to ``[old, new]`` (JSON values)."""

    entity_id: int
    acronym: str
    version: int
    changes: dict[str, Any] = field(default_factory=dict)

    def subject_key(self) -> str:
        return f"entity:{self.acronym}"
