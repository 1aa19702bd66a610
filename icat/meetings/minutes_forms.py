"""Forms for a meeting's record: its agenda, its minutes, and one occurrence of a series moved.

Flask-WTF (CSRF token, server-side validation, no JavaScript needed). The agenda and the
minutes are edited as whole lists, the way ``records.set_agenda`` and
``records.record_minutes`` take them: every stored row plus a few blank ones to add to. A row
left blank, or ticked "Remove", is dropped; the order of agenda items follows their "Order"
numbers. Length limits come from ``rules.LIMITS`` so each message sits beside its own input;
the services check everything again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from icat.meetings.forms import LINE, LINES, CancelForm
from icat.meetings.minutes import MAX_ITEMS, ActionInput, AgendaInput
from icat.meetings.rules import LIMITS
from icat.registry.labels import choice_label

BLANK_ROWS = 3  # empty rows offered for new items; save and come back for more
# Far more rows than a valid agenda has: the service names the real limit (MAX_ITEMS), this
# only keeps a forged post with thousands of rows from being parsed at all.
MAX_ROWS = 2 * MAX_ITEMS


def entity_choices(invitees: Iterable[Any], entities: Iterable[Any]) -> list[SelectChoice]:
    """Choices for an entity field: none, then the meeting's invitees, then every other entity."""
    invited = list(invitees)
    taken = {e.acronym for e in invited}
    rows = [SelectChoice("", _("— none —"))]
    rows += [SelectChoice(e.acronym, choice_label(e), optgroup=_("Invited")) for e in invited]
    others = [e for e in entities if e.acronym not in taken]
    rows += [SelectChoice(e.acronym, choice_label(e), optgroup=_("Other entities")) for e in others]
    return rows


def _blank(value: Any) -> bool:
    return not (value or "").strip() if isinstance(value, str) or value is None else False


def _version(field: HiddenField) -> int | None:
    text = (field.data or "").strip()
    return int(text) if text.isdigit() else None


class AgendaRowForm(Form):
    """One agenda item (a sub-form: the page's CSRF token covers it)."""

    title = StringField(_l("Title"), validators=[Length(max=LIMITS["agenda_title"]), LINE])
    lead_entity = SelectField(_l("Lead entity"), choices=[])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=LIMITS["agenda_notes"]), LINES], render_kw={"rows": 2})
    order = IntegerField(_l("Order"), validators=[Optional(), NumberRange(min=1, max=MAX_ROWS)])
    remove = BooleanField(_l("Remove"))

    def used(self) -> bool:
        """A row that is kept: not ticked for removal and not left blank."""
        return not self.remove.data and not all(_blank(f.data) for f in (self.title, self.notes, self.lead_entity))

    def validate_title(self, field: StringField) -> None:
        if self.used() and _blank(field.data):
            raise ValidationError(_l("A title is required (or tick Remove)."))


class AgendaForm(FlaskForm):
    items = FieldList(FormField(AgendaRowForm), max_entries=MAX_ROWS)
    version = HiddenField()

    def set_choices(self, choices: list[SelectChoice]) -> None:
        for row in self.items:
            row.form.lead_entity.choices = choices

    def fill(self, meeting: Any) -> None:
        """Every stored item in order, then blank rows numbered after them."""
        for n, item in enumerate(meeting.agenda_items, start=1):
            lead = item.lead_entity.acronym if item.lead_entity else ""
            self.items.append_entry({"title": item.title, "notes": item.notes, "lead_entity": lead, "order": n})
        for n in range(len(meeting.agenda_items) + 1, len(meeting.agenda_items) + BLANK_ROWS + 1):
            self.items.append_entry({"order": n})
        self.version.data = str(meeting.version)

    def to_items(self) -> list[AgendaInput]:
        """The kept rows by their order number (rows without one stay where they are)."""
        kept = [(row.order.data or n + 1, n, row) for n, row in enumerate(self.items) if row.form.used()]
        kept.sort(key=lambda entry: (entry[0], entry[1]))
        return [
            AgendaInput(title=row.title.data, notes=row.notes.data or "", lead_entity=row.lead_entity.data or None)
            for _order, _n, row in kept
        ]

    def edited_version(self) -> int | None:
        return _version(self.version)

    def to_fields(self) -> dict[str, Any]:
        """``minutes.set_agenda``'s keyword arguments: the kept rows and the version edited."""
        return {"items": self.to_items(), "version": self.edited_version()}


class ActionRowForm(Form):
    """One action item: what, which entity owns it, by when, and whether it is done."""

    text = StringField(_l("Action"), validators=[Length(max=LIMITS["action_item"]), LINE])
    owner = SelectField(_l("Owner entity"), choices=[])
    due_on = DateField(_l("Due on"), validators=[Optional()])
    done = BooleanField(_l("Done"))
    remove = BooleanField(_l("Remove"))

    def used(self) -> bool:
        empty = _blank(self.text.data) and _blank(self.owner.data) and not self.due_on.data
        return not self.remove.data and not empty

    def validate_text(self, field: StringField) -> None:
        if self.used() and _blank(field.data):
            raise ValidationError(_l("Say what is to be done (or tick Remove)."))


class MinutesForm(FlaskForm):
    text = TextAreaField(
        _l("Minutes (Markdown)"), validators=[Length(max=LIMITS["minutes"]), LINES], render_kw={"rows": 10}
    )
    decisions = FieldList(
        TextAreaField(_l("Decision"), validators=[Length(max=LIMITS["decision"]), LINES], render_kw={"rows": 2}),
        max_entries=MAX_ROWS,
    )
    action_items = FieldList(FormField(ActionRowForm), max_entries=MAX_ROWS)
    version = HiddenField()

    def set_choices(self, choices: list[SelectChoice]) -> None:
        for row in self.action_items:
            row.form.owner.choices = choices

    def fill(self, meeting: Any) -> None:
        """The stored minutes, then blank rows for more decisions and action items."""
        self.text.data = meeting.minutes.text if meeting.minutes else ""
        for decision in meeting.decisions:
            self.decisions.append_entry(decision.text)
        for action in meeting.action_items:
            owner = action.owner.acronym if action.owner else ""
            self.action_items.append_entry(
                {"text": action.text, "owner": owner, "due_on": action.due_on, "done": action.done}
            )
        for _row in range(BLANK_ROWS):
            self.decisions.append_entry("")
            self.action_items.append_entry({})
        self.version.data = str(meeting.version)

    def to_fields(self) -> dict[str, Any]:
        """``minutes.record_minutes``'s keyword arguments, blank and removed rows left out,
        with the version edited."""
        actions = [
            ActionInput(text=row.text.data, owner=row.owner.data or None, due_on=row.due_on.data, done=row.done.data)
            for row in self.action_items
            if row.form.used()
        ]
        decisions = [d.data for d in self.decisions if not _blank(d.data)]
        return {
            "text": self.text.data or "",
            "decisions": decisions,
            "action_items": actions,
            "version": self.edited_version(),
        }

    def edited_version(self) -> int | None:
        return _version(self.version)


class OccurrenceMoveForm(FlaskForm):
    """New start and end of one occurrence, as local times in the meeting's own zone."""

    # InputRequired, not DataRequired: a time that does not parse keeps its own message.
    starts = DateTimeLocalField(_l("Starts (local time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    ends = DateTimeLocalField(_l("Ends (local time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])

    def fill(self, starts_at: datetime, ends_at: datetime, timezone: str) -> None:
        zone = ZoneInfo(timezone)
        self.starts.data = starts_at.astimezone(zone).replace(tzinfo=None)
        self.ends.data = ends_at.astimezone(zone).replace(tzinfo=None)

    def to_times(self, timezone: str) -> dict[str, datetime]:
        """Aware instants in the meeting's zone, for ``series.move_occurrence``."""
        zone = ZoneInfo(timezone)
        return {"starts_at": self.starts.data.replace(tzinfo=zone), "ends_at": self.ends.data.replace(tzinfo=zone)}


class OccurrenceCancelForm(CancelForm):
    """Cancelling one session asks, as for the whole meeting, for a reason and a tick."""


class OccurrenceReinstateForm(FlaskForm):
    """Only the CSRF token: reinstating undoes a cancellation, nothing is lost by it."""
