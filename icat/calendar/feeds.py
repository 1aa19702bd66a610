"""Building a feed: the ETag from the change counter, the body from cached blocks.

``feed(...)`` answers a conditional request with as little work as the case allows:
a matching ``If-None-Match`` costs one primary-key read; an unchanged feed whose body this
process built before costs the same; otherwise only meetings whose key moved are rendered
again and the feed is reassembled from cached blocks. Queries per request are constant.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.calendar import queries, render
from icat.calendar.cache import BLOCKS, BODIES
from icat.calendar.queries import MeetingFilter, MeetingKey, State
from icat.meetings.models import Meeting

# Raise when the rendering changes, so cached clients and caches see new ETags.
FORMAT = "icat-ics-1"


@dataclass(frozen=True)
class FeedSpec:
    """One feed: its cache key, its name, which meetings, whether observances are in it."""

    key: str
    name: str
    meetings: MeetingFilter | None = field(default_factory=MeetingFilter)
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


def _etag(spec: FeedSpec, site: Site, state: State, today: date) -> str:
    # ``today``: cancelled meetings leave a feed 30 days after cancellation, counted in days.
    raw = f"{FORMAT}|{spec.key}|{site.host}|{site.base_url}|{state.epoch}|{state.version}|{today.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def feed(
    engine: sa.Engine,
    session: Callable[[], Session],
    spec: FeedSpec,
    *,
    site: Site,
    today: date,
    client_has: Callable[[str], bool],
) -> Feed:
    """The feed for a request; ``client_has(etag)`` tells whether If-None-Match names it.
    ``session()`` is called only when the body must be built, so a 304 or a cached body
    never opens the request's session."""
    state = queries.feed_state(engine)
    etag = _etag(spec, site, state, today)
    if client_has(etag):
        return Feed(etag, state.changed_at, None)
    body = BODIES.get(etag)
    if body is None:
        body = build(session(), spec, site=site, today=today, epoch=state.epoch)
        BODIES.put(etag, body)
    return Feed(etag, state.changed_at, body)


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
        tzids = [k.timezone for k in keys]
        blocks += _meeting_blocks(session, keys, spec.meetings, site, scope, today)
    return render.assemble(render.header(spec.name), tzids, blocks)


def _meeting_blocks(
    session: Session, keys: list[MeetingKey], flt: MeetingFilter, site: Site, scope: str, today: date
) -> list[bytes]:
    cache_keys = [("meeting", k.id, k.version, k.updated_at, scope) for k in keys]
    found = BLOCKS.get_many(cache_keys)
    missing = [k.id for k, block in zip(keys, found, strict=True) if block is None]
    if missing:
        position = {k.id: i for i, k in enumerate(keys)}
        for meeting, overrides in queries.meetings_by_id(session, missing, flt, today):
            i = position.get(meeting.id)
            if i is None or found[i] is not None:
                continue
            found[i] = render.meeting_block(meeting, overrides, host=site.host, base_url=site.base_url)
            BLOCKS.put(cache_keys[i], found[i])
    return [block for block in found if block is not None]


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
    """An "add to calendar" file for one meeting (rendered fresh: one event is cheap)."""
    block = render.meeting_block(meeting, meeting.overrides, host=site.host, base_url=site.base_url)
    return render.assemble(render.header(meeting.title), [meeting.timezone], [block])
