"""Feed-token forms (Flask-WTF: CSRF token included)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class FeedTokenForm(FlaskForm):
    name = StringField(_l("Name (e.g. “Outlook at work”)"), validators=[DataRequired(), Length(max=120)])


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the URL."""
