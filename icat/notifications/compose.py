"""Turning a delivery row into an e-mail: the recipient's language and time zone, the
meeting's own time beside it, a Message-ID derived from the key, and an iTIP .ics."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.header import Header
from email.policy import SMTPUTF8
from email.utils import format_datetime as rfc2822
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date, format_datetime
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, vCalAddress
from sqlalchemy.orm import Session

from icat.accounts.models import AccountLink, User
from icat.calendar.render import FOOTER, PRODID, assemble, meeting_block, occurrence_block
from icat.core import clock
from icat.meetings.models import Meeting
from icat.notifications.account_mail import PATHS, link_context
from icat.notifications.dispatch import ClaimedDelivery, Outgoing, Renderer
from icat.observances.labels import STEP_LABELS


def message_id(key: str, host: str) -> str:
    """The same key always gives the same Message-ID, so a re-sent message is recognisable."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{host}>"


def _when(iso: str, zone: str, locale: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), "full", tzinfo=ZoneInfo(zone), locale=locale)


def _subject(row: ClaimedDelivery) -> str:
    title = row.params.get("title", "")
    if row.kind == "campaign_step":
        step = STEP_LABELS.get(row.params["step"], row.params["step"])
        return _("%(name)s %(year)s: %(step)s", name=row.params["name"], year=row.params["year"], step=step)
    if row.kind == "milestone_reminder":
        return _("Milestone due in %(days)s days: %(title)s", days=row.params["days_before"], title=title)
    if row.kind == "rating_request":
        return _("Rate your activities for %(period)s: %(title)s", period=row.params["period"], title=title)
    if row.kind == "invitation":
        return _("You are invited to the ICAT Workspace")
    if row.kind == "password_reset":
        return _("Reset your ICAT Workspace password")
    subjects = {
        "meeting_cancelled": _("Cancelled: %(title)s", title=title),
        "meeting_invitation": _("Invitation: %(title)s", title=title),
        "meeting_updated": _("Updated: %(title)s", title=title),
        "occurrence_moved": _("Session moved: %(title)s", title=title),
        "occurrence_cancelled": _("Session cancelled: %(title)s", title=title),
        "publication_reminder": _("Your answer is awaited: %(title)s", title=title),
        "publication_outcome": _("Circulation closed: %(title)s", title=title),
    }
    return subjects.get(row.kind) or _("Reminder: %(title)s", title=title)


# What each kind of mail carries (RFC 5546): a reminder publishes the meeting for the
# recipient's calendar (it is no invitation, so no REQUEST a client would answer again);
# an invitation or update requests it, a cancellation withdraws it, for that recipient
# (named as ATTENDEE); a session's notice does the same for that session alone.
# Others carry no calendar object.
METHODS = {
    "meeting_reminder": "PUBLISH",
    "meeting_cancelled": "CANCEL",
    "meeting_invitation": "REQUEST",
    "meeting_updated": "REQUEST",
    "occurrence_moved": "REQUEST",
    "occurrence_cancelled": "CANCEL",
}
ADDRESSED = ("REQUEST", "CANCEL")  # methods whose object names its recipient (RFC 5546 §3.2)


def itip(
    meeting: Meeting,
    *,
    method: str,
    host: str,
    base_url: str,
    organizer: str,
    attendee: str | None,
    stamp: datetime,
    recurrence_id: datetime | None = None,
) -> bytes:
    """The meeting as an iTIP object (RFC 5546) with the feeds' own VEVENTs (same UID and
    SEQUENCE, icat.calendar.render), plus what iTIP needs beyond a feed: ``ORGANIZER`` (the
    secretariat's address), the recipient as ``ATTENDEE`` (REQUEST, CANCEL), and ``DTSTAMP``
    the time the object is sent, not the meeting's last edit (§2.1.5). A CANCEL of the whole
    meeting carries the master event only, with STATUS:CANCELLED; with ``recurrence_id`` the
    object is that one session's VEVENT (RECURRENCE-ID), moved (REQUEST) or cancelled."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    head = cal.to_ical().removesuffix(FOOTER)
    parsed = Calendar.from_ical(
        assemble(head, [meeting.timezone], [_block(meeting, method, host, base_url, recurrence_id)])
    )
    for event in parsed.walk("VEVENT"):
        _address(event, organizer, attendee, stamp)
        if method == "CANCEL":
            event.pop("STATUS", None)
            event.add("status", "CANCELLED")
    return parsed.to_ical()


def _block(meeting: Meeting, method: str, host: str, base_url: str, recurrence_id: datetime | None) -> bytes:
    if recurrence_id is not None:
        override = next((o for o in meeting.overrides if o.recurrence_id == recurrence_id), None)
        if override is None:
            raise LookupError(f"meeting {meeting.id} has no session {recurrence_id.isoformat()}")
        return occurrence_block(meeting, override, host=host, base_url=base_url)
    overrides = [] if method == "CANCEL" else meeting.overrides
    return meeting_block(meeting, overrides, host=host, base_url=base_url)


def _address(event: Any, organizer: str, attendee: str | None, stamp: datetime) -> None:
    """DTSTAMP of sending, the ORGANIZER and (when addressed to one person) its ATTENDEE.
    RSVP=FALSE: replies from calendar clients are not read; the mail says where to answer."""
    name, address = parseaddr(organizer)
    event.pop("DTSTAMP", None)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("organizer", vCalAddress(f"mailto:{address}"), parameters={"CN": name} if name else None)
    if attendee:
        parameters = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
        event.add("attendee", vCalAddress(f"mailto:{attendee}"), parameters=parameters)


def _context(row: ClaimedDelivery, user: User | None, base_url: str) -> dict[str, Any]:
    locale, zone = (user.locale, user.timezone) if user else ("en", "UTC")
    params = row.params
    context: dict[str, Any] = {"p": params, "link": f"{base_url}/meetings/{params.get('meeting_id', '')}"}
    if "observance" in params:
        context["link"] = f"{base_url}/observances/{params['observance']}"
        context["step_label"] = STEP_LABELS.get(params["step"], params["step"])
        context["day"] = format_date(date.fromisoformat(params["day"]), "long", locale=locale)
    if "publication_id" in params:
        context["link"] = f"{base_url}/publications/{params['publication_id']}/respond"
        context["deadline_yours"] = _when(params["deadline"], zone, locale)
        context["your_zone"] = zone
    if "workplan_id" in params:
        context["link"] = f"{base_url}/workplans/{params['workplan_id']}"
    if "due_on" in params:
        context["due"] = format_date(date.fromisoformat(params["due_on"]), "long", locale=locale)
    if "starts_at" in params:
        context["when_yours"] = _when(params["starts_at"], zone, locale)
        context["when_theirs"] = _when(params["starts_at"], params["timezone"], locale)
        context["your_zone"], context["their_zone"] = zone, params["timezone"]
    if "recurrence_id" in params:  # a session of a series: where it was before
        context["when_original"] = _when(params["recurrence_id"], params["timezone"], locale)
        context["when_original_yours"] = _when(params["recurrence_id"], zone, locale)
    return context


def _header_lines(headers: list[tuple[str, str]]) -> bytes:
    """The per-recipient headers, written by hand: the ``email`` package parses every header
    it is given (about 0.2 ms each, most of a message's rendering in a profile of the deliver
    job), while these are plain ASCII almost always. Anything else goes through the library."""
    lines = []
    for name, value in headers:
        if value.isascii() and value.isprintable() and len(value) < 900:
            lines.append(f"{name}: {value}\r\n")
        else:
            lines.append(SMTPUTF8.fold(name, value))  # an internationalised address: SMTPUTF8
    return "".join(lines).encode("utf-8")


def _base64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _prototype(subject: str, sender: str, body: str, ics: bytes | None, method: str) -> bytes:
    """Everything but the per-recipient headers, serialised once for all who get the same text.

    Assembled here rather than by the email package's generator, which re-folds and
    re-encodes every header on each serialisation: two thirds of a message's rendering in
    the deliver job's profile (bench/deliveries.py). The shape is fixed (a text part and a
    calendar object), headers are encoded by ``email.header`` and bodies by ``base64``, so the
    message is plain ASCII with CRLF line ends, and the tests read it with the email parser.
    """
    subject = " ".join(subject.splitlines()).strip()  # a title cannot smuggle in a header line
    charset = "us-ascii" if subject.isascii() else "utf-8"
    folded = Header(subject, charset, header_name="Subject").encode(linesep="\r\n")
    head = (
        f"MIME-Version: 1.0\r\nSubject: {folded}\r\nFrom: {formataddr(parseaddr(sender), charset='utf-8')}\r\n"
    ).encode("ascii")
    text = b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + _base64(
        body.encode("utf-8")
    )
    if ics is None:
        return head + text
    boundary = f"=_icat_{uuid.uuid4().hex}"  # "=_" never occurs in base64, so never in a part
    # An invitation, update or cancellation is the calendar part itself, the text its
    # alternative (multipart/alternative, inline): how Outlook, Gmail and Apple Mail expect
    # an iTIP message (RFC 6047 §2.4) and show it with its Accept/Decline or Remove banner.
    # A reminder's PUBLISH is a file to add, if one likes: an attachment beside the text.
    inline = method in ADDRESSED
    disposition = "" if inline else 'Content-Disposition: attachment; filename="invite.ics"\r\n'
    invite = (
        f'Content-Type: text/calendar; charset="utf-8"; method={method}\r\n'
        f"Content-Transfer-Encoding: base64\r\n{disposition}\r\n"
    ).encode("ascii") + _base64(ics)
    subtype = "alternative" if inline else "mixed"
    return b"".join(
        (
            head,
            f'Content-Type: multipart/{subtype};\r\n boundary="{boundary}"\r\n\r\n'.encode("ascii"),
            f"--{boundary}\r\n".encode("ascii"),
            text,
            f"--{boundary}\r\n".encode("ascii"),
            invite,
            f"--{boundary}--\r\n".encode("ascii"),
        )
    )


@dataclass(frozen=True)
class MailSettings:
    """What composing a mail needs from configuration."""

    base_url: str
    sender: str
    organizer: str  # ORGANIZER of calendar objects: the secretariat's address
    secret: str = ""  # the key account links are derived with (icat.accounts.links)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        sender = str(config["MAIL_FROM"])
        organizer = str(config.get("ORGANIZER_EMAIL") or sender)
        base_url = str(config["BASE_URL"]).rstrip("/")
        return cls(base_url=base_url, sender=sender, organizer=organizer, secret=str(config["SECRET_KEY"]))


def renderer(settings: MailSettings, render_template: Callable[..., str]) -> Renderer:
    """The worker's renderer. ``render_template(name, **context)`` renders a mail body
    (the web glue passes Flask's, so mail templates live beside the pages' templates);
    translations follow the recipient through Flask-Babel's ``force_locale``.

    For each batch it loads the batch's recipients and meetings in one query each. People
    who get the same reminder in the same language and time zone get the same text, so it
    is rendered and serialised once per batch, and each copy only gets its own To, Date,
    Message-ID and X-ICAT-Delivery headers.
    """
    base_url, sender = settings.base_url, settings.sender
    host = urlsplit(base_url).hostname or "localhost"

    def for_batch(session: Session, items: list[ClaimedDelivery]) -> Callable[[ClaimedDelivery], Outgoing]:
        users = _by_id(session, User, {i.user_id for i in items if i.user_id})
        meetings = _by_id(session, Meeting, {i.params["meeting_id"] for i in items if i.params.get("meeting_id")})
        account_links = _by_id(session, AccountLink, {i.params["link_id"] for i in items if i.params.get("link_id")})
        texts: dict[tuple[Any, ...], bytes] = {}
        stamp = clock.now()  # DTSTAMP: this batch is being sent now

        def ics(item: ClaimedDelivery, method: str, email: str) -> bytes | None:
            meeting = meetings.get(item.params.get("meeting_id"))
            if meeting is None:
                return None
            rid = item.params.get("recurrence_id")
            return itip(
                meeting,
                method=method,
                host=host,
                base_url=base_url,
                organizer=settings.organizer,
                attendee=email if method in ADDRESSED else None,
                stamp=stamp,
                recurrence_id=datetime.fromisoformat(rid) if rid else None,
            )

        def text(item: ClaimedDelivery, user: User | None, email: str) -> bytes:
            method = METHODS.get(item.kind)
            context = _context(item, user, base_url)
            if item.kind in PATHS:
                link = account_links.get(item.params.get("link_id"))
                context |= link_context(link, item.kind, secret=settings.secret, base_url=base_url, user=user)
            with force_locale(user.locale if user else "en"):
                subject = _subject(item)
                body = render_template(f"email/{item.kind}.txt", **context)
            invite = ics(item, method, email) if method else None
            return _prototype(subject, sender, body, invite, method or "")

        def render(item: ClaimedDelivery) -> Outgoing:
            user = users.get(item.user_id)
            # The person's address now, not when the reminder was planned (it may have changed).
            email = (user.email if user else item.email) or ""
            audience = (user.locale, user.timezone) if user else ("en", "UTC")
            # An invitation or cancellation names its recipient as ATTENDEE, so it is rendered
            # per person; a reminder is the same for everyone who shares a language and a zone.
            person = email if METHODS.get(item.kind) in ADDRESSED else ""
            key = (item.kind, json.dumps(item.params, sort_keys=True), *audience, person)
            if key not in texts:
                texts[key] = text(item, user, email)
            mid = message_id(item.key, host)
            head = _header_lines(
                [("To", email), ("Date", rfc2822(clock.now())), ("Message-ID", mid), ("X-ICAT-Delivery", item.key)]
            )
            return Outgoing(sender=sender, recipient=email, message_id=mid, data=head + texts[key])

        return render

    return for_batch


def _by_id(session: Session, model: type[User] | type[Meeting] | type[AccountLink], ids: set[int]) -> dict[int, Any]:
    """One query for the whole batch, not one per message."""
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(sa.select(model).where(model.id.in_(ids)))}
