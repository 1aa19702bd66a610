"""Blueprints: pages and API routes only. Each is listed here explicitly."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from icat.blueprints.api import bp as api_bp
    from icat.blueprints.health import bp as health_bp
    from icat.blueprints.pages import bp as pages_bp
    from icat.blueprints.rotation import bp as rotation_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(rotation_bp)
    app.register_blueprint(api_bp)
