"""Declarative base, column types and connection settings shared by every area.

No Flask here: models are plain SQLAlchemy 2.0 classes; ``icat.extensions`` hands this
metadata to Flask-SQLAlchemy and Flask-Migrate.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores instants as UTC and always returns aware UTC datetimes.

    SQLite keeps no offset, so naive values are written as UTC and read back as UTC;
    a naive datetime handed in is a bug and is refused rather than guessed.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(sa.DateTime(timezone=dialect.name == "postgresql"))


JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

# SQLite full-text indexes (FTS5 virtual tables, kept by triggers in their migration) are not
# models: autogenerate and the models-match-migrations test leave them and their shadow tables out.
SEARCH_INDEX_SUFFIX = "_fts"


def is_model_object(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's ``include_name`` hook: False for the full-text index tables."""
    return not (type_ == "table" and name is not None and SEARCH_INDEX_SUFFIX in name)


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and one writer work side by side; foreign keys are off by default."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def upsert_insert(session: Any, table: Any) -> Any:
    """``INSERT`` of the session's dialect, with ``on_conflict_do_nothing``/``_do_update``:
    PostgreSQL and SQLite both have ON CONFLICT; SQLAlchemy spells it per dialect."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(table)
