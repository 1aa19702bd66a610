"""How a reminder plan reads: offsets in words ("1 week before") in the viewer's language,
and what each kind of delivery is called."""

from __future__ import annotations

from datetime import timedelta

from babel.units import format_unit
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from icat.meetings.rules import reminder_offset

DELIVERY_KIND_LABELS = {
    "meeting_invitation": _l("Invitation"),
    "meeting_updated": _l("Update (time, place or status changed)"),
    "meeting_cancelled": _l("Cancellation notice"),
    "occurrence_moved": _l("This session moved"),
    "occurrence_cancelled": _l("This session cancelled"),
    "campaign_step": _l("Campaign step"),
}
# Whole units, largest first: "P14D" reads "2 weeks", "PT90M" "90 minutes", never "1.5 hours".
_UNITS = (("week", timedelta(weeks=1)), ("day", timedelta(days=1)), ("hour", timedelta(hours=1)))


def span_in_words(span: timedelta) -> str:
    """A duration in the largest unit that measures it exactly ("2 weeks", "36 hours")."""
    locale = get_locale()
    for unit, size in _UNITS:
        if span >= size and span % size == timedelta(0):
            return format_unit(span // size, f"duration-{unit}", length="long", locale=locale)
    return format_unit(int(span.total_seconds() // 60), "duration-minute", length="long", locale=locale)


def offset_in_words(offset: str) -> str:
    """``P7D`` → "1 week before"; ``PT0S`` → "at the start"; an offset that cannot be read
    (a row stored by an older release) is shown as stored."""
    try:
        span = reminder_offset(offset)
    except ValueError:
        return offset
    if not span:
        return _("at the start")
    return _("%(span)s before", span=span_in_words(span))


def delivery_label(kind: str, offset: str) -> str:
    """What a group of the plan is: a reminder ("1 day before") or an announcement."""
    if kind == "meeting_reminder":
        return _("Reminder %(when)s", when=offset_in_words(offset))
    return str(DELIVERY_KIND_LABELS.get(kind, _("Notice")))
