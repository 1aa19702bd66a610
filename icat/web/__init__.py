"""The web glue: sign-in and the current actor, locale and zone, template helpers, the
page-form helper, JSON in and out, and the one mapping from errors to HTTP responses.

Area packages (``icat/<area>/``) know nothing of this package; blueprints use it.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter

# Row ids are INTEGER columns (32-bit on PostgreSQL): a larger number in a path names no row
# (404), instead of reaching the database as an overflow (SQLite, beyond 64 bits) or a
# numeric error (PostgreSQL).
MAX_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a non-negative integer that fits an id column."""

    def __init__(self, url_map, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _refuse_nul() -> None:
    """No text column holds a NUL (PostgreSQL refuses it), so a path with one names nothing
    (404) and a query string with one is malformed (400): before any route runs."""
    if "\x00" in request.path:
        raise NotFound()
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        raise BadRequest(_l("The query string contains a NUL character."))


def init_web(app: Flask) -> None:
    """Wire the web layer into ``app`` (called once by ``create_app``, before routes)."""
    from icat.web import auth, errors, i18n, sign_in, templating

    app.url_map.converters["int"] = RowIdConverter
    app.before_request(_refuse_nul)
    auth.init_auth(app)
    sign_in.init_oidc(app)
    app.jinja_env.globals["oidc_providers"] = sign_in.oidc_choices
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
