"""Real worker processes (``flask --app wsgi icat worker``) for tests, with their logs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """One ``flask --app wsgi icat worker`` process with its log in a file."""

    def __init__(self, database_url: str, log: Path, **settings: str) -> None:
        env = (
            os.environ
            | {
                "ICAT_DATABASE_URL": database_url,
                "ICAT_SECRET_KEY": "worker-test",
                "ICAT_WORKER_POLL_SECONDS": "1",
                "ICAT_OUTBOX_BATCH_SIZE": "5",
            }
            | settings
        )
        self.log = log
        with log.open("w") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "icat", "worker"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def text(self) -> str:
        return self.log.read_text()

    def wait_started(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while "worker started" not in self.text():
            assert self.proc.poll() is None, f"worker died:\n{self.text()}"
            assert time.monotonic() < deadline, f"worker did not start:\n{self.text()}"
            time.sleep(0.1)

    def claimed(self) -> int:
        return sum(int(n) for n in re.findall(r"RelayStats\(claimed=(\d+)", self.text()))

    def stop(self) -> int:
        """SIGTERM, as a process manager stops it; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


@pytest.fixture
def start_worker(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(**settings: str) -> Worker:
        worker = Worker(database_url, tmp_path / f"worker{len(workers)}.log", **settings)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.proc.poll() is None:
            worker.proc.kill()
            worker.proc.wait()
