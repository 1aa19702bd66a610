"""How meeting times read on pages: in the viewer's zone (Flask-Babel's selected zone) and in
the meeting's own zone beside it; historical rows show only the precision that is known."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, dates
from flask import Flask
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

from icat.core.errors import NotFound
from icat.meetings.forms import MEETING_KIND_LABELS, RESPONSE_LABELS, VISIBILITY_LABELS
from icat.publications.forms import (
    DECISION_LABELS,
    LANGUAGE_LABELS,
    PROCEDURE_LABELS,
    PUBLICATION_KIND_LABELS,
    PUBLICATION_STATUS_LABELS,
    ROUND_STATUS_LABELS,
    TEXT_STATE_LABELS,
)

# What converting a stored time can raise: OverflowError near year 1 or 9999, and
# ZoneInfoNotFoundError (a KeyError) or ValueError for a zone name tzdata does not know.
UNCONVERTIBLE = (OverflowError, KeyError, ValueError)


def viewer_zone() -> ZoneInfo:
    """The viewer's zone: the user's setting, else the default (UTC)."""
    return ZoneInfo(str(get_timezone()))


def in_zone(value: datetime, zone: str, precision: str = "minute", fmt: str = "full") -> str:
    """``value`` in ``zone`` in the viewer's language, only as precise as it is known
    (a month only reads "May 2012", never an invented day and hour). A stored row this
    cannot convert (a time near year 1 or 9999, a zone tzdata no longer knows) reads as
    given, in ISO 8601, rather than failing the page."""
    try:
        return _in_zone(value, zone, precision, fmt)
    except UNCONVERTIBLE:
        return value.isoformat()


@functools.lru_cache(maxsize=64)
def _skeleton_pattern(skeleton: str, locale: Locale) -> dates.DateTimePattern:
    """The locale's pattern for ``skeleton``, as ``dates.format_skeleton`` picks it: the
    fuzzy match it makes on every call is most of a page's time formatting meeting dates."""
    found = (
        skeleton if skeleton in locale.datetime_skeletons else dates.match_skeleton(skeleton, locale.datetime_skeletons)
    )
    return locale.datetime_skeletons[found]


def _skeleton(skeleton: str, value: datetime, tz: ZoneInfo, locale: Locale) -> str:
    return dates.format_datetime(value, _skeleton_pattern(skeleton, locale), tzinfo=tz, locale=locale)


def _in_zone(value: datetime, zone: str, precision: str, fmt: str) -> str:
    tz, locale = ZoneInfo(zone), get_locale()
    if precision == "year":
        return _skeleton("y", value, tz, locale)
    if precision == "month":
        return _skeleton("yMMMM", value, tz, locale)
    day = _skeleton("yMMMMEEEEd" if fmt == "full" else "yMMMd", value, tz, locale)
    if precision == "day":
        return day
    return locale.datetime_formats["medium"].format(time_only(value, zone), day)


def time_only(value: datetime, zone: str) -> str:
    return dates.format_time(value, format="HH:mm", tzinfo=ZoneInfo(zone), locale=get_locale())


def time_span(start: datetime, end: datetime, zone: str) -> str:
    """ "Mon, 7 Oct 2030, 14:00 – 17:00" in ``zone``; the end's date is repeated when it differs."""
    try:
        tz = ZoneInfo(zone)
        same_day = start.astimezone(tz).date() == end.astimezone(tz).date()
    except UNCONVERTIBLE:  # see ``in_zone``: shown as given
        return f"{start.isoformat()} – {end.isoformat()}"
    return f"{in_zone(start, zone)} – {time_only(end, zone) if same_day else in_zone(end, zone)}"


def register_filters(app: Flask) -> None:
    @app.template_filter("in_zone")
    def _in_zone(value: datetime, zone: str, precision: str = "minute", fmt: str = "full") -> str:
        return in_zone(value, zone, precision, fmt)

    @app.template_filter("time_in")
    def _time_in(value: datetime, zone: str) -> str:
        return time_only(value, zone)

    @app.template_filter("month_label")
    def _month_label(value: date) -> str:
        locale = get_locale()
        return dates.format_date(value, _skeleton_pattern("yMMMM", locale), locale=locale)

    @app.template_filter("weekday_label")
    def _weekday_label(value: date) -> str:
        return dates.format_date(value, "EEE", locale=get_locale())

    @app.context_processor
    def _helpers() -> dict[str, object]:
        return {
            "viewer_zone_name": lambda: str(get_timezone()),
            "time_span": time_span,
            "precision_note": _precision_note,
            "meeting_kind_label": lambda code: MEETING_KIND_LABELS.get(code, code),
            "visibility_label": lambda code: VISIBILITY_LABELS.get(code, code),
            "response_label": lambda code: RESPONSE_LABELS.get(code, code),
            "publication_kind_label": lambda code: PUBLICATION_KIND_LABELS.get(code, code),
            "publication_status_label": lambda code: PUBLICATION_STATUS_LABELS.get(code, code),
            "language_label": lambda code: LANGUAGE_LABELS.get(code, code),
            "text_state_label": lambda code: TEXT_STATE_LABELS.get(code, code),
            "decision_label": lambda code: DECISION_LABELS.get(code, code),
            "procedure_label": lambda code: PROCEDURE_LABELS.get(code, code),
            "round_status_label": lambda code: ROUND_STATUS_LABELS.get(code, code),
        }


def _precision_note(precision: str) -> str:
    notes = {
        "day": _("Only the date is known."),
        "month": _("Only the month is known."),
        "year": _("Only the year is known."),
    }
    return notes.get(precision, "")


# An occurrence in a URL: its original start in UTC, as in RFC 5545 (20300304T130000Z).
KEY_FORMAT = "%Y%m%dT%H%M%SZ"


def occurrence_key(value: datetime) -> str:
    return value.astimezone(UTC).strftime(KEY_FORMAT)


def parse_occurrence_key(key: str) -> datetime:
    """The original start named by ``key``; NotFound for anything else."""
    try:
        return datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise NotFound(_("No such occurrence."), rule="meetings.occurrence_key_invalid") from exc
