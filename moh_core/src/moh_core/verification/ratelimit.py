"""A small in-memory rate limiter: at most ``limit`` events per key in a sliding window.

The public verification page (no login) lets anyone look a code up or upload a PDF to be
validated; both cost the server a signature validation. The limiter counts each client's
attempts (the key is whatever the caller chooses, e.g. a hash of the client's address, so that no
address is kept) in the last ``window`` seconds and refuses beyond the limit, saying how long to
wait. It is per process: a server with N worker processes lets a client through at most N times
the limit, which still bounds the work; state is lost on restart, which only forgives.

Memory is bounded: at most ``max_keys`` keys are tracked; when a new key would exceed it, the
keys whose last attempt is oldest are forgotten first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """At most ``limit`` hits per key within ``window`` seconds (the limit is given at each hit,
    so that a setting changed at run time applies at once)."""

    def __init__(
        self,
        *,
        window: float = 60.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if window <= 0 or max_keys < 1:
            raise ValueError("window and max_keys must be positive")
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int) -> float | None:
        """Record an attempt by ``key``: None when allowed, else the seconds (> 0) until the
        oldest counted attempt leaves the window (a refused attempt is not counted)."""
        if limit < 1:
            raise ValueError("limit must be positive")
        now = self._clock()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            self._hits[key] = hits  # most recently used last
            if len(hits) >= limit:
                return max(hits[-limit] + self.window - now, 0.001)
            hits.append(now)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return None

    def clear(self) -> None:
        """Forget every key."""
        with self._lock:
            self._hits.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)
