"""Reading feeds with Mozilla's ical.js, run by node (``tests/js/expand.mjs``).

ical.js is the parser of Thunderbird's web relatives and of many web calendars; it reads
VTIMEZONEs its own way (first RDATE value only, DTSTART ignored beside RDATEs), so it finds
defects the Python parsers forgive. The npm package is pinned in ``tests/js/package.json``;
``.ci/run`` installs it, and this module runs ``npm ci`` itself once when it is missing.
Without node the checks fail in CI (``CI=true``) and are skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "js"
SCRIPT = TOOLS / "expand.mjs"
UNTIL = "2046-01-01"  # occurrences starting before this date are compared


def _missing(what: str) -> None:
    message = f"{what} is not installed: the ical.js feed checks need node and npm (apt-get install nodejs npm)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@cache
def _installed() -> bool:
    """``npm ci`` once per test process when ``tests/js/node_modules`` lacks ical.js."""
    if (TOOLS / "node_modules" / "ical.js" / "package.json").is_file():
        return True
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm")
    done = subprocess.run(
        [npm, "ci", "--prefix", str(TOOLS), "--no-audit", "--no-fund"], capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        pytest.fail(f"npm ci --prefix tests/js failed:\n{done.stdout}\n{done.stderr}")
    return True


def run(body: bytes, mode: str, *args: str) -> Any:
    """``expand.mjs <mode> <args>`` on ``body``: its JSON answer; fails with node's error."""
    node = shutil.which("node")
    if node is None:
        _missing("node")
    _installed()
    done = subprocess.run([node, str(SCRIPT), mode, *args], input=body, capture_output=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"ical.js could not read the feed:\n{done.stderr.decode()}")
    return json.loads(done.stdout)


def occurrences(body: bytes, until: str = UNTIL) -> list[dict[str, Any]]:
    """Every VEVENT's occurrences as ical.js expands them (RRULE, EXDATE, RECURRENCE-ID):
    ``uid, tzid, recurrence_id, start, end`` (wall clock in the event's zone, or dates),
    ``start_utc, end_utc`` (None when floating or all day), ``all_day, status, summary``."""
    return run(body, "occurrences", until)


def offsets(body: bytes, first: int, last: int) -> dict[str, list[tuple[int, int]]]:
    """Per VTIMEZONE, the offset ical.js gives each wall-clock hour from 1 January ``first``
    to 1 January ``last``: ``[(wall clock read as UTC seconds, offset seconds)]`` at each
    change, the first hour included."""
    return {tzid: [(s, o) for s, o in changes] for tzid, changes in run(body, "offsets", str(first), str(last)).items()}
