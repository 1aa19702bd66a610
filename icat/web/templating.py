"""Template filters and context processors, registered on the app once (not per blueprint)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask, current_app

from icat.core import clock
from icat.meetings.models import Meeting
from icat.meetings.recurrence import Occurrence, upcoming_occurrences
from icat.meetings.wording import offset_words, recurrence_words
from icat.rotation import queries as rotation_queries
from icat.web import formatting
from icat.web.http import current_session

UPCOMING = 10  # occurrences listed on the meeting page


def _upcoming(meeting: Meeting) -> list[Occurrence] | None:
    """The next occurrences, or None when a stored rule cannot be evaluated (a row from
    before the RRULE bounds): the page then says so instead of failing."""
    try:
        return upcoming_occurrences(meeting, clock.now(), UPCOMING)
    except (ValueError, OverflowError, KeyError):  # RecurrenceError is a ValueError; KeyError: unknown zone
        return None


def _repeats(meeting: Meeting) -> str:
    """The meeting's recurrence in words, in the page's language ("Every Tuesday, 6 times")."""
    first = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).date()
    return recurrence_words(meeting.recurrence, starts_on=first, timezone=meeting.timezone)


def _helpers() -> dict[str, object]:
    """Lazy helpers: each queries only when a template calls it."""
    return {
        "upcoming_occurrences": _upcoming,
        "repeats_in_words": _repeats,
        "offset_words": offset_words,
        "upload_limit": lambda: current_app.config["DOCUMENT_MAX_BYTES"],
        "current_term": lambda: rotation_queries.term_for(current_session(), clock.today().year),
        "this_year_badge": clock.today().year,
    }


def init_templating(app: Flask) -> None:
    formatting.register_filters(app)
    app.add_template_filter(formatting.occurrence_key, "occurrence_key")
    app.context_processor(_helpers)
