"""Configuration: defaults, then ``ICAT_*`` environment variables, then explicit overrides.

This module is the only place that reads the environment (DESIGN §8).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


class Config:
    """Defaults. Every key can be set from the environment as ``ICAT_<KEY>``."""

    TESTING = False
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None → SQLite file in instance/
    BASE_URL = "http://127.0.0.1:5000"
    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_TLS = False
    MAIL_FROM = "ICAT Workspace <no-reply@icat.invalid>"
    ORGANIZER_EMAIL: str | None = None  # ORGANIZER of invitations and cancellations; None → MAIL_FROM
    WORKER_POLL_SECONDS = 5
    DELIVERY_LEASE_SECONDS = 120
    DELIVERY_MAX_ATTEMPTS = 5
    DELIVERY_BACKOFF_SECONDS = 60  # doubled after each failed try: 1, 2, 4, 8 minutes
    OUTBOX_LEASE_SECONDS = 60
    OUTBOX_BATCH_SIZE = 50
    OUTBOX_MAX_ATTEMPTS = 10
    LOGIN_MAX_FAILURES = 5
    LOGIN_WINDOW_SECONDS = 900
    LOGIN_SESSION_HOURS = 12
    # Organisations' OpenID Connect providers: a JSON list of {name, issuer, client_id,
    # client_secret, domains} (icat.web.sign_in). Empty: password sign-in only.
    OIDC_PROVIDERS = "[]"
    PREFERENCE_COOKIE = "icat_place"  # an anonymous visitor's language and zone
    PAGE_SIZE_DEFAULT = 50
    PAGE_SIZE_MAX = 200
    # Flask / extension settings derived below, listed here for documentation.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE: bool | None = None  # None → secure exactly when BASE_URL is https
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "icat_session"
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    DOCUMENT_MAX_BYTES = 10 * 1024 * 1024  # meeting documents (PDF, DOCX, ODT); below MAX_CONTENT_LENGTH
    JSON_SORT_KEYS = False


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config``: defaults → ``ICAT_*`` environment → ``overrides``.

    Raises RuntimeError when a production run has no secret key: a guessable key
    would let anyone forge session cookies.
    """
    app.config.from_object(Config)
    app.config.from_prefixed_env("ICAT")
    if overrides:
        app.config.update(overrides)
    cfg = app.config
    if not cfg.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        cfg["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'icat.sqlite3'}"
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(cfg["DATABASE_URL"])
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(cfg["SQLALCHEMY_DATABASE_URI"])
    if not cfg.get("SECRET_KEY"):
        if not cfg.get("TESTING"):
            raise RuntimeError(
                "ICAT_SECRET_KEY is not set. Set it to a long random string "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        cfg["SECRET_KEY"] = "testing-only-secret-key"  # noqa: S105 (tests only, refused otherwise)
    if cfg["SESSION_COOKIE_SECURE"] is None:
        cfg["SESSION_COOKIE_SECURE"] = str(cfg["BASE_URL"]).startswith("https://")
    cfg["PERMANENT_SESSION_LIFETIME"] = int(cfg["LOGIN_SESSION_HOURS"]) * 3600


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict[str, Any]:
    """Engine options per backend: a busy timeout for SQLite, pre-ping for PostgreSQL."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
