"""Pages (issue: pages benchmark): 10,000 meetings, 1,000 publications, 200 activities.

The five pages a member opens most, served by gunicorn as the Procfile deploys it (two sync
workers) and asked by 16 concurrent clients, signed in as the secretariat acting for UNODC (the
richest dashboard: the secretariat's panels and an entity's). Figures and their ceiling, in the
same run on the same machine:
- requests/s and p95 latency of each page vs a route of the same application rendering a tiny
  template (``bench.pages_app``); aim: each page ≥ 0.20 of the ceiling's requests/s;
- SQL statements per page request (a SQLAlchemy event listener, in-process test client) at a
  tenth of the data and at all of it: they must not grow with the data.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from bench import pages_seed
from bench.common import migrated_app
from bench.pages_seed import ACTIVITIES, MEETINGS, PARTS, PUBLICATIONS, World
from icat.extensions import db

BASE_URL = "http://127.0.0.1"
SECRET = "bench-only"
ROOT = Path(__file__).resolve().parent.parent
CLIENTS, WORKERS = 16, 2
SECONDS, ROUNDS = 4.0, 2
CEILING = ("minimal template route", "/bench/tiny")


def pages(world: World) -> list[tuple[str, str]]:
    return [
        ("dashboard", "/"),
        ("calendar month", f"/meetings?year={world.year}&month={world.month}"),
        ("meeting page", f"/meetings/{world.meeting_id}"),
        ("publications index", "/publications"),
        ("workplan page", f"/workplans/{world.plan_id}"),
    ]


# --- signing in and counting statements (in process) ------------------------------------------
def _token(page: str) -> str:
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "the login form carries a CSRF token"
    return token[1]


def _signed_in(app: Flask, email: str) -> object:
    """A test client signed in through the login form."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    data = {"email": email, "password": pages_seed.PASSWORD, "csrf_token": _token(form)}
    answer = client.post("/login", data=data)
    assert answer.status_code == 302, answer.status_code
    return client


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, *_args: object) -> None:
        self.n += 1


def _statements(client: object, engine: sa.Engine, routes: list[tuple[str, str]]) -> dict[str, int]:
    """Statements of each page's second request (the first of a session loads what later reuse)."""
    counter = Counter()
    found: dict[str, int] = {}
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        for label, path in routes:
            assert client.get(path).status_code == 200, path  # type: ignore[attr-defined]
            counter.n = 0
            assert client.get(path).status_code == 200, path  # type: ignore[attr-defined]
            found[label] = counter.n
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    return found


# --- serving and asking (over loopback) -------------------------------------------------------
AGENT = {"User-Agent": "icat-bench"}  # the login session is bound to address and agent


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> dict[str, str]:
    for header in response.msg.get_all("Set-Cookie") or []:
        jar |= {k: m.value for k, m in SimpleCookie(header).items()}
    return jar


def _http_sign_in(port: int, email: str) -> dict[str, str]:
    """Sign in through the served login form; the headers every later request sends."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/login", headers=AGENT)
        response = conn.getresponse()
        form = response.read().decode()
        jar = _cookies(response, {})
        body = urlencode({"email": email, "password": pages_seed.PASSWORD, "csrf_token": _token(form)})
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        headers = AGENT | {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.close()
        conn.request("POST", "/login", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 302, response.status
        jar = _cookies(response, jar)
        return AGENT | {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    finally:
        conn.close()


def _get(port: int, path: str, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = os.environ | {"ICAT_DATABASE_URL": url, "ICAT_SECRET_KEY": SECRET, "ICAT_BASE_URL": BASE_URL}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    cmd = [gunicorn, "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    proc = subprocess.Popen([*cmd, "bench.pages_app:app"], cwd=ROOT, env=env)
    try:
        for _ in range(300):
            try:
                if _get(port, "/healthz", {}) == 200:
                    return proc, port
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")
    except BaseException:
        proc.kill()
        proc.wait(10)
        raise


def _load(port: int, path: str, headers: dict[str, str], seconds: float) -> tuple[float, float, int]:
    """(requests/s, p95 seconds, requests) from CLIENTS threads asking for ``seconds``; each
    request a new connection (sync workers close it after answering)."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures: list[int] = []
    deadline = time.perf_counter() + seconds

    def client(mine: list[float]) -> None:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            status = _get(port, path, headers)
            mine.append(time.perf_counter() - began)
            if status != 200:
                failures.append(status)

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(mine,)) for mine in latencies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert not failures, (path, set(failures))
    every = sorted(x for mine in latencies for x in mine)
    p95 = statistics.quantiles(every, n=20)[-1] if len(every) > 1 else every[0]
    return len(every) / elapsed, p95, len(every)


def _served(url: str, email: str, routes: list[tuple[str, str]]) -> dict[str, tuple[float, float, int]]:
    """Each route's best round of ROUNDS (by requests/s), routes taking turns within a round."""
    proc, port = _gunicorn(url)
    best: dict[str, tuple[float, float, int]] = {}
    try:
        headers = _http_sign_in(port, email)
        assert _get(port, "/inbox", headers) == 200, "signed in"
        for _label, path in routes:
            for _ in range(2 * WORKERS):  # every worker renders every template once
                assert _get(port, path, headers) == 200, path
        for _round in range(ROUNDS):
            for label, path in routes:
                figure = _load(port, path, headers, SECONDS)
                if label not in best or figure[0] > best[label][0]:
                    best[label] = figure
    finally:
        proc.terminate()
        proc.wait(10)
    return best


# --- the run ----------------------------------------------------------------------------------
def _seed(factory: sessionmaker[Session], world: World | None, parts: range) -> World:
    with factory() as session:
        world = world or pages_seed.start(session)
        for part in parts:
            pages_seed.grow(session, world, part)
    return world


def run() -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="icat-bench-pages-"))
    url = f"sqlite:///{folder}/pages.sqlite3"
    app = migrated_app(url, BASE_URL=BASE_URL, SECRET_KEY=SECRET, TESTING=False)
    with app.app_context():
        engine = db.engine
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    began = time.perf_counter()
    world = _seed(factory, None, range(1))
    routes = pages(world)
    client = _signed_in(app, world.email)
    tenth = _statements(client, engine, routes)
    _seed(factory, world, range(1, PARTS))
    seeded = time.perf_counter() - began
    full = _statements(client, engine, routes)
    served = _served(url, world.email, [*routes, CEILING])
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return _report(routes, served, tenth, full, seeded)


def _report(routes, served, tenth: dict[str, int], full: dict[str, int], seeded: float) -> list[str]:
    ceiling = served[CEILING[0]]
    rows = []
    for label, path in routes:
        rate, p95, n = served[label]
        aim = "yes" if rate / ceiling[0] >= 0.20 else "**no**"
        rows.append(
            f"| {label} (`{path}`) | {rate:,.1f} | {p95 * 1000:,.0f} | {n:,} | {rate / ceiling[0]:.2f} | {aim} |"
        )
    constant = [
        f"| {label} | {tenth[label]} | {full[label]} | {'yes' if tenth[label] == full[label] else '**no**'} |"
        for label, _path in routes
    ]
    return [
        f"## Pages ({MEETINGS:,} meetings, every tenth a weekly series; {PUBLICATIONS:,} publications;"
        f" a workplan of {ACTIVITIES} activities; SQLite; gunicorn, {WORKERS} sync workers)",
        "",
        f"Signed in as the secretariat acting for UNODC (the dashboard with the secretariat's and an"
        f" entity's panels). {CLIENTS} concurrent client threads (http.client, a new connection each) on"
        f" loopback, each asking for {SECONDS:.0f} s; best of {ROUNDS} rounds, pages taking turns. The"
        " clients run on the same two cores as the server. Ceiling: a route of the same application"
        " rendering a tiny template (no database, no layout). Aim: each page ≥ 0.20 of the ceiling's"
        f" requests/s. Seeding through the services took {seeded:,.0f} s.",
        "",
        "| page | req/s | p95 ms | requests | ratio to ceiling | ≥ 0.20 |",
        "|---|---:|---:|---:|---:|:---:|",
        *rows,
        f"| ceiling: {CEILING[0]} (`{CEILING[1]}`) | {ceiling[0]:,.1f} | {ceiling[1] * 1000:,.0f}"
        f" | {ceiling[2]:,} | 1.00 | |",
        "",
        "SQL statements per page request (the second of a session), at a tenth of the data"
        f" ({MEETINGS // PARTS:,} meetings, {PUBLICATIONS // PARTS} publications, {ACTIVITIES // PARTS}"
        " activities) and at all of it:",
        "",
        "| page | statements at 1/10 | statements at full data | constant |",
        "|---|---:|---:|:---:|",
        *constant,
        "",
    ]
