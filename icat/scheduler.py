"""The worker: its fixed jobs (DESIGN §2), the functions they run, and the scheduler.

Reminder times are rows, not jobs: this table only lists the few pollers. The scheduler
is built by the ``icat worker`` command alone, never inside ``create_app()`` or a web
process, because an APScheduler job store cannot be shared between processes.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, render_template
from sqlalchemy.orm import Session, sessionmaker

from icat.bootstrap import EVENT_HANDLERS
from icat.core import outbox
from icat.extensions import db
from icat.notifications import dispatch
from icat.notifications import jobs as notification_jobs
from icat.notifications.compose import MailSettings, renderer
from icat.notifications.transport import mailer_from_config
from icat.publications import jobs as publication_jobs
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
    stats = dispatch.deliver(
        db.engine,
        lambda: mailer_from_config(app.config, app.instance_path),
        renderer(MailSettings.from_config(app.config), render_template),
        cfg,
    )
    if stats.claimed:
        log.info("deliver: %s", stats)
    return stats


def close_rounds(app: Flask) -> list[str]:
    """Job: close the circulation rounds whose deadline has come, each exactly once."""
    done = publication_jobs.close_due_rounds(session_factory())
    if done:
        log.info("rounds: %s", "; ".join(done))
    return done


@dataclass(frozen=True)
class Job:
    """A fixed poller: ``func(app)`` every ``seconds`` (``None``: the poll setting)."""

    id: str
    func: Callable[[Flask], Any]
    seconds: int | None = None


# In this order `worker --once` relays what the daily duties and closed rounds recorded, then sends what the
# relay's handlers planned.
JOBS: tuple[Job, ...] = (
    Job(id="daily", func=daily_duties, seconds=3600),
    Job(id="rounds", func=close_rounds, seconds=60),
    Job(id="relay", func=relay_outbox),
    Job(id="deliver", func=deliver_due),
)


def run_job(app: Flask, job: Job) -> Any:
    """Run one job inside an app context; log (do not raise) its failure so the next tick runs."""
    with app.app_context():
        try:
            return job.func(app)
        except Exception:
            log.exception("job %s failed", job.id)
            return None


def build_scheduler(app: Flask, *, now: datetime | None = None) -> BlockingScheduler:
    """A BlockingScheduler with every job of JOBS, each run at most once at a time."""
    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            args=(app, job),
            id=job.id,
            seconds=job.seconds or app.config["WORKER_POLL_SECONDS"],
            next_run_time=now or datetime.now(UTC),  # first run at start, not after one interval
            max_instances=1,
            coalesce=True,
        )
    return scheduler
