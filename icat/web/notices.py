"""How a notice reads in the inbox, and where an event's subject lives on the site.

A notice stores its kind and parameters, not prose (icat.notifications.models), so each is
turned here into a title, one sentence in the reader's language and a link to what it is
about, when it is read. Times are shown in the reader's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from icat.notifications.models import Notice
from icat.observances.labels import STEP_LABELS
from icat.publications.forms import ROUND_STATUS_LABELS
from icat.web.formatting import in_zone, viewer_zone


@dataclass(frozen=True)
class NoticeView:
    """A notice as the inbox shows it."""

    notice: Notice
    title: str
    sentence: str
    link: str | None

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


def _when(params: dict[str, Any], name: str = "starts_at") -> str:
    value = params.get(name)
    if not value:
        return ""
    return in_zone(datetime.fromisoformat(value), str(viewer_zone()))


def _meeting(params: dict[str, Any]) -> str | None:
    meeting_id = params.get("meeting_id")
    return url_for("meetings.detail", meeting_id=meeting_id) if meeting_id else None


def _entity(p: dict[str, Any]) -> tuple[str, str, str | None]:
    fields = ", ".join(p.get("fields", []))
    return (
        _("Registry record changed: %(acronym)s", acronym=p["acronym"]),
        _("The registry record of %(acronym)s changed: %(fields)s.", acronym=p["acronym"], fields=fields),
        url_for("registry.entity", acronym=p["acronym"]),
    )


def _term_started(p: dict[str, Any]) -> tuple[str, str, str | None]:
    chairs = " · ".join(c for c in p.get("chairs") or [] if c)
    sentence = (
        _("The %(year)s co-chair term has begun: %(chairs)s.", year=p["year"], chairs=chairs)
        if chairs
        else _("The %(year)s term has begun, but no co-chairs are recorded for it.", year=p["year"])
    )
    return _("Co-chairs %(year)s", year=p["year"]), sentence, url_for("rotation.index")


def _term_missing(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("No co-chairs recorded for %(year)s", year=p["year"]),
        _("%(year)s starts in %(days)s days and has no recorded co-chairs.", year=p["year"], days=p["days_before"]),
        url_for("rotation.index"),
    )


def _proposed(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Meeting proposed: %(title)s", title=p["title"]),
        _(
            "%(entity)s proposed a meeting, waiting for the secretariat: %(title)s.",
            entity=p["entity"],
            title=p["title"],
        ),
        _meeting(p),
    )


def _confirmed(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Proposal confirmed: %(title)s", title=p["title"]),
        _(
            "The secretariat confirmed the meeting you proposed: %(title)s. It is on the calendar now.",
            title=p["title"],
        ),
        _meeting(p),
    )


def _declined(p: dict[str, Any]) -> tuple[str, str, str | None]:
    sentence = _("The secretariat declined the meeting you proposed: %(title)s.", title=p["title"])
    if p.get("reason"):
        sentence += " " + _("Reason: %(reason)s", reason=p["reason"])
    return _("Proposal declined: %(title)s", title=p["title"]), sentence, None  # the row is gone


def _reminder(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Reminder: %(title)s", title=p["title"]),
        _("%(title)s starts %(when)s (your time).", title=p["title"], when=_when(p)),
        _meeting(p),
    )


def _cancelled(p: dict[str, Any]) -> tuple[str, str, str | None]:
    sentence = _("The meeting planned for %(when)s (your time) will not take place.", when=_when(p))
    if p.get("reason"):
        sentence += " " + _("Reason: %(reason)s", reason=p["reason"])
    return _("Cancelled: %(title)s", title=p["title"]), sentence, _meeting(p)


def _invitation(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Invitation: %(title)s", title=p["title"]),
        _(
            "You are invited to %(title)s, %(when)s (your time). Answer on the meeting page.",
            title=p["title"],
            when=_when(p),
        ),
        _meeting(p),
    )


def _updated(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Updated: %(title)s", title=p["title"]),
        _("The time, place or status of %(title)s changed: now %(when)s (your time).", title=p["title"], when=_when(p)),
        _meeting(p),
    )


def _session_moved(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Session moved: %(title)s", title=p["title"]),
        _(
            "The session of %(when_was)s moved to %(when)s (your time).",
            when_was=_when(p, "recurrence_id"),
            when=_when(p),
        ),
        _meeting(p),
    )


def _session_cancelled(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Session cancelled: %(title)s", title=p["title"]),
        _("The session of %(when)s (your time) will not take place.", when=_when(p, "recurrence_id")),
        _meeting(p),
    )


def _campaign(p: dict[str, Any]) -> tuple[str, str, str | None]:
    step = str(STEP_LABELS.get(p["step"], p["step"]))
    return (
        _("%(name)s %(year)s: %(step)s", name=p["name"], year=p["year"], step=step),
        _("Next step of the %(name)s %(year)s campaign: %(step)s.", name=p["name"], year=p["year"], step=step),
        url_for("observances.detail", slug=p["observance"]),
    )


def _publication(p: dict[str, Any]) -> str | None:
    publication_id = p.get("publication_id")
    return url_for("publications.detail", publication_id=publication_id) if publication_id else None


def _publication_reminder(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Your answer is awaited: %(title)s", title=p["title"]),
        _("Your entity has not yet answered the circulation of: %(title)s.", title=p["title"]),
        url_for("publication_drafts.respond", publication_id=p["publication_id"]),
    )


def _publication_outcome(p: dict[str, Any]) -> tuple[str, str, str | None]:
    outcome = str(ROUND_STATUS_LABELS.get(p["outcome"], p["outcome"]))
    sentence = _(
        "Round %(round)s of the circulation of “%(title)s” is closed: %(outcome)s.",
        round=p["round"],
        title=p["title"],
        outcome=outcome,
    )
    if p.get("objectors"):
        sentence += " " + _("Objected: %(entities)s", entities=", ".join(p["objectors"]))
    return _("Circulation closed: %(title)s", title=p["title"]), sentence, _publication(p)


def _milestone(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Milestone due in %(days)s days: %(title)s", days=p["days_before"], title=p["title"]),
        _(
            "Milestone due in %(days)s days: %(title)s (%(activity)s).",
            days=p["days_before"],
            title=p["title"],
            activity=p["activity"],
        ),
        url_for("workplans.detail", plan_id=p["workplan_id"]),
    )


def _rating_request(p: dict[str, Any]) -> tuple[str, str, str | None]:
    return (
        _("Rate your activities for %(period)s: %(title)s", period=p["period"], title=p["title"]),
        _("Rate your activities for %(period)s: %(title)s.", period=p["period"], title=p["title"]),
        url_for("workplans.detail", plan_id=p["workplan_id"]),
    )


PRESENTERS: dict[str, Callable[[dict[str, Any]], tuple[str, str, str | None]]] = {
    "entity_updated": _entity,
    "chair_term_started": _term_started,
    "chair_term_missing": _term_missing,
    "meeting_proposed": _proposed,
    "meeting_proposal_confirmed": _confirmed,
    "meeting_proposal_declined": _declined,
    "meeting_reminder": _reminder,
    "meeting_cancelled": _cancelled,
    "meeting_invitation": _invitation,
    "meeting_updated": _updated,
    "occurrence_moved": _session_moved,
    "occurrence_cancelled": _session_cancelled,
    "campaign_step": _campaign,
    "publication_reminder": _publication_reminder,
    "publication_outcome": _publication_outcome,
    "milestone_reminder": _milestone,
    "rating_request": _rating_request,
    "invitation": lambda _p: (
        _("Invitation to the workspace"),
        _("Your invitation to the workspace was mailed to you."),
        None,
    ),
    "password_reset": lambda _p: (
        _("Password reset"),
        _("A link to reset your password was mailed to you."),
        None,
    ),
}


def present(notice: Notice) -> NoticeView:
    """The notice's title, sentence and link. A kind this release does not know, or
    parameters it cannot read (a notice stored by an older release), still reads as a
    sentence, never as a code name."""
    presenter = PRESENTERS.get(notice.kind)
    try:
        if presenter is not None:
            return NoticeView(notice, *presenter(notice.params))
    except (KeyError, TypeError, ValueError):
        pass
    return NoticeView(notice, _("Notice"), _("A notice from the workspace."), _meeting(notice.params))


SUBJECT_PAGES: dict[str, Callable[[str], str]] = {
    "meeting": lambda key: url_for("meetings.detail", meeting_id=int(key)),
    "entity": lambda key: url_for("registry.entity", acronym=key),
    "chair-term": lambda key: url_for("rotation.index", _anchor=f"year-{key}"),
    "observance": lambda key: url_for("observances.detail", slug=key),
    "delivery": lambda key: url_for("notifications.problems"),
    "publication": lambda key: url_for("publications.detail", publication_id=int(key)),
    "workplan": lambda key: url_for("workplans.detail", plan_id=int(key)),
}


def subject_link(subject: str | None) -> str | None:
    """The page of an event's subject (``meeting:42`` → ``/meetings/42``), if it has one."""
    if not subject or ":" not in subject:
        return None
    area, key = subject.split(":", 1)
    try:
        return SUBJECT_PAGES[area](key) if area in SUBJECT_PAGES else None
    except ValueError:
        return None
