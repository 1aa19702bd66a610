"""Browser fixtures: the real application on a loopback port, driven by Debian's Chromium
through Playwright's sync API (DESIGN §10).

The server runs in a thread of the test process on ``127.0.0.1``; Chromium is a separate
process, so the loopback-only socket guard of ``tests/conftest.py`` does not see it, and it
is launched with every background fetch switched off so it never tries the closed network.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = "Debian's chromium is not installed (apt-get install chromium)"
TIMEOUT_MS = 10_000  # fail fast: every page here is local and small


def require_chromium() -> None:
    """Fail on CI (a skipped browser suite there would hide the gap); skip elsewhere."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{MISSING_CHROMIUM}: CI must run the browser tests, {CHROMIUM} is missing.")
    pytest.skip(MISSING_CHROMIUM)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per module.

    The sync API runs its own event loop in a greenlet and closes it on exit; it refuses to
    start inside a running loop, so check for one first and say why instead.
    """
    require_chromium()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # pragma: no cover - only if some plugin left a loop running in this thread
        pytest.fail("an asyncio loop is running in the test thread: Playwright's sync API cannot start")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The application served on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="icat-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) whose relative URLs go to the live server.

    Closed before the server stops, so no keep-alive connection outlives the test.
    """
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
