"""Moving keep-alive connections off a worker whose executions queue.

With several workers, uvicorn's processes accept from one shared listening socket, and a
connection stays with the worker that accepted it. A client's pool of keep-alive
connections reuses the most recently freed one, so the load follows a few connections, not
the workers: at half of the maximum rate one worker served 68-77% of the requests of each
window, and at 1,278 requests/s one worker took all of them for 12 s while the other idled
(docs/performance.md, fourteenth session). A worker whose executions wait for a runtime
answers a request now and then with `Connection: close`; the client opens a new connection,
which goes to the worker that accepts first, usually the idle one. At most `per_second`
closes a worker, so that a service loaded in every worker pays a few handshakes a second,
not one per request. One worker: nothing to move to, off.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["Rebalancer"]


class Rebalancer:
    __slots__ = ("_clock", "_interval", "_next")

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else math.inf
        self._clock = clock
        self._next = -math.inf

    @property
    def enabled(self) -> bool:
        return self._interval != math.inf

    def close_now(self, waiting: int) -> bool:
        """Whether this response should close its connection: executions wait here, and the
        last close was at least 1/per_second ago."""
        if waiting <= 0 or not self.enabled:
            return False
        now = self._clock()
        if now < self._next:
            return False
        self._next = now + self._interval
        return True
