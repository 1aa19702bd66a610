"""Building a feed: the ETag from the change counter, the body from cached blocks.

``feed(...)`` answers a conditional request with as little work as the case allows:
a matching ``If-None-Match`` costs one primary-key read; an unchanged feed whose body this
process built before costs the same; otherwise only meetings whose key moved are rendered
again and the feed is reassembled from cached blocks. Queries per request are constant.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.calendar import queries, render
from icat.calendar.cache import BLOCKS, BODIES
from icat.calendar.queries import FeedFilter, MeetingKey, State
from icat.calendar.zones import vtimezone
from icat.core.errors import Conflict
from icat.core.text import text_problem
from icat.meetings.models import Meeting, OccurrenceOverride

log = logging.getLogger(__name__)

# Raise when the rendering changes, so cached clients and caches see new ETags.
FORMAT = "icat-ics-2"
GZIP_SUFFIX = "-gz"


@dataclass(frozen=True)
class FeedSpec:
    """One feed: its cache key, its name, which meetings, whether observances are in it."""

    key: str
    name: str
    meetings: FeedFilter | None = field(default_factory=FeedFilter)
    observances: bool = True


@dataclass(frozen=True)
class Site:
    """Where feeds are served from: ``host`` goes into UIDs, ``base_url`` into links."""

    host: str
    base_url: str


@dataclass(frozen=True)
class Feed:
    etag: str
    last_modified: datetime
    body: bytes | None  # None: the client's copy is current (304)
    gzipped: bool = False  # ``body`` is the gzip-coded representation


@dataclass(frozen=True)
class Conditions:
    """What a request asks about the copy its client holds (RFC 9110 §13).

    ``etag_matches(tag)`` is the weak comparison of If-None-Match (a compressing proxy
    forwards ``W/"…"``); ``modified_since`` is If-Modified-Since, used only when the request
    sends no If-None-Match (§13.1.3); ``gzip``: the client accepts a gzip-coded body.
    """

    etag_matches: Callable[[str], bool] = lambda _tag: False
    has_etags: bool = False
    modified_since: datetime | None = None
    gzip: bool = False


def _etag(spec: FeedSpec, site: Site, state: State, today: date) -> str:
    # ``today``: cancelled meetings leave a feed 30 days after cancellation, counted in days.
    raw = f"{FORMAT}|{spec.key}|{site.host}|{site.base_url}|{state.epoch}|{state.version}|{today.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def last_modified(changed_at: datetime, today: date) -> datetime:
    """Last-Modified of a feed, whole seconds (HTTP dates have no fraction).

    A feed also changes without a write at midnight (cancelled meetings leave it 30 days
    after their cancellation, counted in days), so it is never older than today's start:
    an If-Modified-Since from yesterday then gets the new body, not a 304.
    """
    midnight = datetime.combine(today, time(0), tzinfo=UTC)
    return max(changed_at.astimezone(UTC), midnight).replace(microsecond=0)


def not_modified(etag: str, modified: datetime, conditions: Conditions) -> bool:
    if conditions.has_etags:
        return conditions.etag_matches(etag)
    return conditions.modified_since is not None and modified <= conditions.modified_since


def feed(
    engine: sa.Engine,
    session: Callable[[], Session],
    spec: FeedSpec,
    *,
    site: Site,
    today: date,
    conditions: Conditions,
) -> Feed:
    """The feed for a request: ``body`` None means 304 (the client's copy is current).

    The gzip representation has its own strong ETag (``…-gz``: RFC 9110 §8.8.3 wants one
    per representation) and is compressed once per feed version, then kept beside the plain
    bytes. ``session()`` is called only when the body must be built, so a 304 or a cached
    body never opens the request's session.
    """
    state = queries.feed_state(engine)
    etag = _etag(spec, site, state, today)
    tag = etag + GZIP_SUFFIX if conditions.gzip else etag
    modified = last_modified(state.changed_at, today)
    if not_modified(tag, modified, conditions):
        return Feed(tag, modified, None, conditions.gzip)
    body = BODIES.get(tag)
    if body is None:
        body = _body(session, spec, site, today, state.epoch, etag, conditions.gzip)
    return Feed(tag, modified, body, conditions.gzip)


def _body(
    session: Callable[[], Session], spec: FeedSpec, site: Site, today: date, epoch: str, etag: str, gzipped: bool
) -> bytes:
    plain = BODIES.get(etag)
    if plain is None:
        plain = build(session(), spec, site=site, today=today, epoch=epoch)
        BODIES.put(etag, plain)
    if not gzipped:
        return plain
    # mtime=0: the same bytes on every host and every rebuild, so the -gz ETag stays true.
    coded = gzip.compress(plain, compresslevel=6, mtime=0)
    BODIES.put(etag + GZIP_SUFFIX, coded)
    return coded


def build(session: Session, spec: FeedSpec, *, site: Site, today: date, epoch: str) -> bytes:
    """The whole VCALENDAR, rendering only what no cached block covers. Block keys carry
    ``epoch`` and each row's version and ``updated_at``, so a reused id never hits."""
    scope = f"{epoch}|{site.host}|{site.base_url}"
    tzids: list[str] = []
    blocks: list[bytes] = []
    if spec.observances:
        blocks += _observance_blocks(session, site, scope)
    if spec.meetings is not None:
        keys = queries.meeting_keys(session, spec.meetings, today)
        rendered = _meeting_blocks(session, keys, spec.meetings, site, scope, today)
        tzids = [k.timezone for k, _block in rendered]
        blocks += [block for _key, block in rendered]
    return render.assemble(render.header(spec.name), tzids, blocks)


class Unrenderable(Exception):
    """A meeting row that cannot go into a feed; the message says why, on one line."""


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or "no detail"
    return f"{type(exc).__name__}: {text}"[:300]


def render_meeting(meeting: Meeting, overrides: Sequence[OccurrenceOverride], *, site: Site) -> bytes:
    """One meeting's block, checked the way a calendar app will read it: its zone has a
    VTIMEZONE and the bytes carry no character RFC 5545 forbids (a NUL makes libical drop
    the whole feed). Raises Unrenderable, whatever went wrong inside the renderer: rows
    stored before the input rules (``icat.core.text``, ``meetings.rules``) may break it."""
    try:
        vtimezone(meeting.timezone) if meeting.timezone != "UTC" else None
        block = render.meeting_block(meeting, overrides, host=site.host, base_url=site.base_url)
        problem = text_problem(block.decode("utf-8"), multiline=True)
    except Exception as exc:  # any failure of one row must not take the feed down (DESIGN §6)
        raise Unrenderable(_reason(exc)) from exc
    if problem:
        raise Unrenderable(problem)
    return block


def _guarded(meeting: Meeting, overrides: Sequence[OccurrenceOverride], site: Site) -> bytes | None:
    """The block, or None when the row cannot render: left out and logged on one line (no
    stack trace: the secretariat's problems page lists it, see ``unrenderable``)."""
    try:
        return render_meeting(meeting, overrides, site=site)
    except Unrenderable as exc:
        log.warning("Meeting %s left out of calendar feeds: %s", meeting.id, exc)
        return None


def _meeting_blocks(
    session: Session, keys: list[MeetingKey], flt: FeedFilter, site: Site, scope: str, today: date
) -> list[tuple[MeetingKey, bytes]]:
    """(key, block) of each meeting that renders, in feed order; a row that does not is
    left out (and not cached, so a fixed row comes back with its next version)."""
    cache_keys = [("meeting", k.id, k.version, k.updated_at, scope) for k in keys]
    found = BLOCKS.get_many(cache_keys)
    missing = [k.id for k, block in zip(keys, found, strict=True) if block is None]
    if missing:
        position = {k.id: i for i, k in enumerate(keys)}
        for meeting, overrides in queries.meetings_by_id(session, missing, flt, today):
            i = position.get(meeting.id)
            if i is None or found[i] is not None:
                continue
            found[i] = _guarded(meeting, overrides, site)
            if found[i] is not None:
                BLOCKS.put(cache_keys[i], found[i])
    return [(key, block) for key, block in zip(keys, found, strict=True) if block is not None]


def _observance_blocks(session: Session, site: Site, scope: str) -> list[bytes]:
    keys = queries.observance_keys(session)
    cache_keys = [("observance", oid, version, updated, scope) for oid, version, updated in keys]
    found = BLOCKS.get_many(cache_keys)
    missing = [key[0] for key, block in zip(keys, found, strict=True) if block is None]
    position = {key[0]: i for i, key in enumerate(keys)}
    for observance in queries.observances_by_id(session, missing) if missing else []:
        i = position[observance.id]
        found[i] = render.observance_block(observance, host=site.host, base_url=site.base_url)
        BLOCKS.put(cache_keys[i], found[i])
    return [block for block in found if block is not None]


def single_meeting(meeting: Meeting, *, site: Site) -> bytes:
    """An "add to calendar" file for one meeting (rendered fresh: one event is cheap).
    Raises Conflict (409) when the stored row cannot be rendered."""
    try:
        block = render_meeting(meeting, meeting.overrides, site=site)
        # The calendar's name is one line: a title stored with a line break (before the
        # input rule) would make icalendar refuse the header, so its whitespace is folded.
        head = render.header(" ".join(meeting.title.split()))
    except (Unrenderable, ValueError, AssertionError) as exc:
        log.warning("Meeting %s has no calendar file: %s", meeting.id, exc)
        raise Conflict(
            _l("Meeting %(id)s cannot be put in a calendar file; the secretariat has been told.", id=meeting.id),
            rule="calendar.meeting_unrenderable",
        ) from exc
    return render.assemble(head, [meeting.timezone], [block])


@dataclass(frozen=True)
class FeedProblem:
    meeting_id: int
    reason: str


def unrenderable(session: Session, *, site: Site, today: date) -> list[FeedProblem]:
    """Meetings some feed should carry but cannot render, with the reason: computed by
    rendering each live meeting (cached blocks are known good), so nothing is written
    while a feed is served and the list is right on every process. Secretariat only: the
    caller checks the role."""
    problems = []
    for meeting, overrides in queries.live_meetings(session, today):
        try:
            render_meeting(meeting, overrides, site=site)
        except Unrenderable as exc:
            problems.append(FeedProblem(meeting.id, str(exc)))
    return problems
