"""The runtime pool: a fixed set of bootstrapped runtimes shared by executions.

Bookkeeping lives on the event loop (no locks); creating and closing runtimes,
which block for milliseconds, run in threads. Waiting executions are served in
arrival order. A runtime that must not be reused is retired: closed in a thread
and replaced, so the pool returns to its size without stalling requests.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ErrorType, ExecutionFailure
from .runtime import Runtime

__all__ = ["PoolStats", "RuntimePool"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PoolStats:
    size: int
    idle: int
    in_use: int
    waiting: int
    creating: int
    retired_total: int


class RuntimePool:
    def __init__(
        self,
        factory: Callable[[], Runtime],
        *,
        size: int,
        max_waiting: int,
    ) -> None:
        self._factory = factory
        self._size = size
        self._max_waiting = max_waiting
        self._idle: collections.deque[Runtime] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[Runtime]] = collections.deque()
        self._in_use: set[Runtime] = set()
        self._creating = 0
        self._retired_total = 0
        self._closing = False
        self._background: set[asyncio.Task[None]] = set()

    # -- life cycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Creates the initial runtimes (in threads) and waits until they are ready."""
        started = time.perf_counter()
        runtimes = await asyncio.gather(*(asyncio.to_thread(self._factory) for _ in range(self._size)))
        for runtime in runtimes:
            self._offer(runtime)
        log.info("pool started", extra={"size": self._size, "ms": round((time.perf_counter() - started) * 1000, 1)})

    async def close(self, drain_timeout: float) -> None:
        """Stops handing out runtimes, waits for in-use ones up to `drain_timeout`,
        then closes everything."""
        self._closing = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(_saturated("the service is shutting down", 1.0))
        self._waiters.clear()
        deadline = time.monotonic() + drain_timeout
        while self._in_use and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if self._background:
            await asyncio.wait(self._background, timeout=max(deadline - time.monotonic(), 0.1))
        runtimes = list(self._idle) + list(self._in_use)
        self._idle.clear()
        self._in_use.clear()
        await asyncio.gather(*(asyncio.to_thread(r.close) for r in runtimes))

    # -- leasing ----------------------------------------------------------------------

    async def acquire(self, timeout: float) -> Runtime:
        """A runtime for one execution; ConcurrencyError when none frees up in time
        or too many executions are already waiting."""
        if self._closing:
            raise _saturated("the service is shutting down", 1.0)
        if self._idle and not self._waiters:
            runtime = self._idle.popleft()
            self._in_use.add(runtime)
            return runtime
        if len(self._waiters) >= self._max_waiting:
            raise _saturated(f"too many executions waiting ({len(self._waiters)})", 1.0)
        waiter: asyncio.Future[Runtime] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            self._reclaim(waiter)
            raise _saturated(f"no runtime became free within {timeout * 1000:.0f} ms", timeout) from None
        except BaseException:
            self._reclaim(waiter)
            raise

    def release(self, runtime: Runtime) -> None:
        """Returns a clean runtime for the next execution."""
        self._in_use.discard(runtime)
        if self._closing:
            self._spawn(asyncio.to_thread(runtime.close))
            return
        self._offer(runtime)

    def retire(self, runtime: Runtime, reason: str) -> None:
        """Closes `runtime` and builds its replacement, both off the event loop."""
        self._in_use.discard(runtime)
        self._retired_total += 1
        log.info("runtime retired", extra={"runtime": runtime.id, "reason": reason})
        self._spawn(self._replace(runtime))

    def stats(self) -> PoolStats:
        return PoolStats(
            size=len(self._idle) + len(self._in_use) + self._creating,
            idle=len(self._idle),
            in_use=len(self._in_use),
            waiting=len(self._waiters),
            creating=self._creating,
            retired_total=self._retired_total,
        )

    # -- internals --------------------------------------------------------------------

    def _offer(self, runtime: Runtime) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._in_use.add(runtime)
                waiter.set_result(runtime)
                return
        self._idle.append(runtime)

    def _reclaim(self, waiter: asyncio.Future[Runtime]) -> None:
        """The caller stopped waiting; if a runtime was handed over meanwhile, pass it on."""
        try:
            self._waiters.remove(waiter)
        except ValueError:
            pass
        if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
            runtime = waiter.result()
            self._in_use.discard(runtime)
            self._offer(runtime)

    async def _replace(self, runtime: Runtime) -> None:
        self._creating += 1
        try:
            await asyncio.to_thread(runtime.close)
            if self._closing:
                return
            fresh = await asyncio.to_thread(self._factory)
        except Exception:
            log.exception("runtime replacement failed")
            return
        finally:
            self._creating -= 1
        if self._closing:
            await asyncio.to_thread(fresh.close)
        else:
            self._offer(fresh)

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
        self._background.add(task)
        task.add_done_callback(self._background.discard)


def _saturated(message: str, retry_after: float) -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.CONCURRENCY, f"Service saturated: {message}", retry_after=retry_after)
