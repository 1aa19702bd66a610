"""Turning a delivery row into an e-mail: the recipient's language and time zone, the
meeting's own time beside it, a Message-ID derived from the key, and an iTIP .ics."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Flask, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.calendar.render import FOOTER, PRODID, assemble, meeting_block
from icat.core import clock
from icat.meetings.models import Meeting
from icat.notifications.dispatch import Renderer
from icat.notifications.models import Delivery
from icat.observances.labels import STEP_LABELS


def message_id(key: str, host: str) -> str:
    """The same key always gives the same Message-ID, so a re-sent message is recognisable."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{host}>"


def _when(iso: str, zone: str, locale: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), "full", tzinfo=ZoneInfo(zone), locale=locale)


def _subject(row: Delivery) -> str:
    title = row.params.get("title", "")
    if row.kind == "campaign_step":
        step = STEP_LABELS.get(row.params["step"], row.params["step"])
        return _("%(name)s %(year)s: %(step)s", name=row.params["name"], year=row.params["year"], step=step)
    if row.kind == "meeting_cancelled":
        return _("Cancelled: %(title)s", title=title)
    return _("Reminder: %(title)s", title=title)


def itip(meeting: Meeting, *, method: str, host: str, base_url: str) -> bytes:
    """The meeting as an iTIP message (RFC 5546): REQUEST, or CANCEL with the same UID and a
    higher SEQUENCE; the VEVENT is the feeds' own (icat.calendar.render)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    head = cal.to_ical().removesuffix(FOOTER)
    block = meeting_block(meeting, meeting.overrides, host=host, base_url=base_url)
    return assemble(head, [meeting.timezone], [block])


def _context(row: Delivery, user: User | None, base_url: str) -> dict[str, Any]:
    locale, zone = (user.locale, user.timezone) if user else ("en", "UTC")
    params = row.params
    context: dict[str, Any] = {"p": params, "link": f"{base_url}/meetings/{params.get('meeting_id', '')}"}
    if "observance" in params:
        context["link"] = f"{base_url}/observances/{params['observance']}"
        context["step_label"] = STEP_LABELS.get(params["step"], params["step"])
        context["day"] = format_date(date.fromisoformat(params["day"]), "long", locale=locale)
    if "starts_at" in params:
        context["when_yours"] = _when(params["starts_at"], zone, locale)
        context["when_theirs"] = _when(params["starts_at"], params["timezone"], locale)
        context["your_zone"], context["their_zone"] = zone, params["timezone"]
    return context


def renderer(app: Flask) -> Renderer:
    """The worker's renderer: needs the app for templates, translations and settings."""
    base_url = app.config["BASE_URL"].rstrip("/")
    host = urlsplit(base_url).hostname or "localhost"

    def cached(session: Session, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """Per-session (one batch) cache: the identity map holds rows only weakly, so without
        it every message reloaded its user and meeting and rebuilt the same .ics."""
        cache = session.info.setdefault("icat_render_cache", {})
        if key not in cache:
            cache[key] = make()
        return cache[key]

    def render(session: Session, row: Delivery) -> EmailMessage:
        user = cached(session, ("user", row.user_id), lambda: session.get(User, row.user_id)) if row.user_id else None
        with force_locale(user.locale if user else "en"):
            subject = _subject(row)
            body = render_template(f"email/{row.kind}.txt", **_context(row, user, base_url))
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = subject, app.config["MAIL_FROM"], row.email
        message["Date"] = rfc2822(clock.now())
        message["Message-ID"] = message_id(row.key, host)
        message["X-ICAT-Delivery"] = row.key
        message.set_content(body)
        meeting_id = row.params.get("meeting_id")
        meeting = (
            cached(session, ("meeting", meeting_id), lambda: session.get(Meeting, meeting_id)) if meeting_id else None
        )
        if meeting is not None:
            method = "CANCEL" if row.kind == "meeting_cancelled" else "REQUEST"
            ics = cached(
                session,
                ("ics", meeting.id, meeting.version, method),
                lambda: itip(meeting, method=method, host=host, base_url=base_url),
            )
            message.add_attachment(
                ics, maintype="text", subtype="calendar", filename="invite.ics", params={"method": method}
            )
        return message

    return render
