"""iCalendar feeds (DESIGN §6) and the "add to calendar" file of one meeting.

Routes stay thin: pick the feed, let ``feeds.feed`` answer (304 or bytes), set the headers.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request

from icat.auth import current_actor
from icat.calendar import feeds, services, specs
from icat.calendar.links import current_engine
from icat.core import clock
from icat.meetings.queries import get_meeting
from icat.registry.queries import get_entity
from icat.web import current_session, transactional

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
MIMETYPE = "text/calendar; charset=utf-8"


def site() -> feeds.Site:
    return _site(str(current_app.config["BASE_URL"]))


@lru_cache(maxsize=8)
def _site(base_url: str) -> feeds.Site:
    base = base_url.rstrip("/")
    return feeds.Site(host=urlsplit(base).hostname or "localhost", base_url=base)


def _respond(spec: feeds.FeedSpec, *, private: bool = False) -> Response:
    result = feeds.feed(
        current_engine(),
        current_session,
        spec,
        site=site(),
        today=clock.today(),
        client_has=request.if_none_match.contains,
    )
    response = Response(result.body or b"", status=200 if result.body is not None else 304)
    if result.body is not None:
        response.headers["Content-Type"] = MIMETYPE
        response.headers["Content-Disposition"] = "inline; filename=icat.ics"
    response.set_etag(result.etag)
    response.last_modified = result.last_modified
    response.headers["Cache-Control"] = ("private" if private else "public") + ", max-age=0, must-revalidate"
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/icat.ics")
def icat_feed() -> Response:
    return _respond(specs.public())


@bp.get("/observances.ics")
def observances_feed() -> Response:
    return _respond(specs.observances())


@bp.get("/kinds/<kind>.ics")
def kind_feed(kind: str) -> Response:
    return _respond(specs.kind(kind, kind.replace("_", " ")))


@bp.get("/entities/<acronym>.ics")
def entity_feed(acronym: str) -> Response:
    return _respond(specs.entity(get_entity(current_session(), acronym)))


@bp.get("/private/<token>.ics")
@transactional
def private_feed(token: str) -> Response:
    viewer = services.viewer_for_feed_token(current_session(), token)
    return _respond(specs.private(viewer), private=True)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int) -> Response:
    meeting = get_meeting(current_session(), meeting_id, actor=current_actor())
    body = feeds.single_meeting(meeting, site=site())
    response = Response(body, headers={"Content-Type": MIMETYPE})
    response.headers["Content-Disposition"] = f"attachment; filename=meeting-{meeting_id}.ics"
    return response
