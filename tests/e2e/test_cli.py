"""The `flask icat …` commands, run through Click as an operator would."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.registry.models import Entity
from tests.conftest import PASSWORD, count


def test_seed_twice_loads_31_entities_once(runner, session: Session) -> None:
    first = runner.invoke(args=["icat", "seed"])
    second = runner.invoke(args=["icat", "seed"])
    assert first.exit_code == 0 and "31 entities added" in first.output
    assert second.exit_code == 0 and "0 entities added, 31 already present" in second.output
    assert count(session, Entity) == 31


def test_create_user_and_token_then_use_the_token(runner, client: FlaskClient, session: Session) -> None:
    runner.invoke(args=["icat", "seed"])
    made = runner.invoke(
        args=[
            "icat",
            "create-user",
            "--email",
            "fp@icat.example",
            "--password",
            PASSWORD,
            "--role",
            "focal_point",
            "--entity",
            "ILO",
        ]
    )
    assert made.exit_code == 0, made.output
    user = session.scalar(sa.select(User).where(User.email == "fp@icat.example"))
    assert (user.role, user.entity.acronym) == ("focal_point", "ILO")
    issued = runner.invoke(args=["icat", "create-token", "--email", "fp@icat.example"])
    token = issued.output.split()[-1]  # DESIGN §7: the token is the last word
    assert issued.exit_code == 0 and len(token) >= 40
    detail = client.get("/api/v1/entities/ILO", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert detail["focal_points"] == [{"name": "fp@icat.example", "email": "fp@icat.example"}]


def test_create_user_refusals_are_clear_and_write_nothing(runner, session: Session) -> None:
    result = runner.invoke(
        args=["icat", "create-user", "--email", "x@icat.example", "--password", "short", "--role", "focal_point"]
    )
    assert result.exit_code != 0
    assert "password" in result.output and "entity" in result.output
    assert count(session, User) == 0


def test_ensure_admin_creates_one_admin_once(runner, session: Session) -> None:
    first = runner.invoke(args=["icat", "ensure-admin"])
    second = runner.invoke(args=["icat", "ensure-admin"])
    assert "Local admin created: admin@icat.example / " in first.output
    assert "An admin exists already" in second.output
    assert count(session, User, User.role == "admin") == 1


def test_worker_once_relays_pending_events(runner, session: Session) -> None:
    from icat.core.outbox import OutboxEvent

    runner.invoke(args=["icat", "seed"])
    assert count(session, OutboxEvent, OutboxEvent.processed_at.is_(None)) >= 31  # one per entity, and more
    result = runner.invoke(args=["icat", "worker", "--once"])
    assert result.exit_code == 0
    assert count(session, OutboxEvent, OutboxEvent.processed_at.is_(None)) == 0
