"""Recurrences and reminder offsets in words, in the page's language ("Every Tuesday,
6 times", "1 day before"). Every sentence is a message of the catalogue with placeholders
(ngettext where a number decides the form); weekday names, dates and lists come from
Babel's locale data, so no grammar is built here."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from babel import dates, lists
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from icat.meetings import plain
from icat.meetings.recurrence import WEEKDAYS

ORDINAL_WORDS = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last")}


def weekday_name(code: str) -> str:
    """MO … SU as the locale's full weekday name."""
    return str(dates.get_day_names("wide", locale=get_locale())[WEEKDAYS.index(code)])


def _days(codes: tuple[str, ...]) -> str:
    return lists.format_list([weekday_name(c) for c in WEEKDAYS if c in codes], locale=get_locale())


def _pattern(repeat: plain.Repeat, first_day: str) -> str:
    n = repeat.interval
    if repeat.pattern == "daily":
        return ngettext("Every day", "Every %(num)d days", n)
    if repeat.pattern == "weekly":
        days = _days(repeat.weekdays) if repeat.weekdays else first_day
        if n == 1:
            return gettext("Every %(days)s", days=days)
        # n > 1 here: both forms carry the number, for languages whose one form (zh) or whose
        # "singular" (ru: 21, 31 …) must show it.
        return ngettext("Every %(num)d week on %(days)s", "Every %(num)d weeks on %(days)s", n, days=days)
    ordinal, day = str(ORDINAL_WORDS[repeat.ordinal]), weekday_name(repeat.weekday)
    if n == 1:
        return gettext("Every month on the %(ordinal)s %(day)s", ordinal=ordinal, day=day)
    return ngettext(
        "Every %(num)d month on the %(ordinal)s %(day)s",
        "Every %(num)d months on the %(ordinal)s %(day)s",
        n,
        ordinal=ordinal,
        day=day,
    )


def _with_end(rule: str, repeat: plain.Repeat) -> str:
    if repeat.count is not None:
        return ngettext("%(rule)s, %(num)d time", "%(rule)s, %(num)d times", repeat.count, rule=rule)
    if repeat.until is not None:
        return gettext("%(rule)s, until %(date)s", rule=rule, date=day_label(repeat.until))
    return rule


def day_label(day: date) -> str:
    return dates.format_date(day, "long", locale=get_locale())


def recurrence_words(rule: str | None, *, starts_on: date, timezone: str) -> str:
    """The RRULE ``rule`` of a meeting first held on ``starts_on`` in words; a rule the
    form's choices cannot express is named as it is; "Does not repeat" for none."""
    if not rule:
        return gettext("Does not repeat")
    try:
        repeat = plain.from_rrule(rule, ZoneInfo(timezone))
    except (KeyError, ValueError):
        repeat = None
    if repeat is None or repeat.pattern == "none":
        return gettext("Repeats by the rule %(rule)s", rule=rule)
    first_day = weekday_name(WEEKDAYS[starts_on.weekday()])
    return _with_end(_pattern(repeat, first_day), repeat)


def offset_words(text: str) -> str:
    """An ISO 8601 reminder offset in words: ``P1D`` → "1 day before"; others as given."""
    found = plain.amount_and_unit(text)
    if found is None:
        return gettext("%(offset)s before", offset=text)
    amount, unit = found
    forms = {
        "weeks": ngettext("%(num)d week before", "%(num)d weeks before", amount),
        "days": ngettext("%(num)d day before", "%(num)d days before", amount),
        "hours": ngettext("%(num)d hour before", "%(num)d hours before", amount),
        "minutes": ngettext("%(num)d minute before", "%(num)d minutes before", amount),
    }
    return forms[unit]
