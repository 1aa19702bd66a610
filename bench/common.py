"""Databases for benchmarks: a SQLite file, and a fresh PostgreSQL database when one answers."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable

import flask_migrate
import sqlalchemy as sa
from flask import Flask

from icat import create_app

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def sqlite_url() -> str:
    return f"sqlite:///{tempfile.mkdtemp(prefix='icat-bench-')}/bench.sqlite3"


def fresh_postgres() -> tuple[str, Callable[[], None]] | None:
    """A new database on the local server (ICAT_TEST_DATABASE_URL or the default), and its drop."""
    server = os.environ.get("ICAT_TEST_DATABASE_URL", PG_DEFAULT)
    admin = sa.create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    name = f"icat_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return sa.make_url(server).set(database=name).render_as_string(hide_password=False), drop


def databases() -> list[tuple[str, str, Callable[[], None]]]:
    """(label, url, cleanup) for SQLite and, when a server answers, PostgreSQL."""
    found: list[tuple[str, str, Callable[[], None]]] = [("SQLite", sqlite_url(), lambda: None)]
    pg = fresh_postgres()
    if pg:
        found.append(("PostgreSQL", *pg))
    return found


def migrated_app(url: str, **config: object) -> Flask:
    app = create_app({"TESTING": True, "DATABASE_URL": url, **config})
    with app.app_context():
        flask_migrate.upgrade()
    return app
