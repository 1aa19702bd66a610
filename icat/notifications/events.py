"""Notification events."""

from __future__ import annotations

from dataclasses import dataclass

from icat.core.events import Event


@dataclass(frozen=True)
class DeliveryRetried(Event):
    """The secretariat sent a failed delivery back to the queue."""

    delivery_id: int
    key: str

    def subject_key(self) -> str:
        return f"delivery:{self.delivery_id}"
