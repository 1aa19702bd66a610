"""Sign in with the organisation's account, end to end against a real OpenID provider on
loopback (tests/support/oidc_provider.py, Authlib's server classes): authorization code with
PKCE, RS256 ID tokens checked against the provider's JWKS, for invited or existing people
only. The browser's hop to the provider and back is made by hand with ``requests``."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from sqlalchemy.orm import Session

from icat import create_app
from icat.accounts import admin
from icat.accounts.models import AccountLink, LoginSession, User
from icat.core.actor import SYSTEM
from icat.extensions import db
from tests.conftest import count
from tests.support.oidc_provider import Person, Provider, running_provider

CALLBACK = "http://icat.test/login/oidc/agency/callback"


@pytest.fixture
def provider(free_port: int) -> Iterator[Provider]:
    with running_provider(free_port, client_id="icat", client_secret="s3cret-" * 4, redirect_uri=CALLBACK) as p:
        yield p


@pytest.fixture
def oidc_client(app: Flask, database_url: str, provider: Provider) -> Iterator[FlaskClient]:
    """The application configured with the provider (the ``app`` fixture cleans the tables)."""
    settings = {
        "name": "agency",
        "issuer": provider.issuer,
        "client_id": "icat",
        "client_secret": "s3cret-" * 4,
        "domains": ["ilo.example"],
    }
    configured = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SERVER_NAME": "icat.test",
            "BASE_URL": "http://icat.test",
            "OIDC_PROVIDERS": [settings],
        }
    )
    yield configured.test_client()
    with configured.app_context():
        db.engine.dispose()  # its own engine: no connection may outlive the test


def sign_in(client: FlaskClient, provider: Provider, person: Person) -> tuple[int, str]:
    """Start on the workspace, let the provider approve for ``person``, come back."""
    provider.person = person
    start = client.get("/login/oidc/agency")
    assert start.status_code == 302 and start.headers["Location"].startswith(f"{provider.issuer}/authorize?")
    assert "code_challenge_method=S256" in start.headers["Location"]
    approved = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    done = client.get(f"{back.path}?{back.query}")
    return done.status_code, done.headers.get("Location", "") or done.get_data(as_text=True)


def test_an_invited_person_signs_in_through_their_organisation(
    oidc_client: FlaskClient, session: Session, provider: Provider, make_entity
) -> None:
    make_entity(acronym="ILO")
    user = admin.invite(session, actor=SYSTEM, email="ana@ilo.example", role="focal_point", entity="ILO", secret="k")
    session.commit()
    invitation = session.query(AccountLink).filter_by(user_id=user.id).one()
    assert "Sign in with agency" in oidc_client.get("/login").get_data(as_text=True)
    status, where = sign_in(oidc_client, provider, Person("Ana@ILO.example"))
    assert status == 302 and where.endswith("/account"), where
    assert oidc_client.get("/account").status_code == 200
    assert "code_verifier" in provider.token_requests[0]  # PKCE: the verifier went with the code
    session.expire_all()
    assert session.get(User, user.id).state == "active"
    assert session.get(AccountLink, invitation.id).closed_at is not None  # the invitation is used up
    assert count(session, LoginSession, LoginSession.user_id == user.id) == 1


@pytest.mark.parametrize(
    ("person", "message"),
    [
        (Person("bob@ilo.example"), "Ask the ICAT secretariat for an invitation"),
        (Person("known@ilo.example", verified=False), "has not verified"),
        (Person("other@unodc.example"), "does not serve addresses of unodc.example"),
    ],
)
def test_no_account_is_made_for_anyone_else(
    oidc_client: FlaskClient, session: Session, provider: Provider, make_user, person: Person, message: str
) -> None:
    make_user("viewer", email="known@ilo.example")
    make_user("viewer", email="other@unodc.example")
    before = count(session, User)
    status, body = sign_in(oidc_client, provider, person)
    assert status == 403 and message in body.replace("&#39;", "'")
    assert count(session, User) == before and count(session, LoginSession) == 0
    assert oidc_client.get("/account").status_code == 302


def test_a_deactivated_person_cannot_sign_in(oidc_client: FlaskClient, session: Session, provider, make_user) -> None:
    user = make_user("viewer", email="gone@ilo.example")
    user.is_active = False
    session.commit()
    status, _ = sign_in(oidc_client, provider, Person("gone@ilo.example"))
    assert status == 403 and count(session, LoginSession) == 0


def test_an_id_token_signed_with_another_key_is_refused(
    oidc_client: FlaskClient, session: Session, provider: Provider, make_user
) -> None:
    make_user("viewer", email="known@ilo.example")
    provider.forged_key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
    status, _ = sign_in(oidc_client, provider, Person("known@ilo.example"))
    assert status == 502 and count(session, LoginSession) == 0


def test_a_callback_without_the_flow_is_refused(oidc_client: FlaskClient, session: Session, provider) -> None:
    response = oidc_client.get("/login/oidc/agency/callback?code=made-up&state=made-up")
    assert response.status_code == 502 and count(session, LoginSession) == 0
    assert oidc_client.get("/login/oidc/nobody").status_code == 404
