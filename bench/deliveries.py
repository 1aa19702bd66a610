"""Reminder delivery (issue 5) on PostgreSQL.

- Claiming: one deliver tick finding and leasing the 1,000 due rows among 10,000 and among
  100,000 pending ones; the partial index on due rows keeps it flat (ratio near 1).
- Sending: messages/s into a local SMTP sink (aiosmtpd in its own process) from 1, 2 and 4
  real worker processes, next to the ceiling: a bare smtplib loop handing the same number of
  messages, rendered and serialised beforehand, to the same sink over one connection
  (``sendmail`` with bytes, the cheapest smtplib offers), in the same run.
  Each reminder has its own meeting and goes to several recipients in one language, so a
  worker renders its text and .ics once and sends it to each: 3 recipients (the tests'
  scenario) and 10 (the working group's ten entities), reported separately.
"""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import Session, sessionmaker

from bench.common import fresh_postgres, migrated_app
from icat.accounts import services as accounts
from icat.core.actor import SYSTEM
from icat.extensions import db
from icat.meetings import services as meetings
from icat.notifications.compose import MailSettings, renderer
from icat.notifications.dispatch import ClaimedDelivery, DispatchConfig, claim
from icat.notifications.models import Delivery
from icat.registry import services as registry
from icat.scheduler import relay_outbox

ROOT = Path(__file__).resolve().parent.parent
DUE, SENDS, FEWEST = 1_000, 2_000, 3
RECIPIENTS = (FEWEST, 10)  # per reminder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rows(start: int, count: int, due: bool, user_id: int, meeting_ids: list[int], per: int = FEWEST) -> list[dict]:
    """Reminders of ``meeting_ids`` in turn, ``per`` recipients each."""
    now = datetime.now(UTC)
    return [
        {
            "key": f"bench:{i}",
            "kind": "meeting_reminder",
            "subject": "bench",  # not the meeting's own: its re-planning would cancel these rows
            "user_id": user_id,
            "email": "fp@bench.example",
            "recipient_label": "fp@bench.example",
            "channel": "email",
            "params": {
                "meeting_id": meeting_ids[(i // per) % len(meeting_ids)],
                "title": f"Working group {i // per}",
                "kind": "working_group",
                "offset": "P1D",
                "starts_at": (now + timedelta(days=30)).isoformat(),
                "ends_at": (now + timedelta(days=30, hours=2)).isoformat(),
                "timezone": "Europe/Vienna",
                "location": "Vienna",
                "online_url": "",
            },
            "due_at": now - timedelta(minutes=1) if due else now + timedelta(days=1 + i % 300),
            "not_after": now + timedelta(days=30),
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(start, start + count)
    ]


def _insert(engine: sa.Engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        for chunk in range(0, len(rows), 5_000):
            conn.execute(Delivery.__table__.insert(), rows[chunk : chunk + 5_000])


def _fixture(factory: sessionmaker[Session]) -> tuple[int, list[int]]:
    with factory() as session:
        registry.create_entity(session, actor=SYSTEM, acronym="BEN", name="Bench", kind="member", category="other")
        user = accounts.create_user(
            session, actor=SYSTEM, email="fp@bench.example", password="x" * 16, role="focal_point", entity_acronym="BEN"
        )
        start = datetime.now(UTC) + timedelta(days=30)
        created = [
            meetings.create_meeting(
                session,
                actor=SYSTEM,
                title=f"Working group {n}",
                kind="working_group",
                starts_at=start + timedelta(days=n),
                ends_at=start + timedelta(days=n, hours=2),
                timezone="Europe/Vienna",
                invitees=["BEN"],
                reminder_offsets=[],
            )
            for n in range(SENDS // FEWEST + 1)
        ]
        session.commit()
        return user.id, [m.id for m in created]


def _claim_seconds(engine: sa.Engine) -> float:
    """Median of five claims of the due rows (released again between runs)."""
    timings = []
    for _ in range(5):
        with engine.begin() as conn:
            conn.execute(
                sa.update(Delivery)
                .where(Delivery.status == "sending")
                .values(status="pending", lease_until=None, claimed_by=None)
            )
        started = time.perf_counter()
        _token, claimed = claim(engine, DispatchConfig(worker_id="bench", batch_size=DUE))
        timings.append(time.perf_counter() - started)
        assert len(claimed) == DUE, len(claimed)
    return statistics.median(timings)


def _claiming(engine: sa.Engine, user_id: int, meeting_ids: list[int]) -> list[str]:
    _insert(engine, _rows(0, DUE, True, user_id, meeting_ids) + _rows(DUE, 9_000, False, user_id, meeting_ids))
    small = _claim_seconds(engine)
    _insert(engine, _rows(10_000, 90_000, False, user_id, meeting_ids))
    large = _claim_seconds(engine)
    with engine.begin() as conn:
        conn.execute(sa.delete(Delivery).where(Delivery.key.like("bench:%")))
    return [
        "### Claiming 1,000 due rows",
        "",
        "| pending rows | claim time (ms) |",
        "|---:|---:|",
        f"| 10,000 (reference) | {small * 1000:.1f} |",
        f"| 100,000 | {large * 1000:.1f} |",
        "",
        f"Ratio 100,000 / 10,000: **{large / small:.2f}** (1.0 = independent of the pending total).",
        "",
    ]


def _bare_loops(app, factory: sessionmaker[Session], port: int, user_id: int, meeting_ids: list[int]) -> list[float]:
    """The ceilings: one message sent SENDS times over one connection, (a) as the bytes
    rendered beforehand (``sendmail``: nothing but SMTP) and (b) as a built message that
    smtplib serialises for each send (``send_message``, this benchmark's earlier ceiling)."""
    render = renderer(MailSettings.from_config(app.config), render_template)
    row = _rows(0, 1, True, user_id, meeting_ids)[0]
    fields = ("key", "kind", "user_id", "email", "params", "not_after", "attempts")
    item = ClaimedDelivery(id=0, **{k: row[k] for k in fields}, last_error=None)
    with app.app_context(), factory() as session:
        message = render(session, [item])(item)
    built = message_from_bytes(message.data, policy=email_policy)
    rates = []
    for send in (
        lambda smtp: smtp.sendmail(message.sender, [message.recipient], message.data),
        lambda smtp: smtp.send_message(built),
    ):
        smtp = smtplib.SMTP("127.0.0.1", port)
        started = time.perf_counter()
        for _ in range(SENDS):
            send(smtp)
        rates.append(SENDS / (time.perf_counter() - started))
        smtp.quit()
    return rates


def _workers(
    url: str, engine: sa.Engine, port: int, n: int, user_id: int, meeting_ids: list[int], per: int, run: int
) -> float:
    rows = _rows(0, SENDS, True, user_id, meeting_ids, per)
    _insert(engine, [r | {"key": f"bench:{run}:{r['key']}"} for r in rows])
    env = os.environ | {
        "ICAT_DATABASE_URL": url,
        "ICAT_SECRET_KEY": "bench",
        "ICAT_SMTP_HOST": "127.0.0.1",
        "ICAT_SMTP_PORT": str(port),
        "ICAT_WORKER_POLL_SECONDS": "1",
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "icat", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]
    sent = (
        sa.select(sa.func.count())
        .select_from(Delivery)
        .where(Delivery.status == "sent", Delivery.key.like(f"bench:{run}:%"))
    )
    deadline = time.monotonic() + 300
    with engine.connect() as conn:
        while conn.execute(sent).scalar() < SENDS and time.monotonic() < deadline:
            time.sleep(0.2)
            conn.rollback()
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=60)
    with engine.connect() as conn:
        first, last = conn.execute(
            sa.select(sa.func.min(Delivery.sent_at), sa.func.max(Delivery.sent_at)).where(
                Delivery.key.like(f"bench:{run}:%")
            )
        ).one()
    return SENDS / max((last - first).total_seconds(), 1e-6)


def run() -> list[str]:
    lines = ["## Reminder delivery (PostgreSQL)", ""]
    pg = fresh_postgres()
    if pg is None:
        return [*lines, "PostgreSQL did not answer: skipped.", ""]
    url, drop = pg
    port = _free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app = migrated_app(url, BASE_URL="http://127.0.0.1")
    try:
        with app.app_context():
            engine = db.engine
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        user_id, meeting_ids = _fixture(factory)
        with app.app_context():
            relay_outbox(app)  # the fixture's events: otherwise the first workers relay them while sending
        with engine.begin() as conn:  # their invitations (due at once) are not what is measured here
            conn.execute(sa.delete(Delivery).where(Delivery.kind == "meeting_invitation"))
        lines += _claiming(engine, user_id, meeting_ids)
        time.sleep(0.5)  # the sink is up by now
        warm = [_bare_loops(app, factory, port, user_id, meeting_ids) for _ in range(2)]
        ceiling, built = (max(rates) for rates in zip(*warm, strict=True))  # best of two each
        lines += [
            "### Sending",
            "",
            f"{SENDS:,} messages into an aiosmtpd sink on loopback; the sink, PostgreSQL and the workers"
            " share this machine's 2 cores.",
            "",
            f"Ceilings (bare smtplib loops, best of two): **{ceiling:,.0f}**/s sending bytes rendered"
            f" beforehand (`sendmail`), {built:,.0f}/s sending a built message (`send_message`).",
            "",
            "| recipients per reminder | sender | messages/s | ceiling (`sendmail`) | ratio | to `send_message` |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        runs = [(per, n) for per in RECIPIENTS for n in (1, 2, 4)]
        for run_no, (per, n) in enumerate(runs):
            rate = _workers(url, engine, port, n, user_id, meeting_ids, per, run_no)
            worker = f"{n} worker{'s' if n > 1 else ''}"
            lines.append(
                f"| {per} | {worker} | {rate:,.0f} | {ceiling:,.0f} | {rate / ceiling:.2f} | {rate / built:.2f} |"
            )
        lines += [
            "",
            "Aim (issue 5): at least 0.70 of the ceiling with one worker, scaling with workers.",
            "",
        ]
    finally:
        sink.terminate()
        sink.wait(timeout=10)
        engine.dispose()
        drop()
    return lines
