"""Blueprints: pages and API routes only, one module per area. Each is listed here explicitly."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from icat.blueprints import (
        accounts,
        activity,
        calendar,
        feed_tokens,
        health,
        home,
        meeting_documents,
        meeting_minutes,
        meeting_sessions,
        meetings,
        notifications,
        observances,
        registry,
        rotation,
    )
    from icat.blueprints.api import bp as api_bp

    for module in (
        health,
        home,
        accounts,
        registry,
        activity,
        meetings,
        meeting_minutes,
        meeting_sessions,
        meeting_documents,
        rotation,
        notifications,
        calendar,
        feed_tokens,
        observances,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(api_bp)
