"""Who is acting: passed to every service that changes state, stored on every event."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A signed-in person, an API token's owner, or the system itself (``user_id`` None)."""

    user_id: int | None
    label: str
    role: str
    entity_id: int | None = None


SYSTEM = Actor(user_id=None, label="system", role="admin")
