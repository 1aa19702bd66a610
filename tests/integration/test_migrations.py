"""Migrations: the models match them, and downgrade() really undoes upgrade()."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from icat import create_app
from icat.core.db import Base
from icat.extensions import db
from tests.conftest import BACKENDS, PG_URL, _create_pg_database


def test_models_match_the_migrated_schema(app: Flask, engine: sa.Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def _round_trip(url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert {t.name for t in Base.metadata.sorted_tables} <= set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        _round_trip(f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}")
        return
    assert PG_URL
    url, drop = _create_pg_database(PG_URL)
    try:
        _round_trip(url)
    finally:
        drop()
