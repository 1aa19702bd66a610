"""The small form on the action items page: mark one done (or open again), at the version
the page showed (Flask-WTF: CSRF token, server-side validation, no JavaScript needed)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput


class ActionItemMarkForm(FlaskForm):
    done = BooleanField(widget=HiddenInput(), false_values=("", "false", "0"))
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])
