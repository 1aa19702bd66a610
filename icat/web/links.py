"""Flask glue of the feeds: absolute subscription links (https:// and webcal://) and the
engine the change counter is read from."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from icat.extensions import db


def absolute_url(endpoint: str, **values: Any) -> str:
    """``ICAT_BASE_URL`` + the route's path: feeds are fetched by calendar servers, not this page."""
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    return base + url_for(endpoint, _external=False, **values)


def webcal(url: str) -> str:
    """The same address with the webcal scheme, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[1]


def feed_links(endpoint: str, **values: Any) -> dict[str, str]:
    url = absolute_url(endpoint, **values)
    return {"https": url, "webcal": webcal(url)}


def current_engine() -> sa.Engine:
    """The application's engine: a 304 reads one row on a pooled connection, no session."""
    return db.engine
