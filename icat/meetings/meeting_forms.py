"""The meeting form in plain language (Flask-WTF; works without JavaScript).

Start and end are local times in the meeting's zone, the way people plan ("14:00 in
Vienna"). The recurrence is asked as choices (none, daily, weekly on chosen days, every n
weeks, monthly on the n-th weekday; ending after n meetings or on a date) and reminders as
ticks ("1 week before") plus a custom amount and unit; ``to_fields`` turns them into the
RRULE and ISO 8601 durations the services and the API keep (``icat.meetings.plain``).
A rule the choices cannot express stays as it is, in the advanced RRULE field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from icat.meetings import plain, recurrence
from icat.meetings.forms import LINE, LINES, MEETING_KIND_LABELS, VISIBILITY_LABELS, _choices, choices
from icat.meetings.plain_forms import (
    END_LABELS,
    ORDINAL_CHOICES,
    PATTERN_LABELS,
    PLAN_LABELS,
    UNIT_LABELS,
    check_recurrence,
    fill_reminders,
    fill_repeat,
    reminder_offsets,
    weekday_choices,
    zone_notice_or_error,
)
from icat.meetings.rules import LIMITS
from icat.meetings.wording import offset_words
from icat.registry.labels import choice_label

# Service field → form field, for inline messages next to the right input.
FIELD_MAP = {"starts_at": "starts", "ends_at": "ends", "reminder_offsets": "reminders"}


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=LIMITS["title"]), LINE])
    kind = SelectField(_l("Kind"), choices=_choices(MEETING_KIND_LABELS))
    starts = DateTimeLocalField(_l("Starts (local time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends = DateTimeLocalField(_l("Ends (local time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    timezone = StringField(
        _l("Time zone"),
        default="Europe/Vienna",
        validators=[DataRequired(), Length(max=64), LINE],
        render_kw={"list": "time-zones", "autocomplete": "off"},
    )
    location = StringField(_l("Location"), validators=[Length(max=LIMITS["location"]), LINE])
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=LIMITS["online_url"]), LINE])
    visibility = SelectField(_l("Visibility"), choices=_choices(VISIBILITY_LABELS), default="members")
    working_group = BooleanField(_l("The working group (all its members)"))
    invitees = SelectMultipleField(_l("Invited entities"), choices=[])
    # The recurrence as choices.
    repeat = SelectField(_l("Repeats"), choices=_choices(PATTERN_LABELS), default="none")
    interval = IntegerField(_l("Every"), default=1, validators=[Optional(), NumberRange(1, recurrence.MAX_INTERVAL)])
    weekdays = SelectMultipleField(_l("On"), choices=[])
    ordinal = SelectField(_l("On the"), choices=ORDINAL_CHOICES, default="1")
    month_weekday = SelectField(_l("Weekday"), choices=[], default="MO")
    ends_by = RadioField(_l("Ends"), choices=_choices(END_LABELS), default="count")
    count = IntegerField(_l("Number of meetings"), default=6, validators=[Optional(), NumberRange(min=1)])
    until = DateField(_l("Last day"), validators=[Optional()])
    recurrence = StringField(_l("Rule (RRULE, advanced)"), validators=[Optional(), Length(max=500), LINE])
    # Reminders as choices.
    reminder_plan = RadioField(_l("Reminders"), choices=_choices(PLAN_LABELS), default="default")
    reminders = SelectMultipleField(_l("Before the start"), choices=[])
    custom_amount = IntegerField(_l("Or"), validators=[Optional(), NumberRange(1, 9999)])
    custom_unit = SelectField(_l("Unit"), choices=_choices(UNIT_LABELS), default="days")
    extra_offsets = HiddenField()  # offsets set through the API that the choices do not show
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=LIMITS["description"]), LINES])
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()
        self.month_weekday.choices = weekday_choices()
        self.reminders.choices = choices([(code, offset_words(code)) for code in plain.PRESET_OFFSETS])
        self.working_group_acronyms: list[str] = []
        self.groups: list[tuple[Any, list[Any]]] = []
        self.notices: list[str] = []  # said after saving (a start that happens twice)

    def set_entities(self, entities: list[Any]) -> None:
        """The entities to invite, grouped on the page: working group, other members, partners."""
        self.invitees.choices = choices([(e.acronym, choice_label(e)) for e in entities])
        self.working_group_acronyms = [e.acronym for e in entities if e.working_group]
        by_acronym = {c.value: c for c in self.invitees.choices}

        def group(test: Any) -> list[Any]:
            return [by_acronym[e.acronym] for e in entities if test(e)]

        self.groups = [
            (_l("Working group"), group(lambda e: e.working_group)),
            (_l("Other members"), group(lambda e: e.kind == "member" and not e.working_group)),
            (_l("Partners"), group(lambda e: e.kind != "member")),
        ]

    def edited_version(self) -> int | None:
        """The version the form was filled from (None on a new meeting)."""
        return int(self.version.data) if (self.version.data or "").isdigit() else None

    def zone(self) -> ZoneInfo | None:
        name = (self.timezone.data or "").strip()
        return ZoneInfo(name) if recurrence.is_time_zone(name) else None

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then what only the whole form can tell: a start the clocks skip
        (an error) or repeat (a notice), and recurrence choices giving 0 or over 500 meetings."""
        valid = super().validate(extra_validators)
        zone = self.zone()
        if zone is None or self.starts.data is None:
            return valid
        try:
            for field in (self.starts, self.ends):
                if field.data is not None:
                    zone_notice_or_error(field, zone, self.notices)
            if not self.starts.errors:
                check_recurrence(self, zone)
        except (OverflowError, ValueError):  # a time near year 1 or 9999: the service names the range
            pass
        return valid and not self.errors

    def rrule(self, zone: ZoneInfo) -> str | None:
        if self.repeat.data == "rule":
            return (self.recurrence.data or "").strip() or None
        repeat = plain.Repeat(
            pattern=self.repeat.data,
            interval=self.interval.data or 1,
            weekdays=tuple(self.weekdays.data or ()),
            ordinal=int(self.ordinal.data or 1),
            weekday=self.month_weekday.data or "MO",
            count=self.count.data if self.ends_by.data == "count" else None,
            until=self.until.data if self.ends_by.data == "until" else None,
        )
        return plain.to_rrule(repeat, zone)

    def to_fields(self) -> dict[str, Any]:
        """The service's keyword arguments. Local times become aware instants in the chosen
        zone; an unknown zone is left for the service to name (UTC stands in meanwhile)."""
        zone = self.zone()
        tz: Any = zone or UTC
        invitees = set(self.invitees.data or [])
        if self.working_group.data:
            invitees |= set(self.working_group_acronyms)
        return {
            "title": self.title.data,
            "kind": self.kind.data,
            "starts_at": _aware(self.starts.data, tz),
            "ends_at": _aware(self.ends.data, tz),
            "timezone": (self.timezone.data or "").strip(),
            "location": self.location.data or "",
            "online_url": self.online_url.data or "",
            "visibility": self.visibility.data,
            "invitees": sorted(invitees),
            "recurrence": self.rrule(tz),
            "reminder_offsets": reminder_offsets(self),
            "description": self.description.data or "",
        }

    def fill(self, meeting: Any) -> None:
        """Show a stored meeting for editing, times in its own zone."""
        zone = ZoneInfo(meeting.timezone)
        for name in ("title", "kind", "timezone", "location", "online_url", "visibility", "description"):
            getattr(self, name).data = getattr(meeting, name)
        self.starts.data = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
        self.ends.data = meeting.ends_at.astimezone(zone).replace(tzinfo=None)
        invited = meeting.invitee_acronyms
        self.working_group.data = bool(self.working_group_acronyms) and set(self.working_group_acronyms) <= set(invited)
        self.invitees.data = [a for a in invited if not (self.working_group.data and a in self.working_group_acronyms)]
        fill_repeat(self, meeting.recurrence, zone)
        fill_reminders(self, meeting.reminder_offsets)
        self.version.data = str(meeting.version)


def _aware(value: datetime | None, zone: Any) -> datetime | None:
    return value.replace(tzinfo=zone) if value is not None else None
