"""A small bounded LRU for rendered iCalendar bytes, one per process.

Why process memory and not a database table: a rendered block is a pure function of its
key (row id, version, overrides' stamp, host), so an entry can never be stale and needs no
invalidation; reading it costs no query and writing it no write on a GET. Each web process
warms its own copy once (the first feed request renders every event, about 0.3 ms each);
after that only changed rows are rendered. Bounded, so memory stays flat.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class LRU:
    """Thread-safe least-recently-used map with at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def get_many(self, keys: list[Hashable]) -> list[bytes | None]:
        """Values for ``keys`` in order (None where absent), under one lock."""
        with self._lock:
            data = self._data
            found = [data.get(key) for key in keys]
            for key, value in zip(keys, found, strict=True):
                if value is not None:
                    data.move_to_end(key)
            return found

    def put(self, key: Hashable, value: bytes) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


# Blocks of every meeting and observance; whole feed bodies by ETag (a few dozen feeds).
BLOCKS = LRU(100_000)
BODIES = LRU(128)  # plain and gzip-coded bodies
