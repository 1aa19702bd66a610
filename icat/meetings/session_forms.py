"""Forms of one session's page: the answer for this session, who attended, its minutes
(the series' minutes form, filled from the session's record)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, SelectMultipleField, StringField
from wtforms.validators import Length

from icat.meetings.forms import LINE, RsvpForm, choices
from icat.meetings.minutes_forms import MinutesForm
from icat.meetings.sessions import MAX_PEOPLE_CHARS


class SessionRsvpForm(RsvpForm):
    """The answer for this session only; the series' answer stays for the others."""


class AttendanceForm(FlaskForm):
    """A tick per entity that attended and, beside it, who came (names, free text). The
    ``people`` rows follow the order of ``attended``'s choices."""

    attended = SelectMultipleField(_l("Attended"), choices=[])
    people = FieldList(StringField(_l("Who came"), validators=[Length(max=MAX_PEOPLE_CHARS), LINE]), max_entries=100)

    def set_entities(self, acronyms: list[str], record: Any) -> None:
        """The entities to tick (the invited ones, then any recorded), filled from ``record``
        on first view."""
        recorded = {a.entity.acronym: a.people for a in record.attendance}
        names = list(dict.fromkeys([*acronyms, *recorded]))
        self.attended.choices = choices([(a, a) for a in names])
        if not self.is_submitted():
            self.attended.data = list(recorded)
            for name in names:
                self.people.append_entry(recorded.get(name, ""))
        self.rows = list(zip(names, self.people, strict=False))

    def to_fields(self) -> dict[str, Any]:
        """``sessions.record_attendance``'s keyword arguments."""
        ticked = set(self.attended.data or [])
        return {
            "attended": [{"entity": name, "people": field.data or ""} for name, field in self.rows if name in ticked]
        }


def session_minutes_form(record: Any) -> MinutesForm:
    """The minutes form for one session, filled from its record on first view."""
    form = MinutesForm(prefix="minutes")
    if not form.is_submitted():
        form.fill(
            SimpleNamespace(
                minutes=record.minutes,
                decisions=record.decisions,
                action_items=record.action_items,
                version=record.meeting.version,
            )
        )
    return form


def minutes_fields(form: MinutesForm) -> dict[str, Any]:
    """``sessions.record_session_minutes``'s keyword arguments (a session keeps no version)."""
    fields = form.to_fields()
    fields.pop("version", None)
    return fields
