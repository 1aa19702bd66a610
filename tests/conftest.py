"""Shared fixtures. Every database test runs on a SQLite file and, when
``ICAT_TEST_DATABASE_URL`` is set, on PostgreSQL too: the same tests, not a subset."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from icat import create_app
from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core.actor import SYSTEM
from icat.core.db import Base
from icat.extensions import db
from icat.meetings import services as meetings
from icat.meetings.models import Meeting
from icat.registry import services as registry
from icat.registry.models import Entity
from icat.registry.reference import reference_entities

PG_URL = os.environ.get("ICAT_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
PASSWORD = "correct horse battery staple"

if os.environ.get("CI", "").lower() == "true" and not PG_URL:
    raise pytest.UsageError("CI must run the suite on PostgreSQL: set ICAT_TEST_DATABASE_URL.")


# --- no network off loopback ------------------------------------------------------------
_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in {"127.0.0.1", "::1", "localhost"}:
        raise RuntimeError(f"test tried to reach {host}: only loopback is allowed")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


# --- databases ------------------------------------------------------------------------
def _create_pg_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """A fresh database on the test server, so runs never see each other's rows."""
    name = f"icat_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        server_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database on each backend (migrations are exercised on every run)."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('db') / 'icat.sqlite3'}", (lambda: None)
    else:
        assert PG_URL
        url, drop = _create_pg_database(PG_URL)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    yield url
    drop()


def _empty_all_tables(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application on a clean database. No app context is left pushed, so requests and
    the test's own ``session`` never share an identity map (a missing commit shows)."""
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SERVER_NAME": "icat.test",
            "BASE_URL": "http://icat.test",
        }
    )
    application.instance_path = str(tmp_path / "instance")
    with application.app_context():
        engine = db.engine
    application.extensions["icat_test_engine"] = engine
    yield application
    _empty_all_tables(engine)
    engine.dispose()


@pytest.fixture
def engine(app: Flask) -> sa.Engine:
    return app.extensions["icat_test_engine"]


@pytest.fixture
def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """The test's own session, separate from the requests' sessions."""
    with session_factory() as s:
        yield s


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# --- factories ------------------------------------------------------------------------
@pytest.fixture
def seeded(session: Session) -> list[Entity]:
    """The 31 real entities of the reference data."""
    registry.seed_reference(session, actor=SYSTEM, entities=reference_entities())
    session.commit()
    return list(session.scalars(sa.select(Entity).order_by(Entity.acronym)))


@pytest.fixture
def make_entity(session: Session) -> Callable[..., Entity]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Entity:
        n = next(counter)
        defaults = {
            "acronym": f"ENT{n}",
            "name": f"Entity {n}",
            "kind": "member",
            "category": "un_agency_fund_programme",
        }
        entity = registry.create_entity(session, actor=SYSTEM, **(defaults | fields))
        session.commit()
        return entity

    return make


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: str = "viewer", entity: str | None = None, email: str | None = None, **kw: Any) -> User:
        user = accounts.create_user(
            session,
            actor=SYSTEM,
            email=email or f"{role}{next(counter)}@icat.example",
            password=PASSWORD,
            role=role,
            entity_acronym=entity,
            **kw,
        )
        session.commit()
        return user

    return make


@pytest.fixture
def bearer(session: Session, make_user: Callable[..., User]) -> Callable[..., dict[str, str]]:
    """``bearer("secretariat")`` → Authorization headers of a new user with that role."""

    def make(role: str = "secretariat", entity: str | None = None) -> dict[str, str]:
        user = make_user(role, entity)
        _token, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind="api", name="test")
        session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
def make_meeting(session: Session) -> Callable[..., Meeting]:
    """``make_meeting(title=…, starts_at=…, invitees=[…], …)`` → a meeting scheduled by the
    system: a one-hour members-only working-group meeting in Vienna unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Meeting:
        n = next(counter)
        starts_at = fields.pop("starts_at", datetime(2030, 3, 4, 13, 0, tzinfo=UTC) + timedelta(days=n))
        defaults = {
            "title": f"Meeting {n}",
            "kind": "working_group",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=1),
            "timezone": "Europe/Vienna",
            "visibility": "members",
        }
        meeting = meetings.create_meeting(session, actor=SYSTEM, **(defaults | fields))
        session.commit()
        return meeting

    return make


def count(session: Session, model: type[Base], *where: Any) -> int:
    """Rows of ``model`` matching ``where``, read fresh from the database."""
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(free_port: int) -> Iterator[Any]:
    """A real SMTP server on loopback; ``smtp.port``, ``smtp.messages``, ``smtp.fail_with``."""
    from tests.support.smtp import smtp_sink

    with smtp_sink(free_port) as sink:
        sink.port = free_port
        yield sink


from tests.support.proposals import cast  # noqa: E402,F401  (fixture: who proposes meetings, who decides)
from tests.support.publications import draft, pubcast  # noqa: E402,F401  (fixtures: the publication tests' cast)
from tests.support.statements import statements  # noqa: E402,F401  (fixture: SQL statements run)
from tests.support.workers import start_worker  # noqa: E402,F401  (fixture: real worker processes)
from tests.support.workplans import plan_entities  # noqa: E402,F401  (fixture: the entities of workplan tests)
