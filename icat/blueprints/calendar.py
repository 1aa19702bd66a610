"""iCalendar feeds (DESIGN §6) and the "add to calendar" file of one meeting.

Routes stay thin: pick the feed, let ``feeds.feed`` answer (304 or bytes), set the headers.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request
from werkzeug.http import http_date

from icat.calendar import feeds, services, specs, workplans
from icat.calendar.queries import meeting_for_calendar
from icat.core import clock
from icat.registry.queries import get_entity
from icat.web.auth import current_actor
from icat.web.http import current_session, transactional
from icat.web.links import current_engine
from icat.workplan.access import get_plan

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
MIMETYPE = "text/calendar; charset=utf-8"


def _lang() -> str | None:
    return request.args.get("lang")


def site() -> feeds.Site:
    return _site(str(current_app.config["BASE_URL"]))


@lru_cache(maxsize=8)
def _site(base_url: str) -> feeds.Site:
    base = base_url.rstrip("/")
    return feeds.Site(host=urlsplit(base).hostname or "localhost", base_url=base)


def _conditions() -> feeds.Conditions:
    """The request's If-None-Match (weak comparison), If-Modified-Since and gzip wish."""
    tags = request.if_none_match
    return feeds.Conditions(
        etag_matches=tags.contains_weak,
        has_etags=bool(tags),
        modified_since=request.if_modified_since,
        gzip=request.accept_encodings.quality("gzip") > 0,
    )


def _respond(spec: feeds.FeedSpec, *, private: bool = False) -> Response:
    conditions = _conditions()
    result = feeds.feed(
        current_engine(), current_session, spec, site=site(), today=clock.today(), conditions=conditions
    )
    return _answer(result, private)


def _answer(result: feeds.Feed, private: bool = False) -> Response:
    headers = _validators(result.etag, result.last_modified, private)
    if result.body is None:
        return Response(status=304, headers=headers)
    headers["Content-Disposition"] = "inline; filename=icat.ics"
    if result.gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(result.body, headers=headers, content_type=MIMETYPE)


def _validators(etag: str, last_modified: datetime, private: bool) -> dict[str, str]:
    """Strong ETag, Last-Modified and caching rules, built as plain strings: a 304 is
    mostly this, so no header parsing or quoting helpers on its path."""
    headers = {
        "ETag": f'"{etag}"',  # hex digits only: nothing to escape
        "Last-Modified": _http_date(last_modified),
        "Cache-Control": ("private" if private else "public") + ", max-age=0, must-revalidate",
        "Vary": "Accept-Encoding",  # one URL, a plain and a gzip representation
    }
    if private:
        headers["X-Robots-Tag"] = "noindex"
    return headers


@lru_cache(maxsize=64)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


@bp.get("/icat.ics")
def icat_feed() -> Response:
    return _respond(specs.public(_lang()))


@bp.get("/observances.ics")
def observances_feed() -> Response:
    return _respond(specs.observances(_lang()))


@bp.get("/kinds/<kind>.ics")
def kind_feed(kind: str) -> Response:
    return _respond(specs.kind(_lang(), kind, kind.replace("_", " ")))


@bp.get("/entities/<acronym>.ics")
def entity_feed(acronym: str) -> Response:
    return _respond(specs.entity(_lang(), get_entity(current_session(), acronym)))


@bp.get("/private/<token>.ics")
@transactional
def private_feed(token: str) -> Response:
    viewer = services.viewer_for_feed_token(current_session(), token)
    return _respond(specs.private(_lang(), viewer), private=True)


@bp.get("/workplans/<int:plan_id>.ics")
def workplan_feed(plan_id: int) -> Response:
    # A feed is public and the same for everyone (DESIGN §6): no session, so adopted plans only.
    plan = get_plan(current_session(), plan_id, actor=None)
    name = specs.workplan_name(_lang(), plan.title)
    return _answer(workplans.feed(plan, site(), name, today=clock.today(), conditions=_conditions()))


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int) -> Response:
    meeting = meeting_for_calendar(current_session(), meeting_id, current_actor())
    body = feeds.single_meeting(meeting, site=site())
    response = Response(body, headers={"Content-Type": MIMETYPE})
    response.headers["Content-Disposition"] = f"attachment; filename=meeting-{meeting_id}.ics"
    return response
