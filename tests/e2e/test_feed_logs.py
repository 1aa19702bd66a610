"""Private feed tokens never reach the logs (DESIGN §6): the Procfile's own gunicorn line
serves a private feed, and neither its access log nor its error log carries the token."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.core.actor import SYSTEM

ROOT = Path(__file__).resolve().parents[2]


def _web_command(port: int) -> str:
    """The ``web:`` line of the Procfile, on a test port."""
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    return "exec " + line.removeprefix("web:").strip().replace("${ICAT_PORT:-5000}", str(port))


def _get(port: int, path: str) -> int:
    for _ in range(100):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path)
            return conn.getresponse().status
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()  # a timed-out attempt too: no socket left for the garbage collector
    raise RuntimeError("gunicorn did not answer")


def _wait_for_lines(path: Path, text: str, n: int) -> None:
    """The access log is written after the response is sent: wait for it (at most 10 s)."""
    for _ in range(100):
        if path.read_text().count(text) >= n:
            return
        time.sleep(0.1)


@pytest.mark.slow
def test_the_procfile_web_server_logs_private_feed_requests_redacted(
    database_url: str, session: Session, make_user, free_port: int, tmp_path: Path
) -> None:
    user = make_user("viewer")
    _token, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind="feed", name="phone")
    session.commit()
    env = os.environ | {
        "ICAT_DATABASE_URL": database_url,
        "ICAT_SECRET_KEY": "test-only",
        "ICAT_BASE_URL": "http://icat.test",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    with (tmp_path / "web.log").open("wb") as log:
        proc = subprocess.Popen(_web_command(free_port), shell=True, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            assert _get(free_port, f"/calendar/private/{raw}.ics") == 200
            assert _get(free_port, "/calendar/private/not-a-token-at-all.ics") == 404
            _wait_for_lines(tmp_path / "web.log", "/calendar/private/", 2)
        finally:
            proc.terminate()
            proc.wait(20)
    text = (tmp_path / "web.log").read_text()
    assert raw not in text and "not-a-token-at-all" not in text
    # A request that timed out while a worker was still booting on a loaded machine is sent
    # again, so there may be more lines than requests: every one of them must be redacted.
    lines = [line for line in text.splitlines() if "/calendar/private/" in line]
    assert lines and all("/calendar/private/[redacted] " in line for line in lines), text
    assert any('" 200 ' in line for line in lines) and any('" 404 ' in line for line in lines), text
