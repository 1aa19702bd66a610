"""The one mapping from errors to HTTP: JSON under /api, HTML pages elsewhere (DESIGN §7)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from jinja2.filters import do_filesizeformat
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from icat.core.errors import Conflict, DomainError, Message, StaleVersion, TooManyRequests, Unauthorized, rendered
from icat.extensions import db
from icat.web.http import version_from_header

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(
    status: int, code: str, message: Message, fields: dict[str, Any] | None = None, rule: str | None = None
) -> Response:
    """Render one error in the shape the client expects; never a stack trace. Lazy messages
    are translated here, in the reader's language; ``rule`` names the rule broken (the code
    when there is no finer one)."""
    text, problems = str(message), rendered(fields or {})
    if wants_json():
        response = jsonify({"error": code, "rule": rule or code, "message": text, "fields": problems})
    else:
        response = Response(_error_page(status, code, text, problems), mimetype="text/html")
    response.status_code = status
    return response


def _headings() -> dict[int, str]:
    """The error page's heading per status, in the reader's language."""
    return {
        400: _("The request could not be used"),
        401: _("Sign in first"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("Not possible at this address"),
        409: _("Conflict"),
        412: _("Changed in the meantime"),
        413: _("Too large"),
        422: _("Cannot be done"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
    }


def _error_page(status: int, code: str, text: str, problems: dict[str, Any]) -> str:
    """The error page in the site's layout (base.html); should that layout fail too (it reads
    the database, which may be what failed), a plain page with the same stylesheet. Never a
    stack trace."""
    heading = _headings().get(status) or _("Error")
    try:
        return render_template("error.html", status=status, code=code, heading=heading, message=text, fields=problems)
    except Exception:
        log.exception("the error page could not be rendered; the plain one is shown")
        return render_template("error_plain.html", status=status, heading=heading, message=text)


def _domain(error: DomainError) -> Response:
    if isinstance(error, StaleVersion) and version_from_header():
        # The client named the version in If-Match: a failed precondition (RFC 9110 §13.1.1).
        return error_response(412, "precondition_failed", error.message, error.fields, error.rule)
    response = error_response(error.status, error.code, error.message, error.fields, error.rule)
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, Unauthorized) and wants_json():
        response.headers["WWW-Authenticate"] = 'Bearer realm="ICAT Workspace"'  # RFC 9110 §11.6.1
    return response


def _too_large(error: RequestEntityTooLarge) -> Response:
    """An upload over the request limit: a page's upload form comes back with a message
    (the form's page, where the flash shows), the API answers 413 in its shape."""
    if wants_json() or request.method != "POST" or not request.path.endswith("/documents"):
        return _http(error)
    limit = do_filesizeformat(current_app.config["DOCUMENT_MAX_BYTES"], binary=True)
    flash(_("The file is too large: at most %(limit)s are accepted. Nothing was uploaded.", limit=limit))
    return redirect(request.path.removesuffix("/documents") + "#documents", 303)


def _http_message(error: HTTPException) -> str:
    """Werkzeug's own descriptions are English: the reader's language instead, unless the
    code raising the error wrote a description of its own."""
    if error.description and error.description != type(error).description:
        return str(error.description)
    return {
        400: _("The request could not be understood. Go back, reload the page and try again."),
        404: _("There is no page at this address. The link may be mistyped, or the page may have moved."),
        405: _("This address does not accept this kind of request. Use the page's own links and buttons."),
        413: _("What was sent is too large."),
    }.get(error.code or 500, _("The request could not be completed."))


def _http(error: HTTPException) -> Response:
    code = (error.name or "error").lower().replace(" ", "_")
    response = error_response(error.code or 500, code, _http_message(error))
    if error.code == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


def _csrf(error: CSRFError) -> Response:
    return error_response(400, "csrf_failed", _("The form expired or did not come from this site. Reload and retry."))


def _stale(error: StaleDataError) -> Response:
    # Another request changed the row between our read and our write: the same answer as a
    # version found stale on reading (409, or 412 when it came from If-Match).
    return _domain(
        StaleVersion(
            _("Someone else changed this at the same moment. Reload and retry."), rule="edits.written_concurrently"
        )
    )


def _integrity(error: IntegrityError) -> Response:
    # Two requests wrote the same unique row at the same moment (the check before the write
    # saw none): the loser hears of a conflict, never of a 500. The transaction is gone.
    db.session.rollback()
    log.info("integrity conflict on %s %s: %s", request.method, request.path, error.orig)
    return _domain(
        Conflict(
            _("This was changed by another request at the same moment. Reload and retry."),
            rule="db.unique_written_concurrently",
        )
    )


def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", _("Something went wrong on our side. It has been logged."))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(IntegrityError, _integrity)
    app.register_error_handler(Exception, _unexpected)
