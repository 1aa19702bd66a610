"""Passwords per OWASP ASVS 5.0 level 1: length, the shipped common list, argon2id, rehash."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from icat.accounts import passwords
from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core.actor import SYSTEM
from icat.core.errors import ValidationError
from tests.conftest import PASSWORD, count

LIMITS = accounts.LoginLimits()


def test_the_shipped_list_is_real_and_large() -> None:
    common = passwords.common_passwords()
    assert len(common) > 19_000 and {"123456", "password", "qwerty"} <= common


@pytest.mark.parametrize(
    ("password", "why"),
    [("short pass", "at least 12"), ("Q1w2e3r4t5y6", "common passwords"), ("qwerty123456", "common passwords")],
)
def test_weak_passwords_are_refused_naming_the_field(session: Session, password: str, why: str) -> None:
    assert password.lower() in passwords.common_passwords() or len(password) < 12
    with pytest.raises(ValidationError) as caught:
        accounts.create_user(session, actor=SYSTEM, email="w@icat.example", password=password, role="viewer")
    assert why in str(caught.value.fields["password"][0])
    session.rollback()
    assert count(session, User) == 0


def test_no_composition_rules_a_long_lowercase_phrase_is_fine(session: Session) -> None:
    user = accounts.create_user(
        session, actor=SYSTEM, email="p@icat.example", password="walnut river lantern", role="viewer"
    )
    assert user.password_hash.startswith("$argon2id$")


def test_an_old_hash_is_upgraded_to_argon2id_at_the_next_sign_in(session: Session, make_user) -> None:
    user = make_user(email="old@icat.example")
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    session.commit()
    wrong = accounts.log_in(session, email="old@icat.example", password="not the password", ip="1.1.1.1", limits=LIMITS)
    session.commit()
    assert wrong.user is None
    assert session.scalar(sa.select(User.password_hash).where(User.id == user.id)).startswith("pbkdf2:")
    outcome = accounts.log_in(session, email="old@icat.example", password=PASSWORD, ip="1.1.1.1", limits=LIMITS)
    session.commit()
    session.expire_all()
    stored = session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert outcome.user is not None and stored.startswith("$argon2id$")
    assert passwords.verify(stored, PASSWORD) == (True, False)


def test_argon2_hashes_with_weaker_parameters_are_remade(session: Session, make_user) -> None:
    from argon2 import PasswordHasher

    user = make_user(email="weak@icat.example")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    session.commit()
    accounts.log_in(session, email="weak@icat.example", password=PASSWORD, ip="1.1.1.1", limits=LIMITS)
    session.commit()
    session.expire_all()
    stored = session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert "m=65536,t=3,p=4" in stored


def test_an_invited_account_without_a_password_never_signs_in(session: Session, make_user) -> None:
    user = make_user(email="inv@icat.example")
    user.password_hash = ""
    session.commit()
    outcome = accounts.log_in(session, email="inv@icat.example", password="", ip="1.1.1.1", limits=LIMITS)
    assert outcome.user is None
