"""The people pages (/admin/users): filters, invitations, edits, deactivation, refusals,
each posted as the page shows the form (CSRF token included), the database read back."""

from __future__ import annotations

import html

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts.models import AccountLink, LoginSession, User
from icat.core.outbox import OutboxEvent
from tests.conftest import PASSWORD, count
from tests.e2e.test_pages_auth import login
from tests.support.html_forms import form_fields


@pytest.fixture
def staff(session: Session, make_entity, make_user) -> dict[str, User]:
    make_entity(acronym="ILO")
    make_entity(acronym="IOM")
    return {
        "admin": make_user("admin", email="admin@icat.example"),
        "sec": make_user("secretariat", email="sec@icat.example"),
        "fp": make_user("focal_point", entity="IOM", email="fp@iom.example"),
    }


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_the_secretariat_invites_a_focal_point_from_the_page(client: FlaskClient, session: Session, staff) -> None:
    login(client, "sec@icat.example")
    fields = form_fields(client.get("/admin/users"), "/admin/users/invite")
    fields |= {"email": "ana@ilo.example", "role": "focal_point", "entity": "ILO", "language": "es"}
    response = client.post("/admin/users/invite", data=fields)
    assert response.status_code == 302
    user = session.query(User).filter_by(email="ana@ilo.example").one()
    assert (user.role, user.entity.acronym, user.locale, user.state) == ("focal_point", "ILO", "es", "invited")
    assert count(session, AccountLink, AccountLink.user_id == user.id) == 1
    text = page(client, "/admin/users?state=invited")
    assert "ana@ilo.example" in text and "fp@iom.example" not in text
    assert "fp@iom.example" in page(client, "/admin/users?entity=IOM")


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"email": "fp@iom.example", "role": "viewer"}, 409, "exists already"),
        ({"role": "focal_point", "entity": ""}, 422, "focal point acts for one entity"),
        ({"role": "viewer", "entity": "NOPE"}, 422, "No entity with acronym"),
        ({"role": "admin"}, 403, "Only an admin"),
    ],
)
def test_bad_invitations_on_the_page(client: FlaskClient, session: Session, staff, changes, status, message) -> None:
    login(client, "sec@icat.example")
    fields = form_fields(client.get("/admin/users"), "/admin/users/invite") | {"email": "x@icat.example"} | changes
    before = count(session, User), count(session, OutboxEvent)
    response = client.post("/admin/users/invite", data=fields)
    assert response.status_code == status
    assert message in html.unescape(response.get_data(as_text=True))
    assert (count(session, User), count(session, OutboxEvent)) == before


def test_an_admin_changes_a_role_and_deactivates_from_the_page(client: FlaskClient, session: Session, staff) -> None:
    fp = staff["fp"]
    other = FlaskClient(client.application, use_cookies=True)
    login(other, "fp@iom.example", PASSWORD)
    assert other.get("/account/feeds").status_code == 200
    login(client, "admin@icat.example")
    url = f"/admin/users/{fp.id}"
    fields = form_fields(client.get(url), url) | {"role": "viewer", "entity": "", "timezone": "Africa/Nairobi"}
    assert client.post(url, data=fields).status_code == 302
    session.expire_all()
    assert (session.get(User, fp.id).role, session.get(User, fp.id).entity_id) == ("viewer", None)
    stale = client.post(url, data=fields)  # the same form again: its version is old now
    assert stale.status_code == 409
    action = form_fields(client.get(url), f"{url}/deactivate")
    assert client.post(f"{url}/deactivate", data=action).status_code == 302
    session.expire_all()
    assert not session.get(User, fp.id).is_active
    assert count(session, LoginSession, LoginSession.user_id == fp.id) == 0
    assert other.get("/account/feeds").status_code == 302  # the live session ended at once


def test_people_pages_are_for_staff_only(client: FlaskClient, staff) -> None:
    assert client.get("/admin/users").status_code == 302  # to sign-in
    login(client, "fp@iom.example")
    assert client.get("/admin/users").status_code == 403
