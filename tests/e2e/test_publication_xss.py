"""Hostile text (tests/support/xss.py: 51 payloads of script, event handlers, javascript: and
data: links, SVG) never reaches a publication page, the Atom feed or a mail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from lxml import html as lxml_html
from sqlalchemy.orm import Session

from icat.core import clock
from icat.publications import circulation, services, texts
from icat.publications.models import Publication
from icat.scheduler import deliver_due, relay_outbox
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error
from tests.support.publications import DEADLINE, NOW, PubCast
from tests.support.xss import PAYLOADS, dangerous

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "\n\n".join(PAYLOADS)
COMMENT = "\n".join(PAYLOADS)[:2000]  # an objection's reason is at most 2000 characters


def test_there_are_at_least_fifty_payloads() -> None:
    assert len(set(PAYLOADS)) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_renders_to_harmless_html(payload: str) -> None:
    assert dangerous(texts.body_html(_Text(payload))) == []  # type: ignore[arg-type]


class _Text:
    def __init__(self, body: str) -> None:
        self.body = body


def _whole_page_problems(markup: bytes) -> list[str]:
    tree = lxml_html.fromstring(markup)
    # The page's own scripts are files of /static/ with no inline code; nothing else runs.
    scripts = [
        f"<{e.tag}>"
        for e in tree.iter("script", "svg", "iframe", "object", "embed")
        if not (e.tag == "script" and e.get("src", "").startswith("/static/") and not (e.text or "").strip())
    ]
    handlers = [
        f"{e.tag}@{name}" for e in tree.iter() if isinstance(e.tag, str) for name in e.attrib if name.startswith("on")
    ]
    return scripts + handlers


def _published(session: Session, draft: Callable[..., Publication], cast: PubCast) -> Publication:
    pub = draft(body=HOSTILE, translations={"fr": {"title": "Déclaration", "body": HOSTILE}})
    with clock.frozen(NOW):
        sec = cast.actor(cast.secretariat)
        circulation.circulate(
            session,
            actor=sec,
            publication_id=pub.id,
            procedure="endorsement",
            deadline=DEADLINE,
            entities=["ILO", "IOM"],
        )
        circulation.respond(
            session, actor=cast.actor(cast.iom), publication_id=pub.id, entity="IOM", decision="object", comment=COMMENT
        )
        session.commit()
    return pub


def test_payloads_never_reach_the_page_or_the_feed(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = _published(session, draft, pubcast)
    with clock.frozen(NOW):
        circulation.respond(
            session, actor=pubcast.actor(pubcast.iom), publication_id=pub.id, entity="IOM", decision="endorse"
        )
        circulation.respond(
            session, actor=pubcast.actor(pubcast.lead), publication_id=pub.id, entity="ILO", decision="endorse"
        )
        services.publish(session, actor=pubcast.actor(pubcast.secretariat), publication_id=pub.id)
        session.commit()
    for lang in ("en", "fr"):
        page = client.get(f"/publications/{pub.id}?lang={lang}").get_data()
        article = lxml_html.fromstring(page).xpath("//article")[0]
        assert dangerous(lxml_html.tostring(article, encoding="unicode")) == []
        assert _whole_page_problems(page) == []
    for url in ("/publications.atom", "/publications.atom?lang=fr"):
        body = client.get(url).get_data()
        assert not feedparser.parse(body).bozo
        contents = [e.findtext(f"{ATOM}content") for e in etree.fromstring(body).iter(f"{ATOM}entry")]
        assert contents and all(dangerous(c or "") == [] for c in contents)


def test_payloads_in_an_objection_never_reach_the_round_table(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    from tests.e2e.test_pages_auth import login

    pub = _published(session, draft, pubcast)
    with clock.frozen(NOW):
        assert login(client, pubcast.secretariat.email).status_code == 302
        page = client.get(f"/publications/{pub.id}").get_data()
    assert _whole_page_problems(page) == [] and b"<script>alert(1)" not in page


def test_payloads_never_reach_a_mail(
    app: Flask, session: Session, draft: Callable, pubcast: PubCast, smtp: Any
) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    pub = draft(body=HOSTILE)
    with clock.frozen(NOW):
        circulation.circulate(
            session,
            actor=pubcast.actor(pubcast.secretariat),
            publication_id=pub.id,
            procedure="silence",
            deadline=NOW + timedelta(days=8),
        )
        session.commit()
    for at in (NOW, DEADLINE - timedelta(days=7), NOW + timedelta(days=7, hours=1)):
        with clock.frozen(at), app.app_context():
            relay_outbox(app)
            deliver_due(app)
    assert smtp.messages, "reminders were sent"
    for message in smtp.messages:
        raw = message.as_string()
        assert "<script" not in raw and "onerror" not in raw and "javascript:" not in raw


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "<" in p or ">" in p][:25])
def test_a_title_with_markup_is_refused_and_nothing_stored(
    client: FlaskClient, bearer, pubcast: PubCast, session: Session, payload: str
) -> None:
    body = {
        "kind": "joint_statement",
        "language": "en",
        "title": payload.splitlines()[0][:200] or "<x>",
        "lead_entities": ["ILO"],
    }
    response = client.post("/api/v1/publications", json=body, headers=bearer("secretariat"))
    assert_error(response, 422, "validation_failed")
    assert count(session, Publication) == 0
