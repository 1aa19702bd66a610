"""The choices of the plain-language meeting form and their checks (``meeting_forms``):
labels, the recurrence's whole-form rules, daylight-saving messages, reminders to and from
ISO 8601 durations. Messages are the catalogue's, in the page's language."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from icat.meetings import plain, recurrence
from icat.meetings.recurrence import MAX_OCCURRENCES, WEEKDAYS
from icat.meetings.wording import ORDINAL_WORDS, weekday_name

PATTERN_LABELS = {
    "none": _l("Does not repeat"),
    "daily": _l("Every day, or every few days"),
    "weekly": _l("Every week, or every few weeks, on chosen days"),
    "monthly": _l("Every month on a weekday (e.g. the second Tuesday)"),
    "rule": _l("By the rule below (advanced)"),
}
END_LABELS = {"count": _l("After a number of meetings"), "until": _l("On a date")}
PLAN_LABELS = {
    "default": _l("The usual reminders for this kind of meeting"),
    "chosen": _l("These reminders"),
    "none": _l("No reminders"),
}
UNIT_LABELS = {
    "minutes": _l("minutes before"),
    "hours": _l("hours before"),
    "days": _l("days before"),
    "weeks": _l("weeks before"),
}
ORDINAL_CHOICES = [SelectChoice(str(n), label) for n, label in ORDINAL_WORDS.items()]
# Where ICAT meets first (UNODC Vienna, UN New York, Geneva, ESCAP Bangkok), then every zone.
ICAT_PLACES = {
    "Europe/Vienna": _l("Vienna"),
    "America/New_York": _l("New York"),
    "Europe/Zurich": _l("Geneva"),
    "Asia/Bangkok": _l("Bangkok"),
}


def weekday_choices() -> list[SelectChoice]:
    return [SelectChoice(code, weekday_name(code)) for code in WEEKDAYS]


def _moment(value: datetime, zone: ZoneInfo) -> dict[str, str]:
    locale = get_locale()
    return {
        "time": dates.format_time(value, "HH:mm", locale=locale),
        "date": dates.format_date(value.date(), "long", locale=locale),
        "zone": str(zone),
    }


def zone_notice_or_error(field: Any, zone: ZoneInfo, notices: list[str]) -> None:
    """A local time the clocks jump over is an error on ``field``; one they pass twice is
    accepted at its first passing (summer time) and said in ``notices``."""
    problem = plain.wall_time_problem(field.data, zone)
    if problem == "gap":
        field.errors.append(
            _l(
                "%(time)s does not exist on %(date)s in %(zone)s: the clocks go forward then. Choose another time.",
                **_moment(field.data, zone),
            )
        )
    elif problem == "overlap":
        first = field.data.replace(tzinfo=zone, fold=0)
        offset = dates.get_timezone_gmt(first, "long", locale=get_locale())
        notices.append(
            str(
                _l(
                    "%(time)s happens twice on %(date)s in %(zone)s (the clocks go back then): "
                    "the meeting is at the first, %(offset)s.",
                    offset=offset,
                    **_moment(field.data, zone),
                )
            )
        )


def _start_problem(form: Any, start: datetime) -> tuple[Any, Any] | None:
    """The start must be the series' first meeting: on a chosen day, or the chosen weekday."""
    code = WEEKDAYS[start.weekday()]
    if form.repeat.data == "weekly" and form.weekdays.data and code not in form.weekdays.data:
        return form.weekdays, _l(
            "The first meeting is on a %(day)s: tick that day too, or move the start.", day=weekday_name(code)
        )
    if form.repeat.data == "monthly":
        ordinal = int(form.ordinal.data or 1)
        nth = (start.day - 1) // 7 + 1
        is_last = (start.day + 7) > _days_in_month(start)
        if code != form.month_weekday.data or not (nth == ordinal or (ordinal == -1 and is_last)):
            message = _l("The start is not on the chosen weekday of its month: move it or change the choice.")
            return form.ordinal, message
    return None


def _days_in_month(value: datetime) -> int:
    return calendar.monthrange(value.year, value.month)[1]


def check_recurrence(form: Any, zone: ZoneInfo) -> None:
    """Whole-form rules of the recurrence choices, each message at its field: the start is
    the first meeting; the chosen end is given; the series has 1 to 500 meetings."""
    if form.repeat.data in ("none", "rule"):
        return
    problem = _start_problem(form, form.starts.data)
    if problem:
        problem[0].errors.append(problem[1])
        return
    end_field = form.until if form.ends_by.data == "until" else form.count
    if end_field.data is None:
        if not end_field.errors:
            end_field.errors.append(_l("Say when the series ends."))
        return
    rule = form.rrule(zone)
    found = plain.count_occurrences(rule, starts_at=form.starts.data.replace(tzinfo=zone), zone=zone)
    if found == 0:
        end_field.errors.append(_l("These choices give no meeting: the last day is before the first meeting."))
    elif found > MAX_OCCURRENCES:
        end_field.errors.append(
            _l("These choices give more than %(max)d meetings: end the series sooner.", max=MAX_OCCURRENCES)
        )


def fill_repeat(form: Any, rule: str | None, zone: ZoneInfo) -> None:
    """Set the recurrence choices from a stored RRULE (or keep it as an advanced rule)."""
    repeat = plain.from_rrule(rule, zone)
    if repeat is None:
        form.repeat.data, form.recurrence.data = "rule", rule or ""
        return
    form.repeat.data, form.interval.data = repeat.pattern, repeat.interval
    form.weekdays.data = list(repeat.weekdays)
    form.ordinal.data, form.month_weekday.data = str(repeat.ordinal), repeat.weekday
    form.ends_by.data = "until" if repeat.until else "count"
    form.count.data, form.until.data = repeat.count, repeat.until


def reminder_offsets(form: Any) -> list[str] | None:
    """The ISO 8601 offsets the reminder choices stand for: None for the kind's defaults,
    [] for none, else the ticked ones, the custom one and any kept from the API."""
    if form.reminder_plan.data == "default":
        return None
    if form.reminder_plan.data == "none":
        return []
    chosen = list(form.reminders.data or [])
    if form.custom_amount.data:
        chosen.append(plain.offset(form.custom_amount.data, form.custom_unit.data))
    chosen += [o for o in (form.extra_offsets.data or "").split(",") if o]
    return list(dict.fromkeys(chosen))


def fill_reminders(form: Any, offsets: list[str] | None) -> None:
    """Set the reminder choices from stored offsets: presets ticked, the first other one as
    the custom amount, the rest kept unseen so saving the form does not drop them."""
    form.reminder_plan.data = "default" if offsets is None else ("none" if offsets == [] else "chosen")
    others = [o for o in offsets or [] if o not in plain.PRESET_OFFSETS]
    form.reminders.data = [o for o in offsets or [] if o in plain.PRESET_OFFSETS]
    custom = plain.amount_and_unit(others[0]) if others else None
    if custom:
        form.custom_amount.data, form.custom_unit.data = custom
        others = others[1:]
    form.extra_offsets.data = ",".join(others)


def zone_options() -> list[tuple[str, str]]:
    """(IANA name, label) for the time-zone list: ICAT's places first, then every zone."""
    first = [(name, f"{label} · {name}") for name, label in ICAT_PLACES.items()]
    rest = sorted(z for z in recurrence.known_zones() if z not in ICAT_PLACES and "/" in z and not z.startswith("Etc/"))
    return first + [(name, name.replace("_", " ")) for name in rest] + [("UTC", "UTC")]
