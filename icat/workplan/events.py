"""Workplan events: every change to a plan, an outcome or an activity, in the activity log.

Dates are ``YYYY-MM-DD`` strings; ``changes`` maps each changed field to ``[old, new]``.
Activity events carry ``workplan_id`` so the reminders of its milestones can be re-planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icat.core.events import Event


@dataclass(frozen=True)
class _WorkplanEvent(Event):
    workplan_id: int

    def subject_key(self) -> str:
        return f"workplan:{self.workplan_id}"


@dataclass(frozen=True)
class WorkplanCreated(_WorkplanEvent):
    """A plan was drafted for the years ``start_year``–``end_year``."""

    title: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class WorkplanUpdated(_WorkplanEvent):
    """Fields of a plan changed (title, period)."""

    version: int
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkplanAdopted(_WorkplanEvent):
    """The plan was adopted on ``adopted_on``; its baseline of ``activities`` was taken."""

    adopted_on: str
    activities: int


@dataclass(frozen=True)
class OutcomeAdded(_WorkplanEvent):
    """An outcome was added under ``pillar`` with thematic ``priorities``."""

    outcome_id: int
    title: str
    pillar: str
    priorities: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _ActivityEvent(_WorkplanEvent):
    activity_id: int

    def subject_key(self) -> str:
        return f"activity:{self.activity_id}"


@dataclass(frozen=True)
class ActivityAdded(_ActivityEvent):
    """An activity was added to the plan (one by one, or by an import: ``imported``)."""

    title: str
    starts_on: str
    ends_on: str
    lead_entities: list[str] = field(default_factory=list)
    imported: bool = False


@dataclass(frozen=True)
class ActivityUpdated(_ActivityEvent):
    """Fields of an activity changed (status, progress, dates, leads, rating, milestones,
    evidence…); ``changes`` names each one, ``[old, new]``."""

    version: int
    changes: dict[str, Any] = field(default_factory=dict)
