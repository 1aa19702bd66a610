"""Alembic environment for Flask-Migrate (Flask-SQLAlchemy 3: one engine, one metadata)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the application's loggers alive: fileConfig would disable them by default.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    """Emit SQL to stdout (``flask db upgrade --sql``) instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # `flask db migrate` with no model change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                _sqlite_check_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)  # the pooled connection goes back to the app


def _sqlite_foreign_keys(connection, *, on):
    """Batch operations rebuild a SQLite table (copy, drop, rename). With foreign keys on,
    dropping the old table would cascade and empty every table pointing at it (rebuilding
    ``meetings`` would delete all invitees, RSVPs, minutes...). The pragma does nothing
    inside a transaction, so it is set here, outside the migrations' transactions."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _sqlite_check_foreign_keys(connection):
    """With enforcement off, a migration could leave dangling references: refuse loudly."""
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    connection.commit()
    if dangling:
        raise RuntimeError(f"Migrations left rows pointing at nothing (table, rowid, parent, fk): {dangling[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
