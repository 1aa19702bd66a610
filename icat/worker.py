"""What the worker process runs: job functions adapted to the app, and its identity."""

from __future__ import annotations

import logging
import os
import socket

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from icat.bootstrap import EVENT_HANDLERS
from icat.core import outbox
from icat.extensions import db
from icat.notifications import dispatch
from icat.notifications import jobs as notification_jobs
from icat.notifications.mail import renderer
from icat.notifications.mailer import mailer_from_config
from icat.rotation import jobs as rotation_jobs

log = logging.getLogger(__name__)


def worker_id() -> str:
    """host:pid, unique among the workers sharing one database."""
    return f"{socket.gethostname()}:{os.getpid()}"


def session_factory() -> sessionmaker[Session]:
    """Fresh sessions on the app's engine; the worker commits each unit of work itself."""
    return sessionmaker(bind=db.engine, expire_on_commit=False)


def relay_outbox(app: Flask) -> outbox.RelayStats:
    """Job: hand every pending outbox event to its handlers (EVENT_HANDLERS)."""
    cfg = outbox.RelayConfig(
        worker_id=worker_id(),
        batch_size=app.config["OUTBOX_BATCH_SIZE"],
        lease_seconds=app.config["OUTBOX_LEASE_SECONDS"],
        max_attempts=app.config["OUTBOX_MAX_ATTEMPTS"],
    )
    stats = outbox.relay(session_factory(), EVENT_HANDLERS, cfg)
    if stats.claimed:
        log.info("relay: %s", stats)
    return stats


def daily_duties(app: Flask) -> list[str]:
    """Job: the date-driven duties (chair handover on 1 January, missing-term warnings,
    observance campaigns a year ahead, recurring meetings' reminders).

    Checked every hour rather than once at midnight, so a worker restarted at any time
    catches up; once keys make each effect happen a single time.
    """
    done = rotation_jobs.hand_over(session_factory()) + notification_jobs.plan_ahead(session_factory())
    if done:
        log.info("daily duties: %s", "; ".join(done))
    return done


def deliver_due(app: Flask) -> dispatch.DispatchStats:
    """Job: send every due delivery (claimed with a lease; DESIGN §5)."""
    cfg = dispatch.DispatchConfig(
        worker_id=worker_id(),
        lease_seconds=app.config["DELIVERY_LEASE_SECONDS"],
        max_attempts=app.config["DELIVERY_MAX_ATTEMPTS"],
        backoff_seconds=app.config["DELIVERY_BACKOFF_SECONDS"],
    )
    stats = dispatch.deliver(db.engine, lambda: mailer_from_config(app.config, app.instance_path), renderer(app), cfg)
    if stats.claimed:
        log.info("deliver: %s", stats)
    return stats
