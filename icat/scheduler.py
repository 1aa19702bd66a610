"""The worker's fixed jobs (DESIGN §2) and the scheduler that runs them.

Reminder times are rows, not jobs: this table only lists the few pollers. The scheduler
is built by the ``icat worker`` command alone, never inside ``create_app()`` or a web
process, because an APScheduler job store cannot be shared between processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from icat.worker import daily_duties, deliver_due, relay_outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A fixed poller: ``func(app)`` every ``seconds`` (``None``: the poll setting)."""

    id: str
    func: Callable[[Flask], Any]
    seconds: int | None = None


# In this order `worker --once` relays what the daily duties recorded, then sends what the
# relay's handlers planned.
JOBS: tuple[Job, ...] = (
    Job(id="daily", func=daily_duties, seconds=3600),
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
