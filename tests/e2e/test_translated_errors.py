"""Domain messages are translated when they are shown, in the reader's language: a flash on a
page, the errors beside a page form, and an API answer (``Accept-Language``), from one
service error raised with a lazy string. The catalogue is a tiny one compiled for the test
(babel's own writer), so the test does not wait for the real French catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat import create_app
from icat.accounts import services as accounts
from icat.calendar import services as calendar_services
from icat.core.actor import SYSTEM
from icat.extensions import babel, db
from icat.registry.reference import load_reference
from icat.rotation import services as rotation
from icat.rotation.models import ChairTerm
from tests.conftest import _empty_all_tables, count
from tests.e2e.test_meeting_pages import signed_in, text
from tests.e2e.test_pages_auth import csrf_token

FRENCH = {
    "No such token.": "Aucun jeton de ce nom.",
    "Not a cursor this API sent.": "Ce curseur ne vient pas de cette API.",
    "Invalid cursor.": "Curseur non valable.",
    # A message with a placeholder: filled in after translation.
    "%(acronyms)s is not a UN entity: a non-UN organization co-chairs only beside a UN entity "
    "(A/RES/78/228 OP14).": "%(acronyms)s n'est pas une entité de l'ONU : une organisation hors ONU "
    "ne copréside qu'aux côtés d'une entité de l'ONU (A/RES/78/228 OP14).",
}


def _compile_french(root: Path) -> Path:
    """``root/fr/LC_MESSAGES/messages.mo`` with the messages of ``FRENCH``."""
    catalog = Catalog(locale="fr", domain="messages")
    for english, french in FRENCH.items():
        catalog.add(english, french, flags=("python-format",) if "%(" in english else ())
    folder = root / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    return root


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application with the test catalogue as its only translations. Flask-Babel caches
    catalogues per locale on the one ``babel`` object every app shares: emptied before and
    after, so no other test reads this catalogue (nor this test a cached real one)."""
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SERVER_NAME": "icat.test",
            "BASE_URL": "http://icat.test",
            "BABEL_TRANSLATION_DIRECTORIES": str(_compile_french(tmp_path / "translations")),
        }
    )
    application.instance_path = str(tmp_path / "instance")
    with application.app_context():
        engine = db.engine
        babel.domain_instance.cache.clear()
    application.extensions["icat_test_engine"] = engine
    yield application
    with application.app_context():
        babel.domain_instance.cache.clear()
    _empty_all_tables(engine)
    engine.dispose()


def test_a_flashed_refusal_is_in_the_readers_language(client: FlaskClient, make_user, session: Session) -> None:
    owner = accounts.actor_for(make_user("viewer", email="owner@icat.example"))
    feed, _raw = calendar_services.create_feed_token(session, actor=owner, name="Phone")
    session.commit()
    signed_in(client, make_user("viewer", email="lectrice@icat.example", locale="fr"))
    page = client.get("/account/feeds")
    refused = client.post(f"/account/feeds/{feed.id}/revoke", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 302
    shown = text(client.get(refused.headers["Location"]))
    assert "Aucun jeton de ce nom." in shown and "No such token." not in shown


def test_the_api_answers_in_the_language_asked_for(client: FlaskClient, make_user, bearer, session: Session) -> None:
    owner = make_user("viewer", email="owner@icat.example")
    token, _raw = accounts.create_token(session, actor=SYSTEM, user=owner, kind="api", name="theirs")
    session.commit()
    headers = bearer("viewer")
    french = client.delete(f"/api/v1/tokens/{token.id}", headers=headers | {"Accept-Language": "fr"})
    english = client.delete(f"/api/v1/tokens/{token.id}", headers=headers | {"Accept-Language": "en"})
    assert french.status_code == english.status_code == 404
    assert french.get_json() == {
        "error": "not_found",
        "rule": "tokens.token_unknown",
        "message": "Aucun jeton de ce nom.",
        "fields": {},
    }
    assert english.get_json()["message"] == "No such token."  # the same error, rendered per request
    forged = client.get("/api/v1/tokens?cursor=forged", headers=headers | {"Accept-Language": "fr-CH"})
    body = forged.get_json()
    assert forged.status_code == 400 and body["rule"] == "http.cursor_forged"
    assert body["message"] == "Curseur non valable."
    assert body["fields"] == {"cursor": ["Ce curseur ne vient pas de cette API."]}


def test_a_forms_rule_errors_are_in_the_readers_language(
    client: FlaskClient, session: Session, seeded, make_user
) -> None:
    rotation.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()
    signed_in(client, make_user("secretariat", email="secretariat@icat.example", locale="fr"))
    page = client.get("/rotation")
    token = next(i for i in _hidden(text(page)) if i[0] == "term-csrf_token")[1]
    year = 2030
    bad = client.post("/rotation/terms", data={"term-csrf_token": token, "term-year": year, "term-first": "OSCE"})
    shown = text(bad)
    assert bad.status_code == 422
    assert "OSCE n'est pas une entité de l'ONU" in shown and "(A/RES/78/228 OP14)" in shown
    assert "is not a UN entity" not in shown
    assert count(session, ChairTerm, ChairTerm.year == year) == 0


def _hidden(html: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r'name="([^"]+)" type="hidden" value="([^"]+)"', html)
