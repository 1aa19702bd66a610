"""The error pages (404, 405, a failed CSRF check, 500) are pages of the site: its layout and
stylesheet, in the reader's language (werkzeug's English descriptions replaced), and never a
stack trace, even when the layout itself cannot be drawn. The catalogue is a tiny French one
compiled for the test (babel's own writer), as in test_translated_errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from icat import create_app
from icat.extensions import babel, db
from tests.conftest import _empty_all_tables

FRENCH = {
    "Page not found": "Page introuvable",
    "There is no page at this address. The link may be mistyped, or the page may have moved.": (
        "Il n'y a pas de page à cette adresse."
    ),
    "Not possible at this address": "Impossible à cette adresse",
    "This address does not accept this kind of request. Use the page's own links and buttons.": (
        "Cette adresse n'accepte pas ce type de requête."
    ),
    "The request could not be used": "La requête n'a pas pu être utilisée",
    "The form expired or did not come from this site. Reload and retry.": "Le formulaire a expiré.",
    "Something went wrong": "Une erreur s'est produite",
    "Something went wrong on our side. It has been logged.": "Une erreur s'est produite chez nous.",
    "Back to the start page": "Retour à l'accueil",
}
SECRET = "the database password is hunter2"


def _compile_french(root: Path) -> Path:
    catalog = Catalog(locale="fr", domain="messages")
    for english, french in FRENCH.items():
        catalog.add(english, french)
    folder = root / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    return root


def _boom() -> str:
    raise RuntimeError(SECRET)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application with the test catalogue, CSRF checks on, and one route that fails."""
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
    application.add_url_rule("/boom", "boom", _boom)
    with application.app_context():
        engine = db.engine
        babel.domain_instance.cache.clear()
    application.extensions["icat_test_engine"] = engine
    yield application
    with application.app_context():
        babel.domain_instance.cache.clear()
    _empty_all_tables(engine)
    engine.dispose()


def assert_site_page_in_french(response: TestResponse, heading: str, message: str) -> str:
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert '<html lang="fr"' in html
    assert "vendor/pico.min.css" in html and "icat.css" in html  # styled
    assert f"<h1>{heading} <small>({response.status_code})</small></h1>" in html
    assert f"<p>{message}</p>" in html
    assert "Retour à l'accueil" in html  # the template's own words
    assert "Traceback" not in html and 'File "' not in html
    return html


def test_the_404_page_is_the_sites_and_in_the_readers_language(client: FlaskClient) -> None:
    response = client.get("/no/such/page?lang=fr")
    assert response.status_code == 404
    html = assert_site_page_in_french(response, "Page introuvable", "Il n&#39;y a pas de page à cette adresse.")
    assert "<nav " in html  # the layout's navigation, as on every page
    assert "The requested URL was not found" not in html  # werkzeug's English


def test_the_405_page_is_in_the_readers_language(client: FlaskClient) -> None:
    response = client.get("/logout?lang=fr")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    html = assert_site_page_in_french(
        response, "Impossible à cette adresse", "Cette adresse n&#39;accepte pas ce type de requête."
    )
    assert "The method is not allowed" not in html


def test_a_form_without_its_csrf_token_gets_the_sites_page(client: FlaskClient) -> None:
    client.get("/login?lang=fr")  # the language is kept for the session
    response = client.post("/login?lang=fr", data={"email": "a@icat.example", "password": "x"})
    assert response.status_code == 400
    assert_site_page_in_french(response, "La requête n&#39;a pas pu être utilisée", "Le formulaire a expiré.")


def test_a_500_shows_no_stack_trace_nor_the_errors_text(client: FlaskClient) -> None:
    response = client.get("/boom?lang=fr")
    assert response.status_code == 500
    html = assert_site_page_in_french(
        response, "Une erreur s&#39;est produite", "Une erreur s&#39;est produite chez nous."
    )
    assert SECRET not in html and "RuntimeError" not in html


def test_when_the_layout_fails_too_a_plain_styled_page_is_shown(app: Flask, client: FlaskClient) -> None:
    # The layout's co-chairs badge reads the database; here it fails as a broken database would.
    app.context_processor(lambda: {"current_term": _boom})
    response = client.get("/boom?lang=fr")
    assert response.status_code == 500
    html = assert_site_page_in_french(
        response, "Une erreur s&#39;est produite", "Une erreur s&#39;est produite chez nous."
    )
    assert "<nav " not in html and "<nav>" not in html and SECRET not in html
