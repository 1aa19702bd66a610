"""The web glue: sign-in and the current actor, locale and zone, template helpers, the
page-form helper, JSON in and out, and the one mapping from errors to HTTP responses.

Area packages (``icat/<area>/``) know nothing of this package; blueprints use it.
"""

from __future__ import annotations

from flask import Flask, Response


def init_web(app: Flask) -> None:
    """Wire the web layer into ``app`` (called once by ``create_app``)."""
    from icat.web import auth, errors, i18n, templating

    auth.init_auth(app)
    i18n.init_i18n(app)
    templating.init_templating(app)
    errors.register_error_handlers(app)
    app.after_request(_security_headers)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
    return response
