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


Scope = tuple[str, Site]  # (the counter's epoch, the site)


@dataclass(frozen=True)
class Feed:
    etag: str
    last_modified: datetime
    body: bytes | None  # None: the client's copy is current (304)


def _etag(spec: FeedSpec, site: Site, state: State, today: date) -> str:
    # ``today``: cancelled meetings leave a feed 30 days after cancellation, counted in days.
    raw = f"{FORMAT}|{spec.key}|{site.host}|{site.base_url}|{state.epoch}|{state.version}|{today.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def feed(session: Session, spec: FeedSpec, *, site: Site, today: date, client_has: Callable[[str], bool]) -> Feed:
    """The feed for a request; ``client_has(etag)`` tells whether If-None-Match names it."""
    state = queries.feed_state(session)
    etag = _etag(spec, site, state, today)
    if client_has(etag):
        return Feed(etag, state.changed_at, None)
    body = BODIES.get(etag)
    if body is None:
        body = build(session, spec, site=site, today=today, epoch=state.epoch)
        BODIES.put(etag, body)
    return Feed(etag, state.changed_at, body)


def build(session: Session, spec: FeedSpec, *, site: Site, today: date, epoch: str) -> bytes:
    """The whole VCALENDAR, rendering only what no cached block covers. Block keys carry
    ``epoch`` and each row's version and ``updated_at``, so a reused id never hits."""
    tzids: list[str] = []
    blocks: list[bytes] = []
    if spec.observances:
        blocks += _observance_blocks(session, (epoch, site))
    if spec.meetings is not None:
        keys = queries.meeting_keys(session, spec.meetings, today)
        tzids = [k.timezone for k in keys]
        blocks += _meeting_blocks(session, keys, spec.meetings, (epoch, site), today)
    return render.assemble(render.header(spec.name), tzids, blocks)


def _meeting_key(key: MeetingKey, scope: Scope) -> tuple[object, ...]:
    return ("meeting", key.id, key.version, key.updated_at, key.overrides_changed, key.overrides, scope)


def _meeting_blocks(
    session: Session, keys: list[MeetingKey], flt: MeetingFilter, scope: Scope, today: date
) -> list[bytes]:
    site = scope[1]
    found = {k.id: BLOCKS.get(_meeting_key(k, scope)) for k in keys}
    missing = [meeting_id for meeting_id, block in found.items() if block is None]
    if missing:
        by_key, wanted = {k.id: k for k in keys}, set(missing)
        for meeting in queries.meetings_by_id(session, missing, flt, today):
            if meeting.id not in wanted:
                continue
            block = render.meeting_block(meeting, host=site.host, base_url=site.base_url)
            found[meeting.id] = block
            if meeting.id in by_key:
                BLOCKS.put(_meeting_key(by_key[meeting.id], scope), block)
    return [found[k.id] for k in keys if found[k.id] is not None]  # type: ignore[misc]


def _observance_blocks(session: Session, scope: Scope) -> list[bytes]:
    keys = queries.observance_keys(session)
    site = scope[1]
    found = {oid: BLOCKS.get(("observance", oid, version, updated, scope)) for oid, version, updated in keys}
    missing = [oid for oid, block in found.items() if block is None]
    for observance in queries.observances_by_id(session, missing) if missing else []:
        block = render.observance_block(observance, host=site.host, base_url=site.base_url)
        found[observance.id] = block
        BLOCKS.put(("observance", observance.id, observance.version, observance.updated_at, scope), block)
    return [found[oid] for oid, _version, _updated in keys if found[oid] is not None]  # type: ignore[misc]


def single_meeting(meeting: Meeting, *, site: Site) -> bytes:
    """An "add to calendar" file for one meeting (rendered fresh: one event is cheap)."""
    block = render.meeting_block(meeting, host=site.host, base_url=site.base_url)
    return render.assemble(render.header(meeting.title), [meeting.timezone], [block])
