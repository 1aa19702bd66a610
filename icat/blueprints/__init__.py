"""Blueprints: pages and API routes only, one module per area. Each is listed here explicitly."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from icat.blueprints import (
        account_links,
        accounts,
        action_items,
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
        oidc,
        profile,
        publication_drafts,
        publications,
        registry,
        rotation,
        users_admin,
        workplans,
    )
    from icat.blueprints.api import bp as api_bp

    for module in (
        health,
        home,
        accounts,
        account_links,
        oidc,
        profile,
        registry,
        activity,
        meetings,
        meeting_minutes,
        action_items,
        meeting_sessions,
        meeting_documents,
        rotation,
        notifications,
        calendar,
        feed_tokens,
        observances,
        publication_drafts,
        publications,
        users_admin,
        workplans,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(api_bp)
