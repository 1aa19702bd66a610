"""Template filters and context processors, registered on the app once (not per blueprint)."""

from __future__ import annotations

from flask import Flask

from icat.core import clock
from icat.meetings.recurrence import upcoming_occurrences
from icat.rotation import queries as rotation_queries
from icat.web import formatting
from icat.web.http import current_session

UPCOMING = 10  # occurrences listed on the meeting page


def _helpers() -> dict[str, object]:
    """Lazy helpers: each queries only when a template calls it."""
    return {
        "upcoming_occurrences": lambda meeting: upcoming_occurrences(meeting, clock.now(), UPCOMING),
        "current_term": lambda: rotation_queries.term_for(current_session(), clock.today().year),
        "this_year_badge": clock.today().year,
    }


def init_templating(app: Flask) -> None:
    formatting.register_filters(app)
    app.add_template_filter(formatting.occurrence_key, "occurrence_key")
    app.context_processor(_helpers)
