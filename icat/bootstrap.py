"""The one wiring table: which handlers run for which event (DESIGN §2, §11.4).

The worker's relay runs every handler listed here once per event; handlers must be
idempotent in effect, and the outbox makes their database effects exactly-once.
"""

from __future__ import annotations

from icat.core.outbox import HandlerTable
from icat.meetings.events import (
    MeetingCancelled,
    MeetingConfirmed,
    MeetingDeclined,
    MeetingFollowed,
    MeetingProposed,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingUnfollowed,
    MeetingUpdated,
    OccurrenceCancelled,
    OccurrenceMoved,
    OccurrenceReinstated,
)
from icat.notifications.handlers import (
    notify_cancellation,
    notify_focal_points_of_entity_change,
    notify_meeting_proposed,
    notify_proposal_confirmed,
    notify_proposal_declined,
    notify_term_missing,
    notify_term_started,
    replan_reminders,
)
from icat.registry.events import EntityUpdated
from icat.rotation.events import ChairTermMissing, ChairTermStarted

EVENT_HANDLERS: HandlerTable = {
    EntityUpdated: [notify_focal_points_of_entity_change],
    ChairTermStarted: [notify_term_started],
    ChairTermMissing: [notify_term_missing],
    # Reminders follow every change that matters to them (planning is idempotent).
    MeetingScheduled: [replan_reminders],
    MeetingRescheduled: [replan_reminders],
    MeetingUpdated: [replan_reminders],
    OccurrenceMoved: [replan_reminders],
    OccurrenceCancelled: [replan_reminders],
    OccurrenceReinstated: [replan_reminders],
    MeetingFollowed: [replan_reminders],
    MeetingUnfollowed: [replan_reminders],
    MeetingCancelled: [notify_cancellation],
    # Proposals: no reminders while proposed (planning skips them); confirming also raises
    # MeetingScheduled, which plans them above.
    MeetingProposed: [notify_meeting_proposed],
    MeetingConfirmed: [notify_proposal_confirmed],
    MeetingDeclined: [notify_proposal_declined],
}
