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
from icat.core.db import Base, is_model_object
from icat.extensions import db
from tests.conftest import BACKENDS, PG_URL, _create_pg_database


def test_models_match_the_migrated_schema(app: Flask, engine: sa.Engine) -> None:
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": is_model_object}  # FTS5 index tables are no models
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
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


ENTITY_SQL = (
    "INSERT INTO entities (id, acronym, name, names, kind, category, working_group, is_coordinator, sources,"
    " confidence, notes, created_at, updated_at, version) VALUES (:id, :acronym, :acronym, '{}', 'member',"
    " 'un_agency_fund_programme', false, false, '[]', 'high', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
)
MEETING_COLUMNS = (
    "id, title, kind, description, starts_at, ends_at, series_ends_at, timezone, location, online_url, visibility,"
    " status, sequence, cancel_reason, date_precision, note, sources, confidence, created_at, updated_at, version"
)
MEETING_VALUES = (
    ":id, :title, 'working_group', '', '2030-06-03 12:00:00', '2030-06-03 14:00:00', '2030-06-03 14:00:00',"
    " 'Europe/Vienna', '', '', 'members', :status, 0, '', 'minute', '', '[]', 'high', '2026-01-01 00:00:00',"
    " '2026-01-01 00:00:00', 1"
)


def _meeting(conn: sa.Connection, meeting_id: int, status: str, *, proposer: int | None = None) -> None:
    """A meeting with an invitee and an agenda item, written with plain SQL (any revision)."""
    extra = (", proposed_by_entity_id", ", :proposer") if proposer else ("", "")
    conn.execute(
        sa.text(f"INSERT INTO meetings ({MEETING_COLUMNS}{extra[0]}) VALUES ({MEETING_VALUES}{extra[1]})"),
        {"id": meeting_id, "title": f"Meeting {meeting_id}", "status": status, "proposer": proposer},
    )
    conn.execute(sa.text("INSERT INTO meeting_invitees (meeting_id, entity_id) VALUES (:m, 1)"), {"m": meeting_id})
    conn.execute(
        sa.text(
            "INSERT INTO meeting_agenda_items (id, meeting_id, position, title, notes) VALUES (:m, :m, 0, 'x', '')"
        ),
        {"m": meeting_id},
    )


def _rows(engine: sa.Engine, table: str) -> list[int]:
    column = "id" if table == "meetings" else "meeting_id"
    with engine.connect() as conn:
        return list(conn.scalars(sa.text(f"SELECT {column} FROM {table} ORDER BY {column}")))


def _proposals_round_trip(url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        engine = db.engine
        flask_migrate.upgrade(revision="0005_deliveries")
        with engine.begin() as conn:
            conn.execute(sa.text(ENTITY_SQL), {"id": 1, "acronym": "IOM"})
            _meeting(conn, 1, "scheduled")
        flask_migrate.upgrade()  # 0006 rebuilds ``meetings`` on SQLite: the rows pointing at it stay
        assert _rows(engine, "meeting_invitees") == _rows(engine, "meeting_agenda_items") == [1]
        with engine.begin() as conn:
            _meeting(conn, 2, "proposed", proposer=1)
        flask_migrate.downgrade(revision="0005_deliveries")  # proposals go, with what pointed at them
        assert _rows(engine, "meetings") == _rows(engine, "meeting_invitees") == [1]
        assert _rows(engine, "meeting_agenda_items") == [1]
        columns = {c["name"] for c in sa.inspect(engine).get_columns("meetings")}
        assert not {"proposed_by", "proposed_by_entity_id"} & columns
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            _meeting(conn, 3, "proposed")  # the old CHECK is back
        if engine.dialect.name == "sqlite":  # env.py gave the pooled connection its foreign keys back
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        flask_migrate.upgrade()
        with engine.begin() as conn:
            _meeting(conn, 3, "proposed", proposer=1)
        assert _rows(engine, "meetings") == [1, 3]
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_0006_keeps_meetings_children_and_its_downgrade_drops_only_proposals(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        _proposals_round_trip(f"sqlite:///{tmp_path / 'proposals.sqlite3'}")
        return
    assert PG_URL
    url, drop = _create_pg_database(PG_URL)
    try:
        _proposals_round_trip(url)
    finally:
        drop()
