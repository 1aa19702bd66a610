"""The one wiring table: which handlers run for which event (DESIGN §2, §11.4).

The worker's relay runs every handler listed here once per event; handlers must be
idempotent in effect, and the outbox makes their database effects exactly-once.
"""

from __future__ import annotations

from icat.accounts.events import AccountLinkIssued, UserUpdated
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
from icat.notifications.account_mail import apply_reminder_preferences, plan_account_mail
from icat.notifications.handlers import (
    notify_cancellation,
    notify_focal_points_of_entity_change,
    notify_meeting_proposed,
    notify_proposal_confirmed,
    notify_proposal_declined,
    notify_round_outcome,
    notify_session_change,
    notify_term_missing,
    notify_term_started,
    plan_adopted_reminders,
    replan_milestone_reminders,
    replan_reminders,
    replan_round_reminders,
    send_invitations,
)
from icat.publications.events import CirculationRoundClosed, PublicationCirculated, PublicationResponseRecorded
from icat.registry.events import EntityUpdated
from icat.rotation.events import ChairTermMissing, ChairTermStarted
from icat.workplan.events import ActivityAdded, ActivityUpdated, WorkplanAdopted

EVENT_HANDLERS: HandlerTable = {
    EntityUpdated: [notify_focal_points_of_entity_change],
    ChairTermStarted: [notify_term_started],
    ChairTermMissing: [notify_term_missing],
    # Reminders follow every change that matters to them (planning is idempotent).
    # Invitations and updates go to everyone who has not had the current sequence yet.
    MeetingScheduled: [replan_reminders, send_invitations],
    MeetingRescheduled: [replan_reminders, send_invitations],
    MeetingUpdated: [replan_reminders, send_invitations],
    OccurrenceMoved: [replan_reminders, notify_session_change],
    OccurrenceCancelled: [replan_reminders, notify_session_change],
    OccurrenceReinstated: [replan_reminders, notify_session_change],
    MeetingFollowed: [replan_reminders, send_invitations],
    MeetingUnfollowed: [replan_reminders, send_invitations],
    MeetingCancelled: [notify_cancellation],
    # Proposals: no reminders while proposed (planning skips them); confirming also raises
    # MeetingScheduled, which plans them above.
    MeetingProposed: [notify_meeting_proposed],
    MeetingConfirmed: [notify_proposal_confirmed],
    MeetingDeclined: [notify_proposal_declined],
    # Circulation rounds: reminders for the silent entities, the outcome for the leads.
    PublicationCirculated: [replan_round_reminders],
    PublicationResponseRecorded: [replan_round_reminders],
    CirculationRoundClosed: [notify_round_outcome],
    # Workplan milestones remind the lead entities' focal points, once the plan is adopted.
    WorkplanAdopted: [plan_adopted_reminders],
    ActivityAdded: [replan_milestone_reminders],
    ActivityUpdated: [replan_milestone_reminders],
    # Invitations and password resets: one mail per link, through the deliveries.
    AccountLinkIssued: [plan_account_mail],
    UserUpdated: [apply_reminder_preferences],
}
