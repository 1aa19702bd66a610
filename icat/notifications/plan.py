"""A meeting's deliveries arranged for reading: by session, then by reminder (or
invitation, update, notice), with recipients counted, and the invited entities nobody can
be reached at said once for the whole plan instead of on every row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from icat.notifications.models import Delivery

# Mails that go out when something changes, before the reminders of their session.
CHANGE_KINDS = ("meeting_invitation", "meeting_updated", "occurrence_moved", "occurrence_cancelled")


@dataclass
class PlanGroup:
    """One reminder (an offset) or one announcement (a kind) of one session, all recipients."""

    kind: str
    offset: str
    rows: list[Delivery] = field(default_factory=list)

    @property
    def due_at(self) -> datetime:
        return min(row.due_at for row in self.rows)

    @property
    def people(self) -> list[Delivery]:
        """The rows addressed to a person (not the "nobody to reach" reports)."""
        return [row for row in self.rows if row.user_id is not None]

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many of its people's rows are in each status, most first."""
        return Counter(row.status for row in self.people).most_common()

    @property
    def reasons(self) -> list[str]:
        """Why rows to a person were skipped or failed, each reason once."""
        return sorted({row.last_error for row in self.people if row.status in ("skipped", "failed") and row.last_error})


@dataclass
class PlanSession:
    """The deliveries of one session (its start as planned, UTC ISO text, or "" when unknown)."""

    starts_at: str
    groups: list[PlanGroup] = field(default_factory=list)

    @property
    def start(self) -> datetime | None:
        return datetime.fromisoformat(self.starts_at) if self.starts_at else None


@dataclass(frozen=True)
class Plan:
    sessions: list[PlanSession]
    unreachable: list[str]  # invited entities with no focal point: nobody gets anything


def _order(group: PlanGroup) -> tuple[int, datetime]:
    return (0 if group.kind in CHANGE_KINDS else 1), group.due_at


def arrange(rows: Iterable[Delivery]) -> Plan:
    """Group ``rows`` by session start, then by (kind, offset); sessions in time order,
    announcements before reminders, reminders by due time."""
    sessions: dict[str, dict[tuple[str, str], PlanGroup]] = {}
    unreachable: set[str] = set()
    for row in rows:
        if row.user_id is None and row.status == "skipped":
            unreachable.add(row.recipient_label)
        key = (row.kind, str(row.params.get("offset") or ""))
        groups = sessions.setdefault(str(row.params.get("starts_at") or ""), {})
        groups.setdefault(key, PlanGroup(kind=row.kind, offset=key[1])).rows.append(row)
    arranged = [
        PlanSession(starts_at=start, groups=sorted(groups.values(), key=_order))
        for start, groups in sorted(sessions.items())
    ]
    return Plan(sessions=arranged, unreachable=sorted(unreachable))


def recipients(group: PlanGroup) -> Sequence[str]:
    """The people of a group, by label, each once."""
    return sorted({row.recipient_label for row in group.people})
