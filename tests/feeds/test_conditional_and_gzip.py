"""Conditional requests and compression of feeds (RFC 9110 §13, §8.4): what calendar
servers and compressing proxies send, answered with 304s and a gzip body built once."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from werkzeug.http import http_date, parse_date

from icat.calendar.cache import BODIES
from icat.core import clock
from tests.feeds.ics import parse, uids

PUBLIC = "/calendar/icat.ics"
GZIP = {"Accept-Encoding": "gzip, deflate"}


def vary(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Vary", "").split(",")}


def test_a_weak_if_none_match_from_a_proxy_gets_304(client: FlaskClient, make_meeting) -> None:
    make_meeting(visibility="public")
    etag = client.get(PUBLIC).headers["ETag"]
    assert etag.startswith('"')
    again = client.get(PUBLIC, headers={"If-None-Match": f"W/{etag}"})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    listed = client.get(PUBLIC, headers={"If-None-Match": f'"other", W/{etag}'})
    assert listed.status_code == 304


def test_if_modified_since_alone_gets_304_until_the_feed_changes(client: FlaskClient, make_meeting) -> None:
    make_meeting(visibility="public", title="First")
    first = client.get(PUBLIC)
    stamp = first.headers["Last-Modified"]
    assert parse_date(stamp) is not None
    assert client.get(PUBLIC, headers={"If-Modified-Since": stamp}).status_code == 304
    older = http_date(parse_date(stamp) - timedelta(seconds=1))
    assert client.get(PUBLIC, headers={"If-Modified-Since": older}).status_code == 200
    with clock.frozen(clock.now() + timedelta(seconds=5)):
        make_meeting(visibility="public", title="Second")
    changed = client.get(PUBLIC, headers={"If-Modified-Since": stamp})
    assert changed.status_code == 200 and len(uids(parse(changed.data))) == 2


def test_if_none_match_wins_over_if_modified_since(client: FlaskClient, make_meeting) -> None:
    """RFC 9110 §13.1.3: with If-None-Match present, If-Modified-Since is ignored."""
    make_meeting(visibility="public")
    first = client.get(PUBLIC)
    both = {"If-None-Match": '"not-this-one"', "If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(PUBLIC, headers=both).status_code == 200


def test_last_modified_is_never_before_today(client: FlaskClient, make_meeting) -> None:
    """Cancelled meetings leave a feed after 30 days without a write: a day later the feed
    is newer than yesterday's Last-Modified, so an If-Modified-Since client refetches."""
    make_meeting(visibility="public")
    first = client.get(PUBLIC)
    with clock.frozen(clock.now() + timedelta(days=1)):
        later = client.get(PUBLIC, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert later.status_code == 200
    today = datetime.combine(clock.today(), datetime.min.time(), tzinfo=UTC)
    assert parse_date(first.headers["Last-Modified"]) >= today


def test_gzip_when_asked_with_its_own_etag_and_vary(client: FlaskClient, make_meeting) -> None:
    make_meeting(visibility="public", title="Compressed")
    plain = client.get(PUBLIC)
    coded = client.get(PUBLIC, headers=GZIP)
    assert coded.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    for response in (plain, coded):
        assert "Accept-Encoding" in vary(response)
    assert coded.headers["ETag"] != plain.headers["ETag"]  # one strong ETag per representation
    assert gzip.decompress(coded.data) == plain.data
    assert len(coded.data) < len(plain.data)
    assert coded.headers["Content-Type"] == "text/calendar; charset=utf-8"
    again = client.get(PUBLIC, headers={**GZIP, "If-None-Match": coded.headers["ETag"]})
    assert again.status_code == 304 and "Accept-Encoding" in vary(again)
    refused = client.get(PUBLIC, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain.data


def test_the_gzip_body_is_compressed_once_per_feed_version(client: FlaskClient, make_meeting, monkeypatch) -> None:
    make_meeting(visibility="public")
    calls: list[int] = []
    real = gzip.compress

    def counting(data: bytes, *args, **kwargs) -> bytes:
        calls.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(gzip, "compress", counting)
    bodies = {client.get(PUBLIC, headers=GZIP).data for _ in range(5)}
    assert len(calls) == 1 and len(bodies) == 1  # same bytes every time, compressed once
    BODIES.clear()  # another process, or this one after eviction: the same bytes again
    assert client.get(PUBLIC, headers=GZIP).data in bodies
    with clock.frozen(clock.now() + timedelta(seconds=5)):
        make_meeting(visibility="public", title="New version")
    client.get(PUBLIC, headers=GZIP)
    assert len(calls) == 3
