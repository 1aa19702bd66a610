"""Account forms (Flask-WTF: CSRF token included). Values are checked again by the
services, whose messages are shown beside the fields (icat.web.page_forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from icat.core.permissions import ROLES
from icat.meetings.forms import MEETING_KIND_LABELS
from icat.meetings.models import MEETING_KINDS

# Each language named in itself, as a language picker should.
LANGUAGE_NAMES = {"ar": "العربية", "zh": "中文", "en": "English", "fr": "Français", "ru": "Русский", "es": "Español"}
LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
ROLE_LABELS = {
    "admin": _l("Admin"),
    "secretariat": _l("Secretariat"),
    "focal_point": _l("Focal point"),
    "viewer": _l("Viewer"),
}
ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]
STATE_LABELS_PEOPLE = {"invited": _l("invited"), "active": _l("active"), "deactivated": _l("deactivated")}


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="focal_point")
    entity = StringField(_l("Entity (acronym; required for focal points)"), validators=[Optional(), Length(max=20)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    entity = StringField(_l("Entity (acronym; required for focal points)"), validators=[Optional(), Length(max=20)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    version = IntegerField(widget=HiddenInput())


class AccountActionForm(FlaskForm):
    """A button (deactivate, resend, revoke): the CSRF token and the version it acts on."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password (at least 12 characters)"), validators=[DataRequired(), Length(max=500)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=500)])
    password = PasswordField(_l("New password (at least 12 characters)"), validators=[DataRequired(), Length(max=500)])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Name (e.g. “reporting script”)"), validators=[DataRequired(), Length(max=120)])


class PlaceForm(FlaskForm):
    """Language and time zone: a person's profile, or an anonymous visitor's cookie."""

    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])


class LanguageForm(FlaskForm):
    """The language switcher in every page's header: one button per language."""

    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class ProfileForm(PlaceForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    world_day = BooleanField(_l("World Day against Trafficking in Persons campaign"))
    version = IntegerField(widget=HiddenInput())


def reminder_fields() -> None:
    """One checkbox per meeting kind on the profile form, named ``kind_<kind>``."""
    for kind in MEETING_KINDS:
        setattr(ProfileForm, f"kind_{kind}", BooleanField(MEETING_KIND_LABELS.get(kind, kind)))


reminder_fields()
