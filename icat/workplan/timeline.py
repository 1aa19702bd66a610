"""The plan's timeline (Gantt) as geometry for the SVG template: one row per activity, bars
from start to end, milestones as marks on their dates, a line for today, a column per year.

Pure: dates in, numbers out, so the layout is tested without a browser. Rows are a fixed
height, so 200 activities make a tall but legible chart (the page scrolls, labels stay).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from icat.workplan.models import Activity, Workplan

LEFT = 280  # room for the labels
YEAR_WIDTH = 180
TOP = 34
ROW = 18
BOTTOM = 16
LABEL_CHARS = 44
# Bars are coloured by status; the legend and each bar's tooltip name it in words too.
STATUS_COLOURS = {
    "planned": "#cbd5e1",
    "in_progress": "#60a5fa",
    "done": "#16a34a",
    "delayed": "#f59e0b",
    "cancelled": "#e5e7eb",
}


@dataclass(frozen=True)
class Bar:
    activity_id: int
    label: str
    title: str
    status: str
    progress: int
    y: float
    x: float
    width: float


@dataclass(frozen=True)
class Mark:
    activity_id: int
    title: str
    due_on: date
    overdue: bool
    x: float
    y: float


@dataclass(frozen=True)
class YearLine:
    year: int
    x: float


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    years: list[YearLine]
    bars: list[Bar]
    marks: list[Mark]
    today_x: float | None
    today: date
    label_x: float = LEFT - 6


class Scale:
    """Dates to x: linear in days from 1 January of the plan's first year."""

    def __init__(self, plan: Workplan) -> None:
        self.origin = date(plan.start_year, 1, 1)
        end = date(plan.end_year + 1, 1, 1)
        self.per_day = YEAR_WIDTH * (plan.end_year - plan.start_year + 1) / (end - self.origin).days
        self.end = end

    def x(self, day: date) -> float:
        return round(LEFT + (day - self.origin).days * self.per_day, 2)

    def covers(self, day: date) -> bool:
        return self.origin <= day < self.end


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def build(plan: Workplan, activities: list[Activity], today: date) -> Chart:
    """The chart of ``activities`` (already filtered and ordered) of ``plan`` as seen ``today``."""
    scale = Scale(plan)
    bars, marks = [], []
    for row, activity in enumerate(activities):
        y = TOP + row * ROW
        start, stop = scale.x(activity.starts_on), scale.x(activity.ends_on + timedelta(days=1))
        label = _short(activity.title)
        bars.append(
            Bar(activity.id, label, activity.title, activity.status, activity.progress, y, start, max(stop - start, 2))
        )
        for m in activity.milestones:
            marks.append(
                Mark(activity.id, m.title, m.due_on, not m.done and m.due_on < today, scale.x(m.due_on), y + ROW / 2)
            )
    years = [YearLine(year, scale.x(date(year, 1, 1))) for year in range(plan.start_year, plan.end_year + 2)]
    height = TOP + max(len(activities), 1) * ROW + BOTTOM
    today_x = scale.x(today) if scale.covers(today) else None
    return Chart(years[-1].x + 10, height, years, bars, marks, today_x, today)
