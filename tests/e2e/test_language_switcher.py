"""The language switcher in every page's header: it keeps the reader on the page, and the
choice lasts (the profile for people signed in, a cookie for visitors); ``?lang=`` lasts too."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts.models import User
from tests.e2e.test_pages_auth import login
from tests.support.html_forms import form_fields


def switch(client: FlaskClient, page: str, language: str):
    fields = form_fields(client.get(page), "/language")
    return client.post("/language", data=fields | {"language": language})


def test_a_visitor_switches_and_stays_on_the_page(client: FlaskClient, seeded) -> None:
    response = switch(client, "/entities?kind=member", "fr")
    assert response.status_code == 302 and response.headers["Location"] == "/entities?kind=member"
    page = client.get("/entities?kind=member")
    assert '<html lang="fr"' in page.get_data(as_text=True)
    assert '<html lang="fr"' in client.get("/publications").get_data(as_text=True)  # the next click too


def test_the_switcher_drops_the_pages_lang_so_the_choice_wins(client: FlaskClient, seeded) -> None:
    response = switch(client, "/entities?lang=ar&kind=member", "zh")
    assert response.headers["Location"] == "/entities?kind=member"
    assert '<html lang="zh"' in client.get(response.headers["Location"]).get_data(as_text=True)


def test_lang_in_the_address_lasts_for_the_next_click(client: FlaskClient) -> None:
    assert 'dir="rtl"' in client.get("/publications?lang=ar").get_data(as_text=True)
    page = client.get("/world-day").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in page


def test_signed_in_people_keep_it_in_their_profile(client: FlaskClient, session: Session, make_user) -> None:
    user = make_user("viewer", email="me@icat.example")
    login(client, "me@icat.example")
    response = switch(client, "/account", "ru")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    session.expire_all()
    assert session.get(User, user.id).locale == "ru"
    assert '<html lang="ru"' in client.get("/meetings").get_data(as_text=True)


def test_after_a_posted_form_it_returns_to_the_forms_page(client: FlaskClient) -> None:
    fields = form_fields(client.get("/login?next=/account"))
    shown = client.post(
        "/login?next=/account",
        data=fields | {"email": "nobody@icat.example", "password": "wrong password"},
        headers={"Referer": "http://icat.test/login?next=/account"},
    )
    back = form_fields(shown, "/language")["next"]
    assert back == "/login?next=/account"  # not the POST-only answer's address


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example/", "/ok\r\nX: y"])
def test_it_never_leaves_the_site(client: FlaskClient, target: str) -> None:
    fields = form_fields(client.get("/login"), "/language")
    response = client.post("/language", data=fields | {"language": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing_and_says_why(client: FlaskClient) -> None:
    fields = form_fields(client.get("/login"), "/language")
    response = client.post("/language", data=fields | {"language": "de"}, follow_redirects=True)
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)


def test_without_the_csrf_token_it_is_refused(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "fr", "next": "/"})
    assert response.status_code == 400
    assert "icat_place" not in response.headers.get("Set-Cookie", "")


def test_every_language_is_offered_in_its_own_name(client: FlaskClient) -> None:
    page = client.get("/login?lang=zh").get_data(as_text=True)
    offered = re.findall(r'form="language-switcher" name="language" value="(\w+)" lang="\1"', page)
    assert offered == ["ar", "zh", "en", "fr", "ru", "es"]
    assert 'value="ar" lang="ar"' in page and ">Français<" in page
