"""Blueprints: pages and API routes only. Each is listed here explicitly."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from icat.blueprints.api import bp as api_bp
    from icat.blueprints.health import bp as health_bp
    from icat.blueprints.meeting_pages import bp as meetings_bp
    from icat.blueprints.meeting_record_pages import bp as meeting_records_bp
    from icat.blueprints.pages import bp as pages_bp
    from icat.blueprints.reminder_pages import bp as reminders_bp
    from icat.blueprints.rotation import bp as rotation_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(meeting_records_bp)
    app.register_blueprint(rotation_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(api_bp)
    register_calendar_blueprints(app)


def register_calendar_blueprints(app: Flask) -> None:
    """Feeds, feed-token pages and observance pages (issue 4, part B)."""
    from icat.blueprints.calendar import bp as calendar_bp
    from icat.blueprints.feed_tokens import bp as feed_tokens_bp
    from icat.blueprints.observance_pages import bp as observances_bp

    app.register_blueprint(calendar_bp)
    app.register_blueprint(feed_tokens_bp)
    app.register_blueprint(observances_bp)
