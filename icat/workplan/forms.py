"""The page form a focal point (or the secretariat) updates an activity with: status,
progress and the rating of one reporting period (Flask-WTF: CSRF included)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from icat.workplan.importing import evidence_cell, parse_evidence
from icat.workplan.labels import ACTIVITY_STATUS_LABELS, RAG_LABELS
from icat.workplan.models import ACTIVITY_STATUSES, RAGS, Activity


class ActivityUpdateForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(s, ACTIVITY_STATUS_LABELS[s]) for s in ACTIVITY_STATUSES])
    progress = IntegerField(_l("Progress (0–100 %)"), validators=[InputRequired(), NumberRange(0, 100)])
    rating = SelectField(
        _l("Rating for the period"),
        choices=[SelectChoice("", _l("not rated"))] + [SelectChoice(r, RAG_LABELS[r]) for r in RAGS],
    )
    reason = StringField(_l("Reason (one line)"), validators=[Optional(), Length(max=200)])
    evidence = StringField(
        _l("Evidence (e.g. meeting:12; publication:3; action_item:7)"), validators=[Optional(), Length(max=2000)]
    )
    period = HiddenField(validators=[DataRequired()])
    version = HiddenField(validators=[DataRequired()])

    def fill(self, activity: Activity, period: int) -> None:
        """Show the activity as it stands (a first view, not a posted form)."""
        rating = activity.rating_for(period)
        self.status.data, self.progress.data = activity.status, activity.progress
        self.rating.data, self.reason.data = (rating.rag, rating.reason) if rating else ("", "")
        self.period.data, self.version.data = str(period), str(activity.version)
        self.evidence.data = evidence_cell(activity.evidence)

    def to_changes(self) -> dict[str, Any]:
        """``update_activity``'s changes: a rating only when one is chosen."""
        changes: dict[str, Any] = {"status": self.status.data, "progress": self.progress.data}
        changes["evidence"] = parse_evidence(self.evidence.data or "")
        if self.rating.data:
            period = int(self.period.data) if str(self.period.data).isdigit() else 0
            changes["rag"] = {"period": period, "rating": self.rating.data, "reason": self.reason.data or ""}
        return changes

    def edited_version(self) -> int | None:
        return int(self.version.data) if str(self.version.data).isdigit() else None


class ImportForm(FlaskForm):
    """The secretariat's CSV upload (the columns of ``icat.workplan.importing``)."""

    file = FileField(_l("CSV file (UTF-8)"), validators=[FileRequired(_l("Choose a CSV file."))])


class PlanForm(FlaskForm):
    """A new plan (the secretariat); activities come by import or through the API."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    start_year = IntegerField(_l("First year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    end_year = IntegerField(_l("Last year"), validators=[InputRequired(), NumberRange(2000, 2100)])

    def to_fields(self) -> dict[str, Any]:
        return {"title": self.title.data, "start_year": self.start_year.data, "end_year": self.end_year.data}


class AdoptForm(FlaskForm):
    """Adopting a plan: its date, and the version seen (the baseline is taken then)."""

    adopted_on = DateField(_l("Adopted on"), validators=[DataRequired()])
    version = HiddenField(validators=[DataRequired()])
