"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from email.policy import default

from aiosmtpd.controller import Controller


class Sink:
    """Collects messages; ``fail_with`` makes it answer every DATA with that SMTP reply."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.fail_with: str | None = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.fail_with:
            return self.fail_with
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def keys(self) -> list[str]:
        with self._lock:
            return [m["X-ICAT-Delivery"] for m in self.messages]

    def wait_for(self, n: int, timeout: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.keys()) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.keys()


@contextmanager
def smtp_sink(port: int) -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
