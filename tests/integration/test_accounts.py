"""Accounts: user rules, hashed secrets, throttled logins, revocable tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import LoginAttempt, LoginSession, Token, User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.core.errors import Conflict, Forbidden, NotFound, ValidationError
from icat.core.outbox import OutboxEvent
from tests.conftest import PASSWORD, count

LIMITS = accounts.LoginLimits(max_failures=5, window_seconds=900, session_hours=12)
T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"role": "emperor"}, "role"),
        ({"role": "focal_point"}, "entity"),
        ({"role": "focal_point", "entity_acronym": "NOPE"}, "entity"),
    ],
)
def test_invalid_users_are_refused_naming_the_field(session: Session, fields: dict, bad: str) -> None:
    args = {"email": "a@icat.example", "password": PASSWORD, "role": "viewer"} | fields
    with pytest.raises(ValidationError) as err:
        accounts.create_user(session, actor=SYSTEM, **args)
    assert bad in err.value.fields
    session.rollback()
    assert count(session, User) == 0 and count(session, OutboxEvent) == 0


def test_email_is_unique_case_insensitively(session: Session, make_user) -> None:
    make_user(email="Focal@ICAT.example")
    with pytest.raises(Conflict):
        accounts.create_user(session, actor=SYSTEM, email="focal@icat.example", password=PASSWORD, role="viewer")


def test_only_admins_create_users(session: Session, make_user) -> None:
    sec = accounts.actor_for(make_user("secretariat"))
    with pytest.raises(Forbidden):
        accounts.create_user(session, actor=sec, email="x@icat.example", password=PASSWORD, role="admin")


def test_passwords_and_session_keys_are_stored_only_as_hashes(session: Session, make_user) -> None:
    user = make_user(email="h@icat.example")
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("$argon2id$")
    outcome = accounts.log_in(session, email="h@icat.example", password=PASSWORD, ip="1.2.3.4", limits=LIMITS)
    session.commit()
    stored = session.scalar(sa.select(LoginSession.key_hash))
    assert outcome.key and stored == accounts.hash_secret(outcome.key) and outcome.key not in stored


def test_logout_ends_the_login_session(session: Session, make_user) -> None:
    make_user(email="l@icat.example")
    outcome = accounts.log_in(session, email="l@icat.example", password=PASSWORD, ip="ip", limits=LIMITS)
    session.commit()
    assert accounts.user_for_session_key(session, outcome.key).email == "l@icat.example"
    accounts.log_out(session, key=outcome.key)
    session.commit()
    assert accounts.user_for_session_key(session, outcome.key) is None


def test_login_sessions_expire(session: Session, make_user) -> None:
    make_user(email="e@icat.example")
    with clock.frozen(T0):
        key = accounts.log_in(session, email="e@icat.example", password=PASSWORD, ip="ip", limits=LIMITS).key
        session.commit()
    with clock.frozen(T0 + timedelta(hours=12, seconds=1)):
        assert accounts.user_for_session_key(session, key) is None


def test_failures_are_throttled_per_email_and_the_window_slides(session: Session, make_user) -> None:
    make_user(email="t@icat.example")
    for minute in range(5):
        with clock.frozen(T0 + timedelta(minutes=minute)):
            assert (
                accounts.log_in(session, email="t@icat.example", password="wrong", ip="ip", limits=LIMITS).user is None
            )
            session.commit()
    with clock.frozen(T0 + timedelta(minutes=5)):
        blocked = accounts.log_in(session, email="t@icat.example", password=PASSWORD, ip="ip", limits=LIMITS)
    assert blocked.user is None and blocked.retry_after == 600  # the first failure leaves at 08:15
    with clock.frozen(T0 + timedelta(minutes=15, seconds=1)):
        allowed = accounts.log_in(session, email="t@icat.example", password=PASSWORD, ip="ip", limits=LIMITS)
    assert allowed.user is not None
    session.commit()
    assert count(session, LoginAttempt) == 0  # a success clears the failures


def test_tokens_are_hashed_revocable_and_scoped_by_kind(session: Session, make_user) -> None:
    user = make_user()
    actor = accounts.actor_for(user)
    token, raw = accounts.create_token(session, actor=actor, user=user, kind="api", name="laptop")
    session.commit()
    assert token.token_hash == accounts.hash_secret(raw) and raw not in token.token_hash
    assert accounts.user_for_token(session, raw, kind="api").id == user.id
    assert accounts.user_for_token(session, raw, kind="feed") is None
    assert accounts.user_for_token(session, raw + "x", kind="api") is None
    accounts.revoke_token(session, actor=actor, token_id=token.id)
    session.commit()
    assert accounts.user_for_token(session, raw, kind="api") is None
    assert [e.type for e in session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id))][-2:] == [
        "TokenCreated",
        "TokenRevoked",
    ]
    assert raw not in str([e.payload for e in session.scalars(sa.select(OutboxEvent))])


def test_nobody_revokes_another_persons_token(session: Session, make_user) -> None:
    owner, other = make_user(), make_user()
    token, _raw = accounts.create_token(session, actor=accounts.actor_for(owner), user=owner, kind="api", name="x")
    session.commit()
    with pytest.raises(NotFound):
        accounts.revoke_token(session, actor=accounts.actor_for(other), token_id=token.id)
    session.rollback()
    assert session.get(Token, token.id).revoked_at is None
