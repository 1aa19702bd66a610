"""Publication page forms (Flask-WTF: CSRF token, server-side validation, no JavaScript
needed) and the labels of the area's codes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from icat.meetings.forms import CleanText, choices
from icat.publications import texts
from icat.publications.models import DECISIONS, PROCEDURES, PUBLICATION_KINDS, TEXT_STATES
from icat.registry.models import UN_LANGUAGES

PUBLICATION_KIND_LABELS = {
    "issue_brief": _l("Issue brief"),
    "joint_statement": _l("Joint statement"),
    "call_to_action": _l("Call to action"),
    "policy_paper": _l("Policy paper"),
    "toolkit": _l("Toolkit"),
    "report": _l("Report"),
}
PUBLICATION_STATUS_LABELS = {
    "draft": _l("Draft"),
    "circulated": _l("Circulated"),
    "adopted": _l("Adopted"),
    "withdrawn": _l("Withdrawn"),
    "published": _l("Published"),
}
LANGUAGE_LABELS = {"ar": "العربية", "zh": "中文", "en": "English", "fr": "Français", "ru": "Русский", "es": "Español"}
TEXT_STATE_LABELS = {"missing": _l("missing"), "draft": _l("draft"), "final": _l("final")}
DECISION_LABELS = {"endorse": _l("Endorse"), "abstain": _l("Abstain"), "object": _l("Object")}
PROCEDURE_LABELS = {"endorsement": _l("Endorsement"), "silence": _l("Silence procedure")}
ROUND_STATUS_LABELS = {
    "open": lazy_pgettext("round of endorsement under way", "Open"),
    "adopted": _l("Adopted"),
    "not_adopted": _l("Not adopted"),
    "broken": _l("Silence broken"),
    "voided": _l("Voided by an edit"),
}


class DraftForm(FlaskForm):
    """A new publication: its fields and the authoritative text."""

    kind = SelectField(
        _l("Kind"), choices=choices(list(PUBLICATION_KIND_LABELS.items())), validators=[AnyOf(PUBLICATION_KINDS)]
    )
    language = SelectField(
        _l("Authoritative language"), choices=choices(list(LANGUAGE_LABELS.items())), validators=[AnyOf(UN_LANGUAGES)]
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=texts.TITLE_MAX), CleanText()])
    body = TextAreaField(
        _l("Text (Markdown)"), validators=[Optional(), Length(max=texts.BODY_MAX), CleanText(multiline=True)]
    )
    lead_entities = SelectMultipleField(_l("Lead entities"), choices=[], validate_choice=False)
    number = StringField(_l("Number (issue briefs)"), validators=[Optional(), Length(max=4)])
    year = StringField(_l("Year"), validators=[Optional(), Length(max=4)])
    tags = SelectMultipleField(_l("Themes"), choices=[], validate_choice=False)

    def to_fields(self) -> dict[str, Any]:
        def number(text: str | None) -> int | None:
            return int(text) if text and text.strip().isdigit() else None

        return {
            "kind": self.kind.data, "language": self.language.data, "title": self.title.data or "",
            "body": self.body.data or "", "lead_entities": self.lead_entities.data or [],
            "number": number(self.number.data), "year": number(self.year.data), "tags": self.tags.data or [],
        }  # fmt: skip


class TextForm(FlaskForm):
    """One language's text (a tab of the drafting page), saved at the version it was read."""

    version = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=texts.TITLE_MAX), CleanText()])
    body = TextAreaField(
        _l("Text (Markdown)"), validators=[Optional(), Length(max=texts.BODY_MAX), CleanText(multiline=True)]
    )
    state = RadioField(_l("State"), choices=choices([(s, TEXT_STATE_LABELS[s]) for s in TEXT_STATES]), default="draft")

    def edited_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class CirculateForm(FlaskForm):
    procedure = RadioField(
        _l("Procedure"),
        choices=choices(list(PROCEDURE_LABELS.items())),
        default="endorsement",
        validators=[AnyOf(PROCEDURES)],
    )
    deadline = DateTimeLocalField(_l("Deadline (UTC)"), validators=[DataRequired()])
    entities = SelectMultipleField(_l("Entities asked (none: the working group)"), choices=[], validate_choice=False)


class RespondForm(FlaskForm):
    entity = SelectField(_l("For"), choices=[], validate_choice=True)
    decision = RadioField(_l("Answer"), choices=choices(list(DECISION_LABELS.items())), validators=[AnyOf(DECISIONS)])
    comment = TextAreaField(
        _l("Comment (required with an objection)"), validators=[Optional(), Length(max=2000), CleanText(multiline=True)]
    )


class PublishForm(FlaskForm):
    """A button: publish an adopted text today."""


class WithdrawForm(FlaskForm):
    """Withdraw (the secretariat): the page stays, with this note."""

    note = TextAreaField(
        _l("Why it is withdrawn"), validators=[DataRequired(), Length(max=2000), CleanText(multiline=True)]
    )


class AttachForm(FlaskForm):
    """The PDF of the tab's language (checked by content; the limit is shown beside it)."""

    file = FileField(_l("PDF of this language"))
