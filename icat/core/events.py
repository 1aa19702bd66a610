"""Domain events: frozen dataclasses of ids and primitives, named in the past tense.

Every subclass registers itself by class name, so an outbox row's ``type`` column
finds its class again in the worker.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Self

_EVENT_TYPES: dict[str, type[Event]] = {}


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of all domain events. Subclasses are ``@dataclass(frozen=True)``."""

    #: what the event is about, e.g. ``"entity:UNODC"``; used to filter the activity log.
    subject: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__ in _EVENT_TYPES and _EVENT_TYPES[cls.__name__] is not cls:
            raise TypeError(f"two event classes named {cls.__name__}")
        _EVENT_TYPES[cls.__name__] = cls

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__

    def subject_key(self) -> str | None:
        """The subject of this event instance (override for events about one object)."""
        return None

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in payload.items() if k in names})


def event_class(type_name: str) -> type[Event]:
    """The event class registered under ``type_name``; KeyError if there is none."""
    return _EVENT_TYPES[type_name]
