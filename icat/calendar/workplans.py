"""A plan's milestones as an iCalendar feed (``/calendar/workplans/<id>.ics``, DESIGN §6).

Each milestone is an all-day event on its due date (``VALUE=DATE``, exclusive DTEND), UID
``milestone-<id>@<host>``, SEQUENCE from its revision (raised when the date moves),
DTSTAMP/LAST-MODIFIED from its last change, so an unchanged plan gives the same bytes and
the same strong ETag (a hash of them). A milestone that cannot render is left out and
logged, never a 500. One plan is small: the body is rendered on each request, and the
ETag answers a 304 without sending it.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from datetime import UTC, date, datetime, timedelta

from icalendar import Event

from icat.calendar import render
from icat.calendar.feeds import GZIP_SUFFIX, Conditions, Feed, Site, last_modified, not_modified
from icat.core.text import text_problem
from icat.workplan.models import Activity, Milestone, Workplan

log = logging.getLogger(__name__)


def milestone_event(milestone: Milestone, activity: Activity, site: Site) -> bytes:
    """One milestone's VEVENT."""
    url = f"{site.base_url}/workplans/{activity.workplan_id}"
    event = Event()
    event.add("uid", f"milestone-{milestone.id}@{site.host}")
    stamp = max(milestone.updated_at, activity.updated_at).astimezone(UTC)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", milestone.revision - 1)
    event.add("summary", f"{milestone.title} · {activity.title}")
    event.add("dtstart", milestone.due_on)
    event.add("dtend", milestone.due_on + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("class", "PUBLIC")
    event.add("status", "CANCELLED" if activity.status == "cancelled" else "CONFIRMED")
    event.add("categories", ["WORKPLAN", activity.pillar.upper()])
    leads = ", ".join(activity.lead_entities)
    event.add("description", "\n".join(p for p in (activity.title, leads, url) if p))
    event.add("url", url)
    return event.to_ical()


def _guarded(milestone: Milestone, activity: Activity, site: Site) -> bytes | None:
    try:
        block = milestone_event(milestone, activity, site)
        problem = text_problem(block.decode("utf-8"), multiline=True)
    except Exception as exc:  # one bad row must not take the feed down (DESIGN §6)
        log.warning("Milestone %s left out of the workplan feed: %s", milestone.id, type(exc).__name__)
        return None
    if problem:
        log.warning("Milestone %s left out of the workplan feed: %s", milestone.id, problem)
        return None
    return block


def calendar(plan: Workplan, site: Site, name: str) -> bytes:
    """The VCALENDAR of every milestone of the plan, by due date."""
    pairs = sorted(((m, a) for a in plan.activities for m in a.milestones), key=lambda p: (p[0].due_on, p[0].id))
    blocks = [block for m, a in pairs if (block := _guarded(m, a, site)) is not None]
    return render.assemble(render.header(name), [], blocks)


def changed_at(plan: Workplan) -> datetime:
    moments = [plan.updated_at] + [a.updated_at for a in plan.activities]
    moments += [m.updated_at for a in plan.activities for m in a.milestones]
    return max(moments)


def feed(plan: Workplan, site: Site, name: str, *, today: date, conditions: Conditions) -> Feed:
    """The feed for a request; ``body`` None means 304. The gzip representation has its own
    ETag (``…-gz``); mtime 0 keeps its bytes the same on every host."""
    body = calendar(plan, site, name)
    etag = hashlib.sha256(body).hexdigest()[:32]
    tag = etag + GZIP_SUFFIX if conditions.gzip else etag
    modified = last_modified(changed_at(plan), today)
    if not_modified(tag, modified, conditions):
        return Feed(tag, modified, None, conditions.gzip)
    if conditions.gzip:
        body = gzip.compress(body, compresslevel=6, mtime=0)
    return Feed(tag, modified, body, conditions.gzip)
