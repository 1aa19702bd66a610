"""Forgotten and changed passwords: the same answer whatever the address, one-hour single-use
links through the deliveries, throttling in the database, other sessions ended."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts.models import AccountLink, LoginAttempt, LoginSession, User
from icat.core import clock
from tests.conftest import PASSWORD, count
from tests.e2e.test_invitation_journey import link_in, tick
from tests.e2e.test_pages_auth import login
from tests.support.html_forms import form_fields

T0 = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)
NEW = "seventeen quiet harbours"


@pytest.fixture
def mailing_app(app: Flask, smtp) -> Flask:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    return app


def ask(client: FlaskClient, email: str, ip: str = "10.0.0.1") -> tuple[int, str]:
    page = client.get("/password/forgot")
    response = client.post(
        "/password/forgot", data=form_fields(page) | {"email": email}, environ_base={"REMOTE_ADDR": ip}
    )
    return response.status_code, html.unescape(response.get_data(as_text=True))


def answer(page: str) -> str:
    return page.split("<main", 1)[1].split("<form", 1)[0]


def test_the_sign_in_page_offers_it(client: FlaskClient) -> None:
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_same_answer_for_an_unknown_address_and_one_mail_for_a_known_one(
    client: FlaskClient, session: Session, mailing_app: Flask, smtp, make_user
) -> None:
    user = make_user("viewer", email="known@icat.example")
    with clock.frozen(T0):
        known = ask(client, "known@icat.example")
        unknown = ask(client, "nobody@icat.example")
    assert known[0] == unknown[0] == 200
    assert answer(known[1]) == answer(unknown[1]) and "If an account uses this address" in known[1]
    tick(mailing_app, T0)
    assert [m["To"] for m in smtp.messages] == ["known@icat.example"]
    assert count(session, AccountLink, AccountLink.user_id == user.id, AccountLink.purpose == "reset") == 1

    other = FlaskClient(client.application, use_cookies=True)
    with clock.frozen(T0 + timedelta(minutes=1)):
        login(other, "known@icat.example")
        assert other.get("/account").status_code == 200
        path = link_in(smtp.messages[0], "/password/reset/")
        done = client.post(path, data=form_fields(client.get(path)) | {"password": NEW})
        assert done.status_code == 302 and done.headers["Location"].endswith("/login")
        assert other.get("/account").status_code == 302  # every other session ended
        assert client.get(path).status_code == 410  # used
    assert count(session, LoginSession, LoginSession.user_id == user.id) == 0
    with clock.frozen(T0 + timedelta(minutes=2)):
        assert login(client, "known@icat.example", NEW).status_code == 302
        assert login(FlaskClient(client.application), "known@icat.example", PASSWORD).status_code == 401


def test_a_reset_link_lasts_one_hour(
    client: FlaskClient, session: Session, mailing_app: Flask, smtp, make_user
) -> None:
    user = make_user("viewer", email="slow@icat.example")
    with clock.frozen(T0):
        ask(client, "slow@icat.example")
    tick(mailing_app, T0)
    path = link_in(smtp.messages[0], "/password/reset/")
    with clock.frozen(T0 + timedelta(hours=1, seconds=1)):
        late = client.post(path, data=form_fields(client.get("/password/forgot")) | {"password": NEW})
    assert late.status_code == 410 and "expired" in html.unescape(late.get_data(as_text=True))
    session.expire_all()
    assert session.get(User, user.id).password_hash.startswith("$argon2id$")
    with clock.frozen(T0 + timedelta(hours=2)):
        assert login(client, "slow@icat.example", PASSWORD).status_code == 302  # the old password still works


def test_requests_are_throttled_per_address_and_per_client(client: FlaskClient, session: Session, make_user) -> None:
    make_user("viewer", email="target@icat.example")
    with clock.frozen(T0):
        statuses = [ask(client, "target@icat.example", ip=f"10.0.1.{n}")[0] for n in range(6)]
        unknown = [ask(client, "ghost@icat.example", ip=f"10.0.2.{n}")[0] for n in range(6)]
    assert statuses == [200] * 5 + [429] and unknown == statuses  # the same answers, known or not
    with clock.frozen(T0):
        from_one_client = [ask(client, f"p{n}@icat.example", ip="10.9.9.9")[0] for n in range(26)]
    assert from_one_client[:25] == [200] * 25 and from_one_client[25] == 429
    assert count(session, AccountLink) == 5  # only the known address got links, five of them
    assert count(session, LoginAttempt, LoginAttempt.purpose == "login") == 0  # sign-ins are not throttled by it
    with clock.frozen(T0 + timedelta(minutes=16)):
        assert ask(client, "target@icat.example", ip="10.0.3.1")[0] == 200  # the window passed


def test_changing_the_password_ends_the_other_sessions(client: FlaskClient, session: Session, make_user) -> None:
    user = make_user("viewer", email="me@icat.example")
    other = FlaskClient(client.application, use_cookies=True)
    login(other, "me@icat.example")
    login(client, "me@icat.example")
    fields = form_fields(client.get("/account"), "/account/password")
    wrong = client.post("/account/password", data=fields | {"current": "not my password", "password": NEW})
    assert wrong.status_code == 422 and "not your password" in html.unescape(wrong.get_data(as_text=True))
    short = client.post("/account/password", data=fields | {"current": PASSWORD, "password": "short"})
    assert short.status_code == 422
    assert count(session, LoginSession, LoginSession.user_id == user.id) == 2
    ok = client.post("/account/password", data=fields | {"current": PASSWORD, "password": NEW})
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200 and other.get("/account").status_code == 302
    session.expire_all()
    stored = session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$") and count(session, LoginSession, LoginSession.user_id == user.id) == 1


def test_a_hostile_address_gets_the_same_answer(client: FlaskClient, session: Session, make_user) -> None:
    make_user("viewer", email="known@icat.example")
    status, page = ask(client, "known@icat.example\x00' OR 1=1 --")
    assert status == 200 and "If an account uses this address" in page
    assert count(session, AccountLink) == 0 and count(session, LoginAttempt, LoginAttempt.purpose == "reset") == 1
