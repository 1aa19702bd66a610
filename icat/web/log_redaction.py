"""Keep private feed tokens and account links out of every log line (DESIGN §6).

A private feed's address carries its secret (``/calendar/private/<token>.ics``). Werkzeug's
request log, gunicorn's access log and our own error log all print paths, so:
``RedactTokens`` rewrites any record passing the handlers it is attached to, and
``GunicornLogger`` (``--logger-class`` in the Procfile) redacts the access-log atoms.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as _GunicornLogger

# Paths whose last part is a secret: private feeds, invitation and password-reset links.
_PRIVATE = re.compile(r"(/calendar/private/|/invitations/|/password/reset/)[^/\s?\"']+")
_MARKERS = ("/calendar/private/", "/invitations/", "/password/reset/")


def redact(text: str) -> str:
    """``/calendar/private/<secret>.ics`` → ``/calendar/private/[redacted]``."""
    return _PRIVATE.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Formats the record's message once, redacted, so no argument can carry a token out."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(marker in message for marker in _MARKERS):
            record.msg, record.args = redact(message), None
        return True


def install() -> None:
    """Attach the filter to the root handlers and to werkzeug's and gunicorn's loggers."""
    flt = RedactTokens()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactTokens) for f in handler.filters):
            handler.addFilter(flt)
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(flt)


class GunicornLogger(_GunicornLogger):
    """Gunicorn's logger with the request line, path and query redacted in access logs."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
