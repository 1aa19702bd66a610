"""ICAT Workspace: the coordination workspace of the Inter-Agency Coordination Group
against Trafficking in Persons."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response

from icat import log_redaction
from icat.config import load_config
from icat.extensions import csrf, db, import_models, migrate


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

    from icat import auth, i18n
    from icat.blueprints import register_blueprints
    from icat.cli import register_cli
    from icat.http_errors import register_error_handlers

    auth.init_auth(app)
    i18n.init_i18n(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    app.after_request(_security_headers)
    return app


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
    return response
