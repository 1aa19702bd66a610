"""Rotation events."""

from __future__ import annotations

from dataclasses import dataclass

from icat.core.events import Event


@dataclass(frozen=True)
class ChairTermRecorded(Event):
    """A year's co-chairs were recorded or replaced (``chairs`` None: recorded as unknown)."""

    year: int
    chairs: list[str] | None
    previous: list[str] | None
    confirmed_repeat: bool

    def subject_key(self) -> str:
        return f"chair-term:{self.year}"


@dataclass(frozen=True)
class ChairTermStarted(Event):
    """1 January: a year's term began (``chairs`` None when nobody was recorded for it)."""

    year: int
    chairs: list[str] | None

    def subject_key(self) -> str:
        return f"chair-term:{self.year}"


@dataclass(frozen=True)
class ChairTermMissing(Event):
    """A year starts in ``days_before`` days and has no recorded co-chairs."""

    year: int
    days_before: int

    def subject_key(self) -> str:
        return f"chair-term:{self.year}"


@dataclass(frozen=True)
class ChairUnwillingnessSet(Event):
    """The secretariat set which entities will not chair in ``year`` (planner input)."""

    year: int
    entities: list[str]

    def subject_key(self) -> str:
        return f"chair-term:{self.year}"
