"""Deliveries that follow a person's account: the mails carrying account links
(invitations, password resets), and reminders a person turned off.

Each link gets one delivery keyed by the link (``account-link:<id>``), so the relay running
the handler twice plans it once and the deliver job sends it once. A newer link of the same
purpose cancels the older one's mail if it is still pending: the old link no longer works.
The row carries the link's id, not the link: the mail is rendered from the link's nonce
with the secret key at sending time (icat.accounts.links).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_datetime
from sqlalchemy.orm import Session

from icat.accounts.events import AccountLinkIssued, UserUpdated
from icat.accounts.links import link_token
from icat.accounts.models import AccountLink, User
from icat.core import clock
from icat.notifications.models import Delivery
from icat.notifications.planning import Recipient, delivery_row, insert_missing, wants_reminders

MAIL_KINDS = {"invitation": "invitation", "reset": "password_reset"}


def plan_account_mail(session: Session, event: AccountLinkIssued) -> None:
    """Plan the mail carrying the new link, due now and stale once the link expires."""
    user = session.get(User, event.user_id)
    if user is None:
        return
    kind = MAIL_KINDS[event.purpose]
    subject = f"user:{user.id}"
    session.execute(
        sa.update(Delivery)
        .where(Delivery.subject == subject, Delivery.kind == kind, Delivery.status == "pending")
        .values(status="cancelled", updated_at=clock.now())
    )
    person = Recipient(f"user:{user.id}", user.id, user.email, user.email)
    expires = datetime.fromisoformat(event.expires_at)
    params = {"link_id": event.link_id, "expires_at": event.expires_at}
    row = delivery_row(f"account-link:{event.link_id}", kind, subject, person, clock.now(), expires, params)
    insert_missing(session, [row])


PATHS = {"invitation": "/invitations/", "password_reset": "/password/reset/"}


def link_context(link: AccountLink | None, kind: str, *, secret: str, base_url: str, user: User | None) -> dict:
    """What an account mail's template shows: the link and when it expires, in the
    recipient's language and zone. A link deleted since (its person was removed) gives none."""
    if link is None:
        return {"link": "", "expires": ""}
    locale, zone = (user.locale, user.timezone) if user else ("en", "UTC")
    when = format_datetime(link.expires_at, "full", tzinfo=ZoneInfo(zone), locale=locale)
    return {"link": f"{base_url}{PATHS[kind]}{link_token(secret, link.nonce)}", "expires": when, "zone": zone}


def apply_reminder_preferences(session: Session, event: UserUpdated) -> None:
    """A person turned reminders off in their profile: their pending ones of those kinds
    are cancelled now (turning them on applies to reminders planned from then on)."""
    if "reminder_preferences" not in event.changes:
        return
    user = session.get(User, event.user_id)
    if user is None:
        return
    prefs = user.reminder_preferences or {}
    pending = session.scalars(
        sa.select(Delivery).where(
            Delivery.user_id == user.id,
            Delivery.status == "pending",
            Delivery.kind.in_(("meeting_reminder", "campaign_step")),
        )
    )
    for row in pending:
        kind_off = row.kind == "meeting_reminder" and not wants_reminders(user, row.params.get("kind", ""))
        if kind_off or (row.kind == "campaign_step" and not prefs.get("world_day", True)):
            row.status, row.updated_at = "cancelled", clock.now()
