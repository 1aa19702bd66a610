"""What changed since the plan's baseline (taken at adoption): activities added, dropped
(cancelled since), and dates moved (the activity's start or end, a milestone's due date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icat.workplan.models import Activity, Workplan


@dataclass(frozen=True)
class Moved:
    activity_id: int
    title: str
    what: str  # "starts_on", "ends_on" or "milestone"
    name: str  # the milestone's title ("" for the activity's own dates)
    old: str
    new: str


@dataclass
class Changes:
    adopted: bool
    added: list[Activity] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)  # {id, title, reason}
    moved: list[Moved] = field(default_factory=list)

    @property
    def none(self) -> bool:
        return not (self.added or self.dropped or self.moved)


def _milestones_moved(activity: Activity, before: dict[str, Any]) -> list[Moved]:
    """Milestones matched by title; a title in the baseline and now with another due date moved."""
    old = {m["title"]: m["due_on"] for m in before.get("milestones", [])}
    return [
        Moved(activity.id, activity.title, "milestone", m.title, old[m.title], m.due_on.isoformat())
        for m in activity.milestones
        if m.title in old and old[m.title] != m.due_on.isoformat()
    ]


def changes_since_baseline(plan: Workplan) -> Changes:
    """Compare the plan now with its baseline; an unadopted plan has none (``adopted`` False)."""
    if plan.baseline is None:
        return Changes(adopted=False)
    result = Changes(adopted=True)
    now = {str(a.id): a for a in plan.activities}
    for key, before in plan.baseline.items():
        activity = now.get(key)
        if activity is None:
            result.dropped.append({"id": int(key), "title": before["title"], "reason": "removed"})
            continue
        if activity.status == "cancelled" and before["status"] != "cancelled":
            result.dropped.append({"id": activity.id, "title": activity.title, "reason": "cancelled"})
        for what in ("starts_on", "ends_on"):
            current = getattr(activity, what).isoformat()
            if current != before[what]:
                result.moved.append(Moved(activity.id, activity.title, what, "", before[what], current))
        result.moved += _milestones_moved(activity, before)
    result.added = [a for key, a in now.items() if key not in plan.baseline]
    return result
