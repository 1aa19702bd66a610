"""Flask glue of the dashboard: which panels a viewer gets, the notices in their words and
the subscription links. The reading is ``icat.dashboard``'s; this only assembles it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import Actor
from icat.core.permissions import STAFF
from icat.dashboard import queries, secretariat
from icat.notifications.queries import inbox, problem_deliveries, unread_count
from icat.observances.labels import STEP_LABELS
from icat.publications.queries import PublicationFilter, list_publications
from icat.registry.queries import EntityFilter, coordinator, list_entities
from icat.web.links import absolute_url, feed_links
from icat.web.notices import present


def page(session: Session, actor: Actor | None) -> tuple[str, dict[str, Any]]:
    """The template and context of ``/``: the dashboard when signed in, else the landing page."""
    if actor is None or actor.user_id is None:
        return "index.html", public_context(session)
    return "dashboard.html", member_context(session, actor)


def public_context(session: Session) -> dict[str, Any]:
    """The anonymous landing page: public meetings, latest publications, public feeds."""
    return {
        "entities": list_entities(session, EntityFilter()),
        "coordinator": coordinator(session),
        "meetings": queries.next_meetings(session, None, clock.now()),
        "publications": list_publications(session, actor=None, flt=PublicationFilter(public_only=True), limit=5),
        "feeds": {
            "meetings": feed_links("calendar.icat_feed"),
            "observances": feed_links("calendar.observances_feed"),
            "publications": absolute_url("publications.feed"),
        },
    }


def member_context(session: Session, actor: Actor) -> dict[str, Any]:
    """The signed-in dashboard; entity panels when the viewer acts for one, secretariat
    panels for staff."""
    now, today = clock.now(), clock.today()
    context: dict[str, Any] = {
        "meetings": queries.next_meetings(session, actor, now),
        "world_day": queries.world_day(session, today),
        "chairs": queries.co_chairs(session, today.year),
        "unread": unread_count(session, actor.user_id) if actor.user_id else 0,
        "notices": [present(n) for n in inbox(session, actor.user_id, limit=5)] if actor.user_id else [],
        "today": today,
        "step_labels": STEP_LABELS,
    }
    if actor.entity_id is not None:
        context["entity"] = _entity_panels(session, actor.entity_id, now)
    if actor.role in STAFF:
        context["staff"] = {
            "deliveries": problem_deliveries(session, actor=actor, limit=10),
            "circulations": secretariat.open_circulations(session),
            "orphans": secretariat.entities_without_focal_point(session, today),
        }
    return context


def _entity_panels(session: Session, entity_id: int, now: Any) -> dict[str, Any]:
    return {
        "rsvps": queries.pending_rsvps(session, entity_id, now),
        "rounds": queries.rounds_to_answer(session, entity_id),
        "actions": queries.action_items_due(session, entity_id),
        "milestones": queries.milestones_due(session, entity_id, now.date()),
    }
