"""The meeting form (Flask-WTF: CSRF token, server-side validation, works without JavaScript).

Start and end are entered as local times in the meeting's zone, the way people plan
("14:00 in Vienna"); ``to_fields`` turns them into aware instants for the services.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from icat.core.text import text_problem
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


class CancelForm(FlaskForm):
    """Cancelling asks for a reason (told to the invitees) and a tick that it is meant."""

    reason = TextAreaField(
        _l("Reason (told to the invitees)"),
        validators=[DataRequired(_l("Say why it is cancelled.")), Length(max=LIMITS["cancel_reason"]), LINES],
    )
    confirm = BooleanField(
        _l("Yes, cancel it"), validators=[DataRequired(_l("Tick the box to confirm the cancellation."))]
    )


class DocumentDeleteForm(FlaskForm):
    """Deleting a document asks for a tick that it is meant (no JavaScript confirm needed)."""

    confirm = BooleanField(_l("Yes, delete it"), validators=[DataRequired(_l("Tick the box to confirm the deletion."))])


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
