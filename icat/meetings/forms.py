"""The meeting form (Flask-WTF: CSRF token, server-side validation, works without JavaScript).

Start and end are entered as local times in the meeting's zone, the way people plan
("14:00 in Vienna"); ``to_fields`` turns them into aware instants for the services.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from icat.core.text import text_problem
from icat.meetings import recurrence
from icat.meetings.rules import LIMITS

MEETING_KIND_LABELS = {
    "working_group": _l("Working group meeting"),
    "principals": _l("Principals meeting"),
    "coordination_call": _l("Coordination call"),
    "briefing": _l("Briefing"),
    "other": _l("Other"),
}
VISIBILITY_LABELS = {
    "public": _l("Public"),
    "members": _l("Members (any signed-in user)"),
    "restricted": _l("Restricted to invitees"),
}
RESPONSE_LABELS = {"yes": _l("Yes"), "no": _l("No"), "maybe": _l("Maybe")}


def _choices(labels: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def choices(values: list[tuple[str, str]]) -> list[SelectChoice]:
    """Choices for fields filled at request time (entities)."""
    return [SelectChoice(value, label) for value, label in values]


class CleanText:
    """The API's text rule for page forms (``icat.core.text``): no control characters
    (tab and line breaks only in a ``multiline`` field), no invalid Unicode."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, _form: Any, field: Any) -> None:
        problem = text_problem(field.data or "", multiline=self.multiline)
        if problem == "Must be one line.":
            raise ValidationError(_l("Must be one line."))
        if problem:
            raise ValidationError(_l("Contains a character that is not allowed (a control character)."))


LINE, LINES = CleanText(), CleanText(multiline=True)

# Service field → form field, for inline messages next to the right input.
FIELD_MAP = {"starts_at": "starts", "ends_at": "ends"}


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=LIMITS["title"]), LINE])
    kind = SelectField(_l("Kind"), choices=_choices(MEETING_KIND_LABELS))
    starts = DateTimeLocalField(_l("Starts (local time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends = DateTimeLocalField(_l("Ends (local time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    timezone = StringField(_l("Time zone"), default="Europe/Vienna", validators=[DataRequired(), Length(max=64), LINE])
    location = StringField(_l("Location"), validators=[Length(max=LIMITS["location"]), LINE])
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=LIMITS["online_url"]), LINE])
    visibility = SelectField(_l("Visibility"), choices=_choices(VISIBILITY_LABELS), default="members")
    invitees = SelectMultipleField(_l("Invited entities"), choices=[])
    recurrence = StringField(_l("Repeats (RRULE)"), validators=[Optional(), Length(max=500), LINE])
    reminder_offsets = StringField(
        _l("Reminders before the start (e.g. P7D, PT1H)"), validators=[Length(max=400), LINE]
    )
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=LIMITS["description"]), LINES])
    version = HiddenField()

    def edited_version(self) -> int | None:
        """The version the form was filled from (None on a new meeting)."""
        return int(self.version.data) if (self.version.data or "").isdigit() else None

    def to_fields(self) -> dict[str, Any]:
        """The service's keyword arguments. Local times become aware instants in the chosen
        zone; an unknown zone is left for the service to name (UTC stands in meanwhile)."""
        zone_name = (self.timezone.data or "").strip()
        zone = ZoneInfo(zone_name) if recurrence.is_time_zone(zone_name) else UTC
        offsets = self.reminder_offsets.data or ""
        return {
            "title": self.title.data,
            "kind": self.kind.data,
            "starts_at": _aware(self.starts.data, zone),
            "ends_at": _aware(self.ends.data, zone),
            "timezone": zone_name,
            "location": self.location.data or "",
            "online_url": self.online_url.data or "",
            "visibility": self.visibility.data,
            "invitees": list(self.invitees.data or []),
            "recurrence": self.recurrence.data or None,
            "reminder_offsets": _offsets(offsets),
            "description": self.description.data or "",
        }

    def fill(self, meeting: Any) -> None:
        """Show a stored meeting for editing, times in its own zone."""
        zone = ZoneInfo(meeting.timezone)
        for name in ("title", "kind", "timezone", "location", "online_url", "visibility", "description"):
            getattr(self, name).data = getattr(meeting, name)
        self.starts.data = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
        self.ends.data = meeting.ends_at.astimezone(zone).replace(tzinfo=None)
        self.invitees.data = meeting.invitee_acronyms
        self.recurrence.data = meeting.recurrence or ""
        offsets = meeting.reminder_offsets
        self.reminder_offsets.data = NO_REMINDERS if offsets == [] else ", ".join(offsets or [])
        self.version.data = str(meeting.version)


NO_REMINDERS = "none"


def _offsets(text: str) -> list[str] | None:
    """Empty → None (the kind's defaults); "none" → [] (no reminders); else the durations."""
    if not text.strip():
        return None
    if text.strip().lower() == NO_REMINDERS:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def _aware(value: datetime | None, zone: ZoneInfo | Any) -> datetime | None:
    return value.replace(tzinfo=zone) if value is not None else None


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=LIMITS["cancel_reason"]), LINES])


class RsvpForm(FlaskForm):
    entity = SelectField(_l("For"), choices=[])
    response = RadioField(_l("Will you attend?"), choices=_choices(RESPONSE_LABELS), validators=[DataRequired()])

    def to_fields(self) -> dict[str, Any]:
        """``participation.give_rsvp``'s keyword arguments."""
        return {"entity": self.entity.data, "response": self.response.data}


class DocumentForm(FlaskForm):
    """Only the CSRF token: the file comes as ``request.files['file']``."""


class FollowForm(FlaskForm):
    """The follow button: what it asks for ("on" follows, "off" stops following), so the
    answer does not depend on what the page showed when another tab already changed it."""

    state = HiddenField(validators=[AnyOf(("on", "off"))])

    def wants_following(self) -> bool:
        return self.state.data == "on"


class ProposalActionForm(FlaskForm):
    """Confirm or withdraw a proposal: the CSRF token and the version the page showed, so a
    proposal changed meanwhile is not confirmed unseen."""

    version = HiddenField()

    def version_number(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class DeclineForm(ProposalActionForm):
    reason = TextAreaField(
        _l("Why (optional, shown to the proposer)"), validators=[Length(max=LIMITS["cancel_reason"]), LINES]
    )

    def to_fields(self) -> dict[str, Any]:
        """``proposals.decline_proposal``'s keyword arguments."""
        return {"reason": self.reason.data or "", "version": self.version_number()}
