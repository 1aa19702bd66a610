"""Secretariat forms on the rotation page (Flask-WTF: CSRF included)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class TermForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired()])
    first = SelectField(_l("Co-chair"), validators=[DataRequired()])
    second = SelectField(_l("Second co-chair (optional)"), validators=[Optional()])
    confirmed_repeat = BooleanField(_l("Confirmed: an entity chairs two years running"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    version = IntegerField(validators=[Optional()])

    def to_fields(self) -> dict[str, Any]:
        """``services.record_term``'s keyword arguments: the one or two chairs chosen."""
        return {
            "year": self.year.data,
            "chairs": [a for a in (self.first.data, self.second.data) if a],
            "confirmed_repeat": self.confirmed_repeat.data,
            "note": self.note.data or "",
            "version": self.version.data,
        }


class UnwillingForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired()])
    entities = SelectMultipleField(_l("Will not chair that year"), validators=[Optional()])
