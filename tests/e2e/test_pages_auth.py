"""End to end: browser pages and session login (DESIGN §4 accounts, §7, §11.10).

Forms are filled the way a browser fills them: the CSRF token is read from the page's HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from icat import create_app
from icat.accounts.models import LoginAttempt, LoginSession, User
from icat.core import clock
from icat.core.outbox import OutboxEvent
from icat.extensions import db
from icat.registry.models import Entity
from tests.conftest import PASSWORD, count

COOKIE = "icat_session"
HOST = "icat.test"  # the app fixture's SERVER_NAME


# --- reading HTML -----------------------------------------------------------------------
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append(dict(attrs))
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def parse(response: TestResponse) -> _Page:
    page = _Page()
    page.feed(response.get_data(as_text=True))
    return page


def csrf_token(response: TestResponse) -> str:
    tokens = [i["value"] for i in parse(response).inputs if i.get("name") == "csrf_token" and i.get("value")]
    assert tokens, "the page has a form with a CSRF token"
    return str(tokens[0])


def text(response: TestResponse) -> str:
    """The page with entities decoded, to look for names as people read them."""
    return html.unescape(response.get_data(as_text=True))


def entity_links(response: TestResponse) -> list[str]:
    """Acronyms linked from the page, as ``/entities/<acronym>``."""
    return [href.removeprefix("/entities/") for href in parse(response).links if href.startswith("/entities/")]


def login(client: FlaskClient, email: str, password: str = PASSWORD, next_: str | None = None) -> TestResponse:
    """GET the form, then POST it with the CSRF token it carries."""
    url = "/login" + (f"?next={quote(next_, safe='')}" if next_ is not None else "")
    form = client.get(url)
    assert form.status_code == 200
    return client.post(url, data={"email": email, "password": password, "csrf_token": csrf_token(form)})


def is_signed_out(client: FlaskClient) -> bool:
    """A members-only page sends the client to the login form."""
    response = client.get("/inbox")
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"
        return True
    assert response.status_code == 200
    return False


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE, domain=HOST)
    assert cookie is not None
    return cookie.value


# --- public pages -----------------------------------------------------------------------
def test_index_shows_the_real_registry(client: FlaskClient, session: Session, seeded: list[Entity]) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = text(response)
    members = sum(e.kind == "member" for e in seeded)
    partners = sum(e.kind == "partner" for e in seeded)
    wg = sum(e.working_group for e in seeded)
    assert (members, partners, wg) == (28, 3, 10)
    for n in (members, partners, wg):
        assert f'<p class="stat">{n}</p>' in page
    unodc = next(e for e in seeded if e.acronym == "UNODC")
    assert f">{unodc.name}</bdi> (UNODC)" in page
    assert "/entities/UNODC" in parse(response).links


def test_index_on_an_empty_registry_still_renders(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert '<p class="stat">0</p>' in response.get_data(as_text=True)


def test_entities_page_lists_all_31(client: FlaskClient, seeded: list[Entity]) -> None:
    response = client.get("/entities")
    assert response.status_code == 200
    assert entity_links(response) == [e.acronym for e in seeded]
    page = text(response)
    assert "31 entities" in page
    for entity in seeded:
        assert entity.name in page


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("kind=partner", lambda e: e.kind == "partner"),
        ("kind=member", lambda e: e.kind == "member"),
        ("category=special_procedure", lambda e: e.category == "special_procedure"),
        ("working_group=true", lambda e: e.working_group),
        ("kind=member&working_group=false", lambda e: e.kind == "member" and not e.working_group),
        ("category=un_secretariat&working_group=true", lambda e: e.category == "un_secretariat" and e.working_group),
    ],
)
def test_entities_page_filters(
    client: FlaskClient, seeded: list[Entity], query: str, wanted: Callable[[Entity], bool]
) -> None:
    response = client.get(f"/entities?{query}")
    assert response.status_code == 200
    expected = [e.acronym for e in seeded if wanted(e)]
    assert expected
    assert entity_links(response) == expected
    assert f"{len(expected)} entit" in text(response)


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("kind=member&category=&working_group=", lambda e: e.kind == "member"),
        ("kind=&category=&working_group=", lambda e: True),
        ("kind=&category=srsg_office&working_group=", lambda e: e.category == "srsg_office"),
    ],
)
def test_entities_filter_form_with_all_left_on_all(
    client: FlaskClient, seeded: list[Entity], query: str, wanted: Callable[[Entity], bool]
) -> None:
    """The page's own filter form submits every select; "All" is the empty value."""
    form = client.get("/entities")
    selects = form.get_data(as_text=True)
    assert '<option value="">' in selects  # "All" is sent as an empty value
    response = client.get(f"/entities?{query}")
    assert response.status_code == 200, "submitting the filter form with 'All' selected must work"
    assert entity_links(response) == [e.acronym for e in seeded if wanted(e)]


def test_entities_page_refuses_an_unknown_kind(client: FlaskClient, seeded) -> None:
    response = client.get("/entities?kind=observer")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "kind" in response.get_data(as_text=True)


def test_entity_page_shows_the_record(client: FlaskClient, seeded: list[Entity]) -> None:
    response = client.get("/entities/UNODC")
    assert response.status_code == 200
    unodc = next(e for e in seeded if e.acronym == "UNODC")
    page = text(response)
    assert f">{unodc.name}</bdi> (UNODC)" in page
    assert "ICAT coordinator" in page
    assert str(unodc.joined_year) in page
    assert unodc.sources and all(s["source"] in page for s in unodc.sources)
    for lang, name in unodc.names.items():
        assert f'<bdi lang="{lang}">{html.escape(name, quote=False)}</bdi>' in response.get_data(as_text=True)


def test_unknown_entity_page_is_404(client: FlaskClient, seeded) -> None:
    response = client.get("/entities/NOPE")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "NOPE" in response.get_data(as_text=True)


def test_focal_points_are_shown_only_when_signed_in(client: FlaskClient, seeded, make_user) -> None:
    make_user("focal_point", "UNODC", email="fp.unodc@icat.example", display_name="Ana Focal")
    make_user("focal_point", "ILO", email="fp.ilo@icat.example", display_name="Ivo Other")
    make_user("viewer", email="reader@icat.example")

    anonymous = client.get("/entities/UNODC")
    assert anonymous.status_code == 200
    assert "fp.unodc@icat.example" not in text(anonymous) and "Ana Focal" not in text(anonymous)
    assert "to see the focal points" in text(anonymous)
    assert "/login?next=/entities/UNODC" in parse(anonymous).links

    assert login(client, "reader@icat.example").status_code == 302
    signed_in = client.get("/entities/UNODC")
    assert signed_in.status_code == 200
    page = text(signed_in)
    assert "Ana Focal" in page and "mailto:fp.unodc@icat.example" in page
    assert "fp.ilo@icat.example" not in page and "Ivo Other" not in page
    assert "to see the focal points" not in page


# --- signing in -------------------------------------------------------------------------
def test_login_post_without_csrf_token_is_refused(client: FlaskClient, session: Session, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    client.get("/login")  # a session exists, only the token is missing
    response = client.post("/login", data={"email": "reader@icat.example", "password": PASSWORD})
    assert response.status_code == 400 and response.mimetype == "text/html"
    response = client.post(
        "/login", data={"email": "reader@icat.example", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert count(session, LoginSession) == 0
    assert count(session, LoginAttempt) == 0
    assert is_signed_out(client)


def test_good_login_redirects_and_shows_the_user(client: FlaskClient, session: Session, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    response = login(client, "Reader@ICAT.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert count(session, LoginSession) == 1
    [set_cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}=")]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie

    home = client.get("/")
    assert home.status_code == 200
    assert "Sign out <bdi>reader@icat.example</bdi>" in text(home)
    assert not is_signed_out(client)


def test_login_follows_a_same_site_next(client: FlaskClient, seeded, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    response = login(client, "reader@icat.example", next_="/entities/UNODC")
    assert response.status_code == 302 and response.headers["Location"] == "/entities/UNODC"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/inbox",
        "https://evil.example",
        "https://evil.example/login",
        "http:evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_refuses_off_site_redirects(client: FlaskClient, make_user, target: str) -> None:
    make_user("viewer", email="reader@icat.example")
    response = login(client, "reader@icat.example", next_=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    resolved = urlsplit(urljoin(f"http://{HOST}/login", location))
    assert resolved.netloc == HOST and resolved.scheme == "http"
    assert "evil.example" not in location or location.startswith("/%5C")
    assert not location.startswith("//") and "\\" not in location
    if target.startswith(("//", "https:", "http:", "javascript:")):
        assert location == "/"


def test_wrong_password_shows_a_401_page_and_records_the_failure(
    client: FlaskClient, session: Session, make_user
) -> None:
    make_user("viewer", email="reader@icat.example")
    response = login(client, "reader@icat.example", password="wrong password, long enough")
    assert response.status_code == 401 and response.mimetype == "text/html"
    assert "Email or password is wrong." in text(response)
    unknown = login(client, "nobody@icat.example")
    assert unknown.status_code == 401
    assert "Email or password is wrong." in text(unknown)
    assert count(session, LoginAttempt) == 2
    assert count(session, LoginSession) == 0
    assert is_signed_out(client)


def test_four_failures_do_not_lock_the_account(client: FlaskClient, session: Session, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    for _ in range(4):
        assert login(client, "reader@icat.example", password="not the password").status_code == 401
    assert login(client, "reader@icat.example").status_code == 302
    assert count(session, LoginAttempt, LoginAttempt.email == "reader@icat.example") == 0  # cleared on success
    assert count(session, LoginSession) == 1


@pytest.fixture
def second_app(database_url: str, app: Flask) -> Iterator[Flask]:
    """Another web process on the same database (no SERVER_NAME: it answers on localhost)."""
    other = create_app({"TESTING": True, "DATABASE_URL": database_url})
    assert other is not app
    yield other
    with other.app_context():
        db.engine.dispose()


def test_throttling_holds_across_two_app_instances(
    client: FlaskClient, second_app: Flask, session: Session, make_user
) -> None:
    make_user("viewer", email="reader@icat.example")
    other = second_app.test_client()
    clients = [client, other]
    for attempt in range(5):
        response = login(clients[attempt % 2], "reader@icat.example", password=f"wrong password {attempt}")
        assert response.status_code == 401, f"attempt {attempt + 1}"
    assert count(session, LoginAttempt) == 5

    # the 6th attempt, with the right password, on the instance that saw only two failures
    sixth = login(other, "reader@icat.example")
    assert sixth.status_code == 429
    assert "Too many failed attempts" in text(sixth)
    seventh = login(client, "reader@icat.example")
    assert seventh.status_code == 429
    assert count(session, LoginSession) == 0
    assert is_signed_out(client) and is_signed_out(other)

    # the database rows are the whole state: once they are gone, either instance lets the user in
    session.execute(sa.delete(LoginAttempt))
    session.commit()
    assert login(other, "reader@icat.example").status_code == 302
    assert count(session, LoginSession) == 1


def test_failures_stored_by_another_host_throttle_a_fresh_instance(
    second_app: Flask, session: Session, make_user
) -> None:
    """Rows written by any process count; only those inside the window do."""
    make_user("viewer", email="reader@icat.example")
    now = clock.now()
    expired = now - timedelta(seconds=second_app.config["LOGIN_WINDOW_SECONDS"] + 60)
    session.add_all([LoginAttempt(email="reader@icat.example", ip="10.0.0.9", at=expired) for _ in range(5)])
    session.commit()
    assert login(second_app.test_client(), "reader@icat.example").status_code == 302, "old failures expire"

    session.add_all([LoginAttempt(email="reader@icat.example", ip="10.0.0.9", at=now) for _ in range(5)])
    session.commit()
    assert login(second_app.test_client(), "reader@icat.example").status_code == 429
    assert count(session, LoginSession) == 1


def test_throttling_is_per_email(client: FlaskClient, second_app: Flask, session: Session, make_user) -> None:
    make_user("viewer", email="target@icat.example")
    make_user("viewer", email="bystander@icat.example")
    for _ in range(5):
        assert login(client, "target@icat.example", password="guessing away").status_code == 401
    assert login(client, "target@icat.example").status_code == 429
    assert login(second_app.test_client(), "bystander@icat.example").status_code == 302
    assert count(session, LoginSession) == 1


# --- signing out ------------------------------------------------------------------------
def test_logout_makes_a_copied_session_cookie_useless(
    app: Flask, client: FlaskClient, session: Session, make_user
) -> None:
    make_user("viewer", email="reader@icat.example")
    assert login(client, "reader@icat.example").status_code == 302
    copied = session_cookie(client)

    thief = app.test_client()
    thief.set_cookie(COOKIE, copied, domain=HOST)
    assert thief.get("/inbox").status_code == 200, "the copy works while the login lasts"

    page = client.get("/")
    response = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert count(session, LoginSession) == 0
    assert is_signed_out(client)

    thief = app.test_client()
    thief.set_cookie(COOKIE, copied, domain=HOST)
    stolen = thief.get("/inbox")
    assert stolen.status_code == 302
    assert urlsplit(stolen.headers["Location"]).path == "/login"


def test_login_session_expires_on_the_server(client: FlaskClient, app: Flask, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    assert login(client, "reader@icat.example").status_code == 302
    hours = app.config["LOGIN_SESSION_HOURS"]
    with clock.frozen(clock.now() + timedelta(hours=hours, seconds=-60)):
        assert not is_signed_out(client)
    with clock.frozen(clock.now() + timedelta(hours=hours, seconds=1)):
        assert is_signed_out(client)


def test_logout_needs_post_and_csrf(client: FlaskClient, session: Session, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    assert login(client, "reader@icat.example").status_code == 302
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert count(session, LoginSession) == 1
    assert not is_signed_out(client)


# --- members-only pages -----------------------------------------------------------------
def test_activity_page_is_for_the_secretariat(client: FlaskClient, app: Flask, seeded, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    make_user("secretariat", email="sec@icat.example")

    anonymous = client.get("/activity")
    assert anonymous.status_code == 302 and urlsplit(anonymous.headers["Location"]).path == "/login"

    assert login(client, "reader@icat.example").status_code == 302
    refused = client.get("/activity")
    assert refused.status_code == 403 and refused.mimetype == "text/html"
    assert "Entity added" not in text(refused)
    assert "/activity" not in parse(client.get("/")).links

    secretariat = app.test_client()
    assert login(secretariat, "sec@icat.example").status_code == 302
    page = secretariat.get("/activity")
    assert page.status_code == 200
    body = text(page)
    assert body.count("Entity added") == 31
    assert body.count("User created") == 2
    assert 'href="/entities/UNODC">UNODC</a>' in body and 'href="/entities/CoE">CoE</a>' in body  # linked subjects
    assert "/activity" in parse(secretariat.get("/")).links


def test_activity_page_lists_the_newest_first(client: FlaskClient, session: Session, seeded, make_user, bearer) -> None:
    make_user("secretariat", email="sec@icat.example")
    headers = bearer("secretariat")
    changed = client.patch("/api/v1/entities/ILO", json={"notes": "changed", "version": 1}, headers=headers)
    assert changed.status_code == 200
    assert login(client, "sec@icat.example").status_code == 302
    body = text(client.get("/activity"))
    newest = session.scalar(sa.select(OutboxEvent).order_by(OutboxEvent.id.desc()))
    assert newest.type == "EntityUpdated"
    assert body.index("Entity changed") < body.index("Entity added")
    assert 'href="/entities/ILO">ILO</a>' in body and "notes" in body


# --- headers and cookies ----------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/entities", "/entities/UNODC", "/login", "/entities/NOPE", "/api/v1/entities"])
def test_responses_carry_security_headers(client: FlaskClient, seeded, path: str) -> None:
    response = client.get(path)
    assert response.status_code in {200, 404}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, make_user) -> None:
    make_user("viewer", email="reader@icat.example")
    form = client.get("/login")
    cookies = [c for c in form.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}=")]
    assert cookies, "the login form stores its CSRF secret in the session"
    signed_in = client.post(
        "/login", data={"email": "reader@icat.example", "password": PASSWORD, "csrf_token": csrf_token(form)}
    )
    assert signed_in.status_code == 302
    cookies += [c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}=")]
    assert len(cookies) == 2
    for cookie in cookies:
        attributes = [part.strip() for part in cookie.split(";")]
        assert "HttpOnly" in attributes and "SameSite=Lax" in attributes
    stored = client.get_cookie(COOKIE, domain=HOST)
    assert stored is not None and stored.http_only and stored.same_site == "Lax"


def test_login_creates_a_user_session_row_tied_to_the_user(client: FlaskClient, session: Session, make_user) -> None:
    user: User = make_user("secretariat", email="sec@icat.example")
    assert login(client, "sec@icat.example").status_code == 302
    row = session.scalar(sa.select(LoginSession))
    assert row is not None and row.user_id == user.id
    # the cookie carries a random key, not the user id, and the database keeps only its hash
    assert str(user.id) != row.key_hash and len(row.key_hash) == 64
    assert row.key_hash not in session_cookie(client)
