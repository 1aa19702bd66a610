"""End to end: the public index and pages of publications, the Atom feed (read by feedparser
and lxml), and the work pages as a browser without JavaScript uses them."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import feedparser
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.publications import circulation, reference, services
from icat.publications.models import CirculationRound, Publication, RoundResponse, TextVersion
from icat.registry.reference import load_reference
from tests.conftest import count
from tests.e2e.test_pages_auth import login
from tests.support.html_forms import form_fields
from tests.support.publications import DEADLINE, NOW, PubCast

ATOM = "{http://www.w3.org/2005/Atom}"


def text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def adopted_and_published(
    session: Session, draft: Callable[..., Publication], cast: PubCast, **fields: Any
) -> Publication:
    """A statement circulated to ILO and IOM, endorsed by both, published on NOW's day."""
    pub = draft(**fields)
    sec = cast.actor(cast.secretariat)
    with clock.frozen(NOW):
        circulation.circulate(
            session,
            actor=sec,
            publication_id=pub.id,
            procedure="endorsement",
            deadline=DEADLINE,
            entities=["ILO", "IOM"],
        )
        for user, entity in ((cast.lead, "ILO"), (cast.iom, "IOM")):
            circulation.respond(
                session, actor=cast.actor(user), publication_id=pub.id, entity=entity, decision="endorse"
            )
        services.publish(session, actor=sec, publication_id=pub.id)
        session.commit()
    return pub


def test_the_reference_record_is_in_the_public_index(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    reference.seed_history(session, actor=SYSTEM, data=load_reference())
    session.commit()
    draft(title="Unpublished draft")
    page = text(client.get("/publications"))
    assert "Non-Punishment of Victims of Trafficking" in page and "Leave No Child Behind" in page
    assert "Unpublished draft" not in page
    briefs = text(client.get("/publications?kind=issue_brief&theme=technology"))
    assert "Human Trafficking and Technology" in briefs and "Non-Punishment" not in briefs
    found = text(client.get("/publications?q=refugee"))
    assert "Trafficking in Persons and Refugee Status" in found and "Gender Dimensions" not in found
    assert "Annual Report 2022" in text(client.get("/publications?year=2023"))
    assert client.get("/publications?kind=poem").status_code == 422
    assert client.get("/publications?theme=%25").status_code == 422  # themes are the reference data's keys


def test_a_published_page_per_language_with_cosigners(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = adopted_and_published(
        session, draft, pubcast, translations={"ar": {"title": "بيان مشترك", "body": "نص البيان"}}
    )
    english = client.get(f"/publications/{pub.id}")
    assert english.status_code == 200
    page = text(english)
    assert "World Day joint statement" in page and "<strong>protect</strong>" in page
    tree = etree.HTML(english.get_data())
    assert tree.xpath("//section[@class='cosigners']//li/a/text()") == ["ILO", "IOM"]
    assert {a.get("hreflang") for a in tree.xpath("//nav[@class='languages']//a")} == {"ar"}
    arabic = etree.HTML(client.get(f"/publications/{pub.id}?lang=ar").get_data())
    assert arabic.xpath("//article/@dir") == ["rtl"] and arabic.xpath("//h1/text()") == ["بيان مشترك"]
    assert arabic.xpath("/html/@dir") == ["rtl"]  # ?lang= also picks the page's language


def test_the_atom_feed_lists_cosigners_per_language(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = adopted_and_published(
        session, draft, pubcast, translations={"fr": {"title": "Déclaration commune", "body": "Texte"}}
    )
    draft(title="Still a draft")
    response = client.get("/publications.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo and [e.title for e in feed.entries] == ["World Day joint statement"]
    assert [c.name for c in feed.entries[0].contributors] == ["ILO", "IOM"]
    assert feed.entries[0].link == f"http://icat.test/publications/{pub.id}?lang=en"
    french = etree.fromstring(client.get("/publications.atom?lang=fr").get_data())
    entries = french.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Déclaration commune"]
    assert [c.findtext(f"{ATOM}name") for c in entries[0].findall(f"{ATOM}contributor")] == ["ILO", "IOM"]
    assert etree.fromstring(client.get("/publications.atom?lang=ru").get_data()).findall(f"{ATOM}entry") == []
    assert client.get("/publications.atom?lang=xx").status_code == 422


def test_a_withdrawn_publication_stays_with_its_note(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = adopted_and_published(session, draft, pubcast)
    services.withdraw(
        session,
        actor=pubcast.actor(pubcast.secretariat),
        publication_id=pub.id,
        note="Superseded by the 2031 statement.",
    )
    session.commit()
    page = text(client.get(f"/publications/{pub.id}"))
    assert "Withdrawn." in page and "Superseded by the 2031 statement." in page
    entry = feedparser.parse(client.get("/publications.atom").get_data()).entries[0]
    assert "Superseded by the 2031 statement." in entry.content[0].value


def _post(client: FlaskClient, url: str, **values: str | list[str]) -> TestResponse:
    data: dict[str, Any] = form_fields(client.get(url)) | values
    return client.post(url, data=data)


def test_draft_translate_circulate_answer_and_publish_without_javascript(
    client: FlaskClient, session: Session, pubcast: PubCast
) -> None:
    with clock.frozen(NOW):  # the whole visit at frozen times: sign-in sessions follow the clock
        pub_id = _draft_and_circulate(client, session, pubcast)
    with clock.frozen(NOW + timedelta(hours=2)):
        assert login(client, pubcast.iom.email).status_code == 302
        assert "We call on States." in text(client.get(f"/publications/{pub_id}/respond"))
        url = f"/publications/{pub_id}/respond"
        objected = _post(client, url, **{"r-entity": "IOM", "r-decision": "object", "r-comment": ""})
        assert objected.status_code == 422 and count(session, RoundResponse) == 0
        forged = _post(client, url, **{"r-entity": "ILO", "r-decision": "endorse"})
        assert forged.status_code == 422 and count(session, RoundResponse) == 0  # not a choice IOM has
        answered = _post(client, url, **{"r-entity": "IOM", "r-decision": "endorse"})
        assert answered.status_code == 302 and count(session, RoundResponse) == 1
        assert "There is no open round" not in text(client.get(url))


def _draft_and_circulate(client: FlaskClient, session: Session, pubcast: PubCast) -> int:
    """The secretariat drafts through the form, adds French on its tab, and circulates."""
    assert login(client, pubcast.secretariat.email).status_code == 302
    fields = {"d-kind": "joint_statement", "d-language": "en", "d-title": "Call 2030", "d-body": "We call on States."}
    made = _post(client, "/publications/new", **fields, **{"d-lead_entities": ["ILO"], "d-year": "2030"})
    assert made.status_code == 302
    pub_id = int(made.headers["Location"].rsplit("/", 1)[1])
    tab = client.get(f"/publications/{pub_id}/edit?tab=fr")
    assert f'href="/publications/{pub_id}/edit?tab=ar#text-ar"' in tab.get_data(as_text=True)
    french = {"t-title": "Appel 2030", "t-body": "Nous appelons.", "t-state": "final"}
    assert _post(client, f"/publications/{pub_id}/edit?tab=fr", **french).status_code == 302
    assert count(session, TextVersion, TextVersion.language == "fr") == 1
    bad = _post(
        client, f"/publications/{pub_id}/circulate", **{"c-procedure": "vote", "c-deadline": "2030-05-20T12:00"}
    )
    assert bad.status_code == 422 and count(session, CirculationRound) == 0
    rounds = {"c-procedure": "endorsement", "c-deadline": "2030-05-20T12:00", "c-entities": ["ILO", "IOM"]}
    assert _post(client, f"/publications/{pub_id}/circulate", **rounds).status_code == 302
    assert count(session, CirculationRound) == 1
    client.post("/logout", data=form_fields(client.get("/publications"), "/logout"))
    return pub_id


def test_the_round_table_and_the_diff_since_the_last_round_seen(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft(body="ICAT calls on States to act.")
    sec = pubcast.actor(pubcast.secretariat)
    with clock.frozen(NOW):
        circulation.circulate(
            session, actor=sec, publication_id=pub.id, procedure="silence", deadline=DEADLINE, entities=["IOM", "UNHCR"]
        )
        circulation.respond(
            session,
            actor=pubcast.actor(pubcast.iom),
            publication_id=pub.id,
            entity="IOM",
            decision="object",
            comment="<b>too weak</b>",
        )
        session.commit()
        pub = session.get(Publication, pub.id)
        services.update_publication(
            session,
            actor=sec,
            publication_id=pub.id,
            version=pub.version,
            changes={"body": "ICAT urges States to act now."},
        )  # type: ignore[union-attr]
        circulation.circulate(
            session, actor=sec, publication_id=pub.id, procedure="silence", deadline=DEADLINE, entities=["IOM", "UNHCR"]
        )  # type: ignore[union-attr]
        session.commit()
    assert login(client, pubcast.secretariat.email).status_code == 302
    tree = etree.HTML(client.get(f"/publications/{pub.id}").get_data())  # type: ignore[union-attr]
    rows = [
        [c.xpath("string()") for c in r.xpath("td")]
        for r in tree.xpath("//table[contains(concat(' ', @class, ' '), ' round ')][2]/tbody/tr")
    ]
    assert rows == [["IOM", "Object", "<b>too weak</b>", pubcast.iom.email], ["UNHCR", "—", "", ""]]
    client.post("/logout", data=form_fields(client.get("/publications"), "/logout"))
    with clock.frozen(NOW):
        assert login(client, pubcast.iom.email).status_code == 302
        respond = etree.HTML(client.get(f"/publications/{pub.id}/respond").get_data())  # type: ignore[union-attr]
    diff = respond.xpath("//pre[@class='word-diff']")[0]
    assert diff.xpath("del/text()") == ["calls on", "act."]
    assert diff.xpath("ins/text()") == ["urges", "act now."]


def test_publish_and_withdraw_buttons(client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast) -> None:
    pub = draft()
    with clock.frozen(NOW):
        circulation.circulate(
            session,
            actor=pubcast.actor(pubcast.secretariat),
            publication_id=pub.id,
            procedure="endorsement",
            deadline=DEADLINE,
            entities=["ILO"],
        )
        session.commit()
        assert login(client, pubcast.secretariat.email).status_code == 302
        early = client.post(f"/publications/{pub.id}/publish", data=form_fields(client.get("/publications"), "/logout"))
        assert early.status_code == 409 and "can be published" in text(early)
        circulation.respond(
            session, actor=pubcast.actor(pubcast.lead), publication_id=pub.id, entity="ILO", decision="endorse"
        )
        session.commit()
        page = client.get(f"/publications/{pub.id}")
        assert client.post(f"/publications/{pub.id}/publish", data=form_fields(page, "/publish")).status_code == 302
        page = client.get(f"/publications/{pub.id}")
        empty = client.post(f"/publications/{pub.id}/withdraw", data=form_fields(page, "/withdraw") | {"w-note": ""})
        assert empty.status_code == 422 and count(session, Publication, Publication.status == "withdrawn") == 0
        done = client.post(
            f"/publications/{pub.id}/withdraw", data=form_fields(page, "/withdraw") | {"w-note": "Replaced."}
        )
    assert done.status_code == 302 and count(session, Publication, Publication.status == "withdrawn") == 1
    assert "Replaced." in text(client.get(f"/publications/{pub.id}"))
