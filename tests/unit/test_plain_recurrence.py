"""The plain-language meeting choices: choices → RRULE → choices and words, checked by
dateutil's own reading of the rule; daylight-saving gaps and overlaps found by zoneinfo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from flask import Flask
from flask_babel import force_locale

from icat import create_app
from icat.meetings import plain
from icat.meetings.recurrence import parse
from icat.meetings.wording import offset_words, recurrence_words

VIENNA = ZoneInfo("Europe/Vienna")
TUESDAY = datetime(2030, 3, 5, 14, 0, tzinfo=VIENNA)  # a Tuesday, the 1st Tuesday of March


@pytest.fixture(scope="module")
def babel_app() -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    with app.test_request_context("/"):
        yield app


CASES = [
    (plain.Repeat("weekly", weekdays=("TU",), count=6), "FREQ=WEEKLY;BYDAY=TU;COUNT=6", 6),
    (
        plain.Repeat("weekly", interval=2, weekdays=("TU", "TH"), count=10),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10",
        10,
    ),
    (plain.Repeat("daily", count=5), "FREQ=DAILY;COUNT=5", 5),
    (plain.Repeat("monthly", ordinal=1, weekday="TU", count=12), "FREQ=MONTHLY;BYDAY=1TU;COUNT=12", 12),
    # Until 30 April, local: the 23:59:59 Vienna summer time of that day, in UTC.
    (
        plain.Repeat("weekly", weekdays=("TU",), until=date(2030, 4, 30)),
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20300430T215959Z",
        9,
    ),
]


@pytest.mark.parametrize(("repeat", "rule", "n"), CASES, ids=[c[1] for c in CASES])
def test_choices_make_the_rule_and_read_back(repeat: plain.Repeat, rule: str, n: int) -> None:
    assert plain.to_rrule(repeat, VIENNA) == rule
    assert plain.from_rrule(rule, VIENNA) == repeat
    found = parse(rule, starts_at=TUESDAY, timezone="Europe/Vienna")  # the services' own check passes
    assert len(list(found)) == n == plain.count_occurrences(rule, starts_at=TUESDAY, zone=VIENNA)
    # dateutil agrees the last one keeps 14:00 local across the change to summer time.
    assert list(rrulestr(rule, dtstart=TUESDAY))[-1].hour == 14


def test_none_is_no_rule_and_rules_beyond_the_choices_are_kept() -> None:
    assert plain.to_rrule(plain.Repeat(), VIENNA) is None
    assert plain.from_rrule(None, VIENNA) == plain.Repeat()
    assert plain.from_rrule("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", VIENNA) is None
    assert plain.from_rrule("FREQ=YEARLY;COUNT=3", VIENNA) is None


def test_too_many_and_none_are_counted() -> None:
    daily = plain.to_rrule(plain.Repeat("daily", until=date(2032, 1, 1)), VIENNA)
    assert plain.count_occurrences(daily, starts_at=TUESDAY, zone=VIENNA) == 501  # stops past 500
    before = plain.to_rrule(plain.Repeat("weekly", until=date(2030, 3, 1)), VIENNA)
    assert plain.count_occurrences(before, starts_at=TUESDAY, zone=VIENNA) == 0


WORDS = {
    "en": ["Every Tuesday, 6 times", "Every 2 weeks on Tuesday and Thursday, 10 times", "Every day, 5 times"],
    "fr": ["Chaque mardi, 6 fois", "Toutes les 2 semaines le mardi et jeudi, 10 fois", "Chaque jour, 5 fois"],
    "es": ["Cada martes, 6 veces", "Cada 2 semanas el martes y jueves, 10 veces", "Cada día, 5 veces"],
}


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_rules_in_words_in_the_page_language(babel_app: Flask, lang: str) -> None:
    with force_locale(lang):
        said = [recurrence_words(rule, starts_on=TUESDAY.date(), timezone="Europe/Vienna") for _, rule, _ in CASES[:3]]
    assert said == WORDS[lang]


def test_words_for_the_monthly_and_the_ends(babel_app: Flask) -> None:
    with force_locale("en"):
        assert recurrence_words(CASES[3][1], starts_on=TUESDAY.date(), timezone="Europe/Vienna") == (
            "Every month on the first Tuesday, 12 times"
        )
        until = recurrence_words(CASES[4][1], starts_on=TUESDAY.date(), timezone="Europe/Vienna")
        assert until == "Every Tuesday, until April 30, 2030"
        assert recurrence_words("FREQ=WEEKLY;COUNT=1", starts_on=TUESDAY.date(), timezone="Europe/Vienna") == (
            "Every Tuesday, 1 time"
        )
        odd = recurrence_words("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", starts_on=TUESDAY.date(), timezone="UTC")
        assert odd == "Repeats by the rule FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3"
        assert recurrence_words(None, starts_on=TUESDAY.date(), timezone="UTC") == "Does not repeat"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["1 week before", "1 day before", "2 hours before", "90 minutes before", "2 weeks before"])],
)
def test_reminder_offsets_in_words(babel_app: Flask, lang: str, expected: list[str]) -> None:
    with force_locale(lang):
        assert [offset_words(o) for o in ("P7D", "P1D", "PT2H", "PT90M", "P14D")] == expected
    assert plain.offset(3, "weeks") == "P21D" and plain.offset(2, "hours") == "PT2H"
    assert plain.amount_and_unit("PT90M") == (90, "minutes") and plain.amount_and_unit("P1W") == (1, "weeks")


@pytest.mark.parametrize(
    ("local", "zone", "problem"),
    [
        (datetime(2030, 3, 31, 2, 30), "Europe/Vienna", "gap"),  # clocks 02:00 → 03:00
        (datetime(2030, 10, 27, 2, 30), "Europe/Vienna", "overlap"),  # 03:00 → 02:00
        (datetime(2030, 3, 10, 2, 30), "America/New_York", "gap"),
        (datetime(2030, 11, 3, 1, 30), "America/New_York", "overlap"),
        (datetime(2030, 3, 31, 3, 30), "Europe/Vienna", None),
        (datetime(2030, 3, 31, 2, 30), "Asia/Bangkok", None),  # no daylight saving
    ],
)
def test_daylight_saving_gaps_and_overlaps(local: datetime, zone: str, problem: str | None) -> None:
    assert plain.wall_time_problem(local, ZoneInfo(zone)) == problem
