"""Sign-in throttling: after repeated failures for one account or from one
client address, every further attempt waits longer, right or wrong password."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

FREE_FAILURES = 5  # failures allowed before waiting starts
FIRST_WAIT = 30.0  # seconds after the fifth failure; doubles with each failure after
LONGEST_WAIT = 3600.0


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


class Throttle:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    def _wait(self, record: _Record) -> float:
        if record.failures < FREE_FAILURES:
            return 0.0
        wait = min(FIRST_WAIT * 2 ** (record.failures - FREE_FAILURES), LONGEST_WAIT)
        return max(0.0, record.last + wait - self.clock())

    def wait_for(self, *keys: str) -> float:
        """Seconds before another attempt may be checked (0: now)."""
        with self._lock:
            return max((self._wait(self._records[k]) for k in keys if k in self._records), default=0.0)

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                record.last = self.clock()

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)
