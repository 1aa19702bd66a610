"""ICAT Workspace: the coordination workspace of the Inter-Agency Coordination Group
against Trafficking in Persons."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from icat.config import load_config
from icat.extensions import csrf, db, import_models, migrate
from icat.web import log_redaction


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web application. Starts no scheduler: that is the worker's job alone."""
    app = Flask(__name__, instance_relative_config=True, template_folder="templates")
    load_config(app, config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per tick drowns the log
    log_redaction.install()  # private feed tokens never reach the logs (DESIGN §6)

    import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", _migrations_dir())))
    csrf.init_app(app)

    from icat.blueprints import register_blueprints
    from icat.cli import register_cli
    from icat.web import init_web

    init_web(app)
    register_blueprints(app)
    register_cli(app)
    return app


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")
