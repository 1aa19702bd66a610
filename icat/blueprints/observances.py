"""Observance pages: the World Day with its countdown, themes by year and campaign."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from icat.core import clock
from icat.observances.labels import CONFIDENCE_LABELS, STEP_LABELS
from icat.observances.models import Observance
from icat.observances.queries import days_until, get_observance, list_observances, next_occurrence
from icat.observances.reference import WORLD_DAY
from icat.web.http import current_session
from icat.web.links import feed_links

bp = Blueprint("observances", __name__)


@bp.get("/observances")
def index() -> str:
    today = clock.today()
    rows = [(o, next_occurrence(o, today), days_until(o, today)) for o in list_observances(current_session())]
    return render_template("observances/list.html", rows=rows, links=feed_links("calendar.observances_feed"))


@bp.get("/world-day", defaults={"slug": WORLD_DAY})
@bp.get("/observances/<slug>")
def detail(slug: str) -> str:
    observance = get_observance(current_session(), slug)
    return render_template("observances/detail.html", observance=observance, **_detail_context(observance))


def _detail_context(observance: Observance) -> dict[str, Any]:
    """The countdown, the years with a theme to show, and the labels."""
    today = clock.today()
    return {
        "today": today,
        "next_date": next_occurrence(observance, today),
        "days_left": days_until(observance, today),
        "years": list(range(today.year, observance.first_year - 1, -1)),
        "step_labels": STEP_LABELS,
        "confidence_labels": CONFIDENCE_LABELS,
        "links": feed_links("calendar.observances_feed"),
    }
