"""The runtime pool and its health checker (DESIGN.md section 4).

All bookkeeping lives on the event loop, so there is no lock: every method here
runs on the loop and never blocks. Creating a runtime and closing one block, so
they run in threads. A health check takes a snapshot, plans with the pure
rules of policy.py, and applies the plan in short synchronous steps; the longest
such step is measured (`health_check_loop_block_seconds`) because it is the only
time a check can delay a request.

Executions wait in arrival order. A runtime that must not be reused is retired:
taken out of service at once and replaced off the loop, so no request ever gets
it and the pool returns to its size.

Which idle runtime an execution gets (issue #24). The first `require` of a module in a
runtime runs on the request that needs it (lodash 30-47 ms, xlsx ~300 ms,
bench/module_cost.py), so:
- module-aware: `acquire(modules=...)` takes the most recently used idle runtime that
  has every module the code block names loaded; only when none has them does it take
  the most recently used idle one anyway (it never waits for a warm one to free up).
- LIFO: idle runtimes are handed out most recently used first. A steady load then runs
  on the smallest warm subset of the pool (warm CPU caches, modules already loaded,
  the rest idles out); FIFO would spread it over every runtime, each colder and each
  paying the first-use loads. With it and the module-aware choice, the lodash block at
  300 req/s found a runtime with lodash in 99.95% of acquires (warmHits 8,155 and
  10,964 against 4 and 4 cold picks on 2 workers, bench/tail_latency.py). FIFO against
  LIFO (bench/idle_order.py) was not conclusive on the loaded machine of that session
  (50 req/s, 4 runtimes: p99 202 against 10 ms; at 150 req/s both queued for seconds):
  docs/performance.md, "Tail latency at light load".
- built in the background: runtimes for growth and replacement are built on threads in
  SCHED_IDLE (`build_thread_setup`, engine.enter_background), and so are their isolates'
  threads until they are published: bootstrapping and warming one (~60 ms of CPU with
  lodash) then takes only CPU that no request wants. Building them at normal priority made
  the start of a parked load a latency spike on 2 cores (docs/performance.md, "Thirteenth
  session"); runtime creation "never delays a request that an idle runtime could serve".
- memory given back when quiet: once nothing has been in use or waiting for
  `_QUIET_GC_AFTER_S`, the idle runtimes that ran code since their last full GC get one,
  one at a time, each taken out of service meanwhile. Under load each heap holds up to
  ~23 MB of garbage between V8's own collections, and V8's memory reducer, which would
  shrink it once the isolate idles, is a delayed task that an isolate waiting for work
  never runs: a worker with 4 runtimes stayed at ~204 MB after a burst, and fell to
  ~127 MB after a full GC of each (docs/performance.md, "Thirteenth session").
- warm-up off the request path: a new runtime (growth, replacement, start) loads,
  before it is published, PRELOAD_MODULES and the modules recent executions used
  (policy.ModuleUsage, policy.warm_set), most used first, within WARMUP_BUDGET_MB of V8
  heap per runtime (each module's heap is measured the first time it is warmed, until
  then estimated from its bundle's size). A runtime recycled for its executions or age is
  replaced by one that also loads what it had loaded and recent executions still use
  (`_inherited`): the memory is the same, and no request pays for a module beyond the
  budget that the recycled runtime had. Runtimes are built and warmed in threads and
  on their isolates' own threads; the event loop only posts work. A request waits for a
  warming runtime only when no other runtime is free (it is counted in the pool's size
  but not idle), and never has it handed over cold.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from . import metrics
from .errors import ErrorType, ExecutionFailure, RetireReason
from .i18n import Message, msg
from .policy import (
    MIN_WARM_SHARE,
    ModuleUsage,
    Plan,
    PoolPolicy,
    RuntimeHealth,
    growth_wanted,
    next_interval,
    plan,
    warm_set,
)
from .runtime import Runtime

__all__ = ["PoolStats", "RuntimePool", "WarmUp"]

log = logging.getLogger(__name__)

# Heap statistics are read from at most this many idle runtimes per check, because
# each read takes V8 CPU from requests (docs/performance.md, "Figures behind the
# code's choices"); the runtimes that ran the most executions since their last reading go first.
_HEAP_SAMPLE_PER_CHECK = 2
# How long an execution waits for a runtime before the pool grows on demand.
_GROW_AFTER_WAIT_S = 0.005
# Runtimes built at once when the pool grows. Building (~18 ms of CPU) and warming (lodash
# ~40 ms) are CPU work: a batch of 5 built at once on 2 cores made every one of them late,
# and requests waited for the whole batch. On bench/tail_latency.py --growth (a burst of
# timer-parked blocks under 300 req/s), quiet machine, p99 of the measured requests:
# unthrottled 433-596 ms (median ~510, 6 runs), 2 at a time 273-405 (3 runs), 1 at a time
# 75-372 (median ~170, 7 runs); a burst of 32 parked executions from a pool of 4
# (bench/pool_growth.py): 564-571 ms unthrottled, 493-549 with 2, 632-647 with 1 (and its
# second burst 380-404 ms against ~213: the pool reaches its size later). 2 gains on both;
# 1 would trade I/O bursts for the growth step.
_GROWTH_BUILDS = 2
# How long the pool must be quiet (nothing in use or waiting) before idle runtimes get a
# full GC (module docstring). Long enough that a steady load never pays for it.
_QUIET_GC_AFTER_S = 1.0
# Retirements whose replacement loads the modules the retired runtime had (_inherited).
_INHERITING = frozenset({RetireReason.EXECUTIONS, RetireReason.AGE})


def _no_estimate(name: str) -> int:
    return 0


@dataclass(frozen=True, slots=True)
class WarmUp:
    """What a new runtime loads before it serves (the module docstring)."""

    preload: tuple[str, ...] = ()  # PRELOAD_MODULES, resolved: always loaded
    budget_bytes: int = 0  # V8 heap per runtime for the modules of recent executions; 0: preload only
    # A module's heap before it was ever measured (service.py: from its bundle's size).
    estimate: Callable[[str], int] = _no_estimate
    timeout_s: float = 30.0


@dataclass(frozen=True, slots=True)
class PoolStats:
    size: int
    idle: int
    in_use: int
    maintenance: int
    waiting: int
    creating: int
    min_size: int
    max_size: int
    rebuilt_total: int
    checks_total: int


class RuntimePool:
    def __init__(
        self,
        factory: Callable[[], Runtime],
        *,
        policy: PoolPolicy,
        initial: int,
        max_waiting: int,
        check_interval_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        warm_up: WarmUp | None = None,
        build_thread_setup: Callable[[], None] | None = None,
    ) -> None:
        self._factory = factory
        # Growth and replacements are built on these threads (module docstring); None: on
        # asyncio's default threads, at the loop's priority.
        self._builder = None if build_thread_setup is None else concurrent.futures.ThreadPoolExecutor(
            max_workers=_GROWTH_BUILDS + 1, thread_name_prefix="runtime-build", initializer=build_thread_setup)
        self._warm_up = warm_up if warm_up is not None else WarmUp()
        self.usage = ModuleUsage()
        self.module_costs: dict[str, int] = {}  # heap bytes per module, measured when first warmed
        # Module-aware acquires: served by a runtime that had the modules / had to fall back.
        self.warm_hits = 0
        self.cold_picks = 0
        self.policy = policy
        self._initial = min(max(initial, policy.min_size), policy.max_size)
        self._max_waiting = max_waiting
        self._check_interval_s = check_interval_s
        self._clock = clock
        self._all: dict[int, Runtime] = {}
        self._idle: collections.deque[Runtime] = collections.deque()  # least recently used on the left
        self._in_use: set[Runtime] = set()
        self._maintenance: set[Runtime] = set()
        self._doomed: dict[Runtime, RetireReason] = {}  # in use now, retired when released
        self._waiters: collections.deque[asyncio.Future[Runtime]] = collections.deque()
        self._creating = 0
        self._rebuilt_total = 0
        self._checks_total = 0
        self._closing = False
        self._background: set[asyncio.Task[Any]] = set()
        self._health_task: asyncio.Task[None] | None = None
        self.last_check_loop_block_s = 0.0
        # Replacements are maintenance: built one at a time, so a batch of recycled
        # runtimes never takes every core from requests at once. Growth is built at most
        # _GROWTH_BUILDS at a time, so that the first new runtimes are ready soon.
        self._replacing = asyncio.Semaphore(1)
        self._growing = asyncio.Semaphore(_GROWTH_BUILDS)
        self._quiet_timer: asyncio.TimerHandle | None = None
        self._quiet_since = float("-inf")  # loop time when the last execution in use ended
        self._collecting = False  # a quiet collection runs (one at a time)
        self._collection: asyncio.Future[None] | None = None  # close() waits for it
        self.quiet_collections = 0

    # -- life cycle -------------------------------------------------------------------

    async def start(self, *, health_checks: bool = True) -> None:
        """Creates the initial runtimes (in threads) and starts the health checker."""
        started = time.perf_counter()
        runtimes = await asyncio.gather(*(self._build(background=False) for _ in range(self._initial)))
        for runtime in runtimes:
            runtime.on_parked = self._grow_on_demand
            self._all[runtime.id] = runtime
            self._offer(runtime)
        self._publish_gauges()
        if health_checks:
            self._health_task = asyncio.ensure_future(self._health_loop())
        log.info("pool started", extra={"size": self._initial, "ms": round((time.perf_counter() - started) * 1000, 1)})

    async def close(self, drain_timeout: float) -> None:
        """Stops handing out runtimes, lets in-use ones finish up to `drain_timeout`,
        then closes every runtime."""
        self._closing = True
        if self._quiet_timer is not None:
            self._quiet_timer.cancel()
        if self._health_task is not None:
            self._health_task.cancel()
            # A check may be reading heaps in a thread: let it finish before any
            # runtime is closed under it.
            with contextlib.suppress(asyncio.CancelledError):
                await self._health_task
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(_saturated(msg("the service is shutting down"), 1.0))
        self._waiters.clear()
        deadline = time.monotonic() + drain_timeout
        while (self._in_use or self._creating) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        pending = [t for t in self._background if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=max(deadline - time.monotonic(), 0.1))
        if self._collection is not None:
            # A quiet collection's GC runs in a thread on an idle runtime (engine's
            # collect_garbage takes no lock): one GC, let it finish before closing.
            await asyncio.wait((self._collection,))
        runtimes = list(self._all.values())
        self._all.clear()
        self._idle.clear()
        self._in_use.clear()
        self._maintenance.clear()
        if runtimes:
            await asyncio.to_thread(_close_all, runtimes)
        if self._builder is not None:
            self._builder.shutdown(wait=False)
        self._publish_gauges()

    # -- leasing ----------------------------------------------------------------------

    async def acquire(self, timeout: float, modules: tuple[str, ...] = ()) -> Runtime:
        """A runtime for one execution whose code block names `modules`: preferably an
        idle one that has them loaded (module docstring). ConcurrencyError (429) when
        none frees up in `timeout` or too many executions already wait."""
        if self._closing:
            raise ExecutionFailure.of(ErrorType.SERVICE_UNAVAILABLE,
                                      msg("the service is shutting down; retry on another replica"), retry_after=1.0)
        self.usage.record(modules)
        if self._idle and not self._waiters:
            runtime = self._take_idle(modules) if modules else self._idle.pop()  # most recently used first
            self._in_use.add(runtime)
            metrics.pool_in_use.set(len(self._in_use))
            return runtime
        if len(self._waiters) >= self._max_waiting:
            raise _saturated(msg("%(count)s executions are already waiting", count=len(self._waiters)), 1.0)
        waiter: asyncio.Future[Runtime] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        metrics.pool_waiting.set(len(self._waiters))
        # A runtime is usually back within a millisecond (its reset runs right after
        # the response); grow only when the wait is real.
        loop = asyncio.get_running_loop()
        grow_timer = loop.call_later(_GROW_AFTER_WAIT_S, self._grow_on_demand)
        # A plain timer rather than asyncio.wait_for (a task per wait): under load
        # most executions wait here.
        expiry = loop.call_later(timeout, _expire, waiter)
        try:
            return await waiter
        except _WaitExpired:
            self._reclaim(waiter)
            waited = msg("no runtime became free within %(ms)s ms", ms=round(timeout * 1000))
            raise _saturated(waited, timeout) from None
        except BaseException:
            self._reclaim(waiter)
            raise
        finally:
            expiry.cancel()
            grow_timer.cancel()
            metrics.pool_waiting.set(len(self._waiters))

    def _take_idle(self, modules: tuple[str, ...]) -> Runtime:
        """The most recently used idle runtime that has `modules`, else the most recently
        used one (it loads them on the request: never wait for a warm one)."""
        idle = self._idle
        for index in range(len(idle) - 1, -1, -1):
            runtime = idle[index]
            if runtime.has_modules(modules):
                del idle[index]
                self.warm_hits += 1
                return runtime
        self.cold_picks += 1
        return idle.pop()

    def warm_modules(self) -> tuple[str, ...]:
        """What a runtime built now loads before it serves."""
        costs = {name: self.module_costs.get(name, self._warm_up.estimate(name)) for name in self.usage.weights}
        return warm_set(self.usage.weights, costs, budget_bytes=self._warm_up.budget_bytes,
                        executions=self.usage.executions, preload=self._warm_up.preload)

    def _inherited(self, replacing: Runtime, reason: RetireReason) -> tuple[str, ...]:
        """The modules a replacement loads besides `warm_modules()`: those the runtime it
        replaces had loaded and recent executions still use, when it is only recycled (its
        executions or age). Its memory held them already, and without them the next request
        for one beyond the budget would load it on the request path (xlsx: ~300 ms; docs/
        performance.md, fourteenth session). Not after heap growth: they may be its cause."""
        if reason not in _INHERITING:
            return ()
        floor = self.usage.executions * MIN_WARM_SHARE
        weights = self.usage.weights
        return tuple(sorted(name for name in replacing.modules if weights.get(name, 0.0) >= floor > 0))

    async def _build(self, *, background: bool = True, inherit: tuple[str, ...] = ()) -> Runtime:
        """A new runtime, warmed (module docstring) with `warm_modules()` and `inherit`:
        created in a thread (a background one unless told otherwise), its modules loaded on
        its isolate's thread, each new module's heap measured in a thread. A runtime whose
        warm-up fails is closed and replaced: built again without `inherit` if it had some,
        else by a cold one."""
        if background and self._builder is not None:
            runtime = await asyncio.get_running_loop().run_in_executor(self._builder, self._factory)
        else:
            runtime = await asyncio.to_thread(self._factory)
        names = tuple(dict.fromkeys(self.warm_modules() + inherit))
        if not names:
            return runtime
        started = time.perf_counter()
        measured = True  # heap_used is current (Runtime.create measures it)
        for name in names:
            if runtime.has_modules((name,)):
                continue
            learn = name not in self.module_costs
            if learn and not measured:
                await asyncio.to_thread(runtime.measure_heap, self._clock())
            before = runtime.heap_used or 0
            if not await runtime.warm((name,), self._warm_up.timeout_s):
                self._spawn(asyncio.to_thread(runtime.close))
                if inherit:  # once more with the warm set alone: it warmed before inheriting
                    return await self._build(background=background)
                return await asyncio.to_thread(self._factory)
            measured = learn
            if learn:
                await asyncio.to_thread(runtime.measure_heap, self._clock())
                self.module_costs[name] = max((runtime.heap_used or 0) - before, 0)
        log.debug("runtime warmed", extra={"runtime": runtime.id, "js_modules": list(names),
                                           "ms": round((time.perf_counter() - started) * 1000, 1)})
        return runtime

    def release(self, runtime: Runtime) -> None:
        """Returns a clean runtime after an execution."""
        self._in_use.discard(runtime)
        reason = self._doomed.pop(runtime, None)
        if reason is not None:
            self.retire(runtime, reason)
            return
        if self._closing:
            self._all.pop(runtime.id, None)
            self._spawn(asyncio.to_thread(runtime.close))
        else:
            self._offer(runtime)
            if not self._in_use:
                self._arm_quiet_gc()
        metrics.pool_in_use.set(len(self._in_use))

    # -- memory when quiet --------------------------------------------------------------

    def _arm_quiet_gc(self) -> None:
        """(Re)starts the quiet period: called whenever the last execution in use ends."""
        loop = asyncio.get_running_loop()
        self._quiet_since = loop.time()
        if self._quiet_timer is not None:
            self._quiet_timer.cancel()
        self._quiet_timer = loop.call_later(_QUIET_GC_AFTER_S, self._collect_when_quiet)

    def _collect_when_quiet(self) -> None:
        """One idle runtime that ran code since its last full GC gets one, off the loop;
        then the next, while the pool stays quiet (a new quiet period starts after load).
        An execution that ran during a collection restarts the quiet period: the next
        collection waits for it to end, so a light steady load (the pool empty between its
        executions) does not keep one runtime after another in a full GC."""
        if self._quiet_timer is not None:
            self._quiet_timer.cancel()
        self._quiet_timer = None
        if self._closing or self._in_use or self._waiters or self._collecting:
            return  # busy: the last release re-arms; collecting: its end goes on
        loop = asyncio.get_running_loop()
        remaining = self._quiet_since + _QUIET_GC_AFTER_S - loop.time()
        if remaining > 0:
            self._quiet_timer = loop.call_later(remaining, self._collect_when_quiet)
            return
        runtime = next((r for r in reversed(self._idle) if r.execution_count > r.collected_executions), None)
        if runtime is None:
            return
        self._idle.remove(runtime)
        self._maintenance.add(runtime)
        self._collecting = True
        self._collection = asyncio.ensure_future(asyncio.to_thread(runtime.collect_garbage))
        self._spawn(self._collect(runtime, self._collection))

    async def _collect(self, runtime: Runtime, collection: asyncio.Future[None]) -> None:
        try:
            await asyncio.shield(collection)
            self.quiet_collections += 1
        except Exception:
            log.exception("full gc of an idle runtime failed", extra={"runtime": runtime.id})
        finally:
            self._collecting = False
            self._maintenance.discard(runtime)
            if runtime.id in self._all and not self._closing:
                self._offer(runtime)
        self._collect_when_quiet()

    def retire(self, runtime: Runtime, reason: RetireReason, *, quiet: bool = False) -> None:
        """Takes `runtime` out of service now; closes and replaces it off the loop."""
        self._take_out(runtime)
        self._publish_gauges()
        self._rebuilt_total += 1
        metrics.runtime_rebuilt_total.labels(reason=reason).inc()
        if not quiet:  # a health check logs one summary line instead
            log.info("runtime retired", extra={"runtime": runtime.id, "reason": reason})
        if self._closing:
            self._spawn(asyncio.to_thread(runtime.close))
            return
        self._creating += 1
        self._spawn(self._create_one(replacing=runtime, inherit=self._inherited(runtime, reason)))

    # -- health -----------------------------------------------------------------------

    async def check(self) -> Plan:
        """One health check: sample heaps, snapshot, plan, then apply the plan one
        action at a time, yielding to the event loop between actions."""
        started = time.perf_counter()
        longest = await self._sample_heaps()
        step = time.perf_counter()
        snapshot = self.snapshot()
        longest = max(longest, time.perf_counter() - step)
        await asyncio.sleep(0)
        step = time.perf_counter()
        # Planning works on the snapshot alone; the actions re-check live state.
        decided = plan(
            snapshot, creating=self._creating, waiting=len(self._waiters), policy=self.policy, now=self._clock()
        )
        longest = max(longest, time.perf_counter() - step)
        for action in self._actions(decided):
            await asyncio.sleep(0)
            step = time.perf_counter()
            action()
            longest = max(longest, time.perf_counter() - step)
        self._publish_gauges()
        self.last_check_loop_block_s = longest
        self._checks_total += 1
        metrics.health_check_duration_seconds.observe(time.perf_counter() - started)
        metrics.health_check_loop_block_seconds.observe(longest)
        if not decided.empty:
            log.info(
                "health check",
                extra={"rebuild": len(decided.rebuild), "release": len(decided.release), "grow": decided.grow,
                       "size": self.size, "loop_block_ms": round(longest * 1000, 3)},
            )
        return decided

    def snapshot(self) -> list[RuntimeHealth]:
        busy = self._in_use | self._maintenance | self._doomed.keys()
        make = RuntimeHealth._make  # positional: several times faster than keywords
        return [
            make((rt.id, rt.created_at, rt.last_used_at, rt.execution_count, rt.error_count, rt.timeout_count,
                  rt in busy, rt.heap_used, rt.heap_baseline, rt.parked))
            for rt in self._all.values()
        ]

    @property
    def size(self) -> int:
        return len(self._all) + self._creating

    @property
    def waiting(self) -> int:
        """Executions waiting for a runtime now."""
        return len(self._waiters)

    def stats(self) -> PoolStats:
        return PoolStats(
            size=self.size, idle=len(self._idle), in_use=len(self._in_use), maintenance=len(self._maintenance),
            waiting=len(self._waiters), creating=self._creating, min_size=self.policy.min_size,
            max_size=self.policy.max_size, rebuilt_total=self._rebuilt_total, checks_total=self._checks_total,
        )

    # -- internals --------------------------------------------------------------------

    async def _health_loop(self) -> None:
        interval = self._check_interval_s
        while not self._closing:
            await asyncio.sleep(interval)
            try:
                await self.check()
            except Exception:
                log.exception("health check failed")
            interval = next_interval(self._check_interval_s, len(self._in_use), self.size)

    async def _sample_heaps(self) -> float:
        """Reads V8 heap statistics of a few idle runtimes (rotating), off the loop.
        Returns the longest synchronous step on the loop."""
        step = time.perf_counter()
        candidates = sorted(
            (r for r in self._idle if r.execution_count > r.heap_measured_executions),
            key=lambda r: r.heap_measured_executions - r.execution_count,
        )[:_HEAP_SAMPLE_PER_CHECK]
        for runtime in candidates:
            self._idle.remove(runtime)
            self._maintenance.add(runtime)
        longest = time.perf_counter() - step
        if not candidates:
            return longest
        now = self._clock()
        reading = asyncio.ensure_future(asyncio.to_thread(_measure_heaps, candidates, now))
        try:
            await asyncio.shield(reading)
        except asyncio.CancelledError:
            # The thread keeps reading these runtimes: wait for it (shutdown closes them next).
            await asyncio.wait((reading,))
            raise
        except Exception:
            log.exception("heap sampling failed")
        finally:
            step = time.perf_counter()
            for runtime in candidates:
                self._maintenance.discard(runtime)
                if runtime.id in self._all and not self._closing:
                    self._offer(runtime)
        return max(longest, time.perf_counter() - step)

    def _actions(self, decided: Plan) -> list[Callable[[], None]]:
        """The plan as small steps. Each re-checks the runtime's state when it runs:
        requests may have taken or returned runtimes in between."""
        actions: list[Callable[[], None]] = []
        for runtime_id, reason in decided.rebuild:
            actions.append(functools.partial(self._rebuild_by_id, runtime_id, reason))
        for runtime_id in decided.release:
            actions.append(functools.partial(self._release_by_id, runtime_id))
        if decided.grow:
            actions.append(functools.partial(self._grow, decided.grow))
        return actions

    def shed(self, reason: RetireReason, *, busy_too: bool = False) -> int:
        """Memory backstop (service.py): closes idle runtimes above the minimum and
        rebuilds idle ones that have run code (a fresh runtime holds only its baseline
        heap); with `busy_too`, runtimes in use are retired when their execution ends.
        Returns how many were affected."""
        affected = 0
        if busy_too:
            for runtime in list(self._in_use):
                if runtime not in self._doomed:
                    self._doomed[runtime] = reason
                    affected += 1
        for runtime in list(self._idle):
            if not self._is_idle(runtime):
                continue
            if self.size > self.policy.min_size and not self._waiters:
                self._release_by_id(runtime.id)
                affected += 1
            elif runtime.execution_count > 0:
                self.retire(runtime, reason, quiet=True)
                affected += 1
        self._publish_gauges()
        return affected

    def _is_idle(self, runtime: Runtime) -> bool:
        return runtime.id in self._all and runtime not in self._in_use and runtime not in self._maintenance

    def _rebuild_by_id(self, runtime_id: int, reason: RetireReason) -> None:
        runtime = self._all.get(runtime_id)
        if runtime is None:
            return
        if self._is_idle(runtime):
            self.retire(runtime, reason, quiet=True)
        else:  # busy: retired when released
            self._doomed.setdefault(runtime, reason)

    def _release_by_id(self, runtime_id: int) -> None:
        runtime = self._all.get(runtime_id)
        if runtime is None or not self._is_idle(runtime) or self.size <= self.policy.min_size or self._waiters:
            return
        self._take_out(runtime)
        self._spawn(asyncio.to_thread(runtime.close))
        metrics.pool_size_adjusted_total.labels(direction="down").inc()

    def _grow_on_demand(self) -> None:
        """Executions are waiting, or a runtime has just parked: grow now rather than at the
        next check, if the policy's rule wants it (runtimes parked on timers or host calls,
        and fewer free than wait plus the spare)."""
        if self._closing or self.size >= self.policy.max_size:
            return
        parked = sum(1 for runtime in self._in_use if runtime.parked)
        self._grow(growth_wanted(self.policy, self.size, waiting=len(self._waiters),
                                 free=len(self._idle) + self._creating, parked=parked,
                                 computing=len(self._in_use) - parked))

    def _grow(self, count: int) -> None:
        count = min(count, self.policy.max_size - self.size)
        if count <= 0 or self._closing:
            return
        self._creating += count
        metrics.pool_size_adjusted_total.labels(direction="up").inc(count)
        for _ in range(count):
            self._spawn(self._create_one())

    async def _create_one(self, replacing: Runtime | None = None, inherit: tuple[str, ...] = ()) -> None:
        """Builds a runtime in a thread and publishes it; the one it replaces is closed
        in another thread at the same time. `_creating` was raised by the caller.

        Closing is not waited for: an isolate that hit its heap limit or ignored a
        termination can take seconds to free, and requests must not wait for that
        (seen in CI: a single-runtime pool had no runtime for 6 s)."""
        if replacing is not None:
            self._spawn(asyncio.to_thread(replacing.close))
        try:
            if replacing is None:
                async with self._growing:
                    runtime = await self._build()
            else:
                async with self._replacing:
                    runtime = await self._build(inherit=inherit)
        except Exception:
            log.exception("runtime creation failed")
            return
        finally:
            self._creating -= 1
        self._publish(runtime)

    def _publish(self, runtime: Runtime) -> None:
        if self._closing:
            self._spawn(asyncio.to_thread(runtime.close))
            return
        if not runtime.promote():  # engine.background_supported said it would work: unexpected
            # Served anyway: dropping it would have the pool build the next one the same way.
            log.error("a runtime built in the background keeps an idle priority",
                      extra={"runtime": runtime.id})
        runtime.on_parked = self._grow_on_demand  # a runtime that parks may free CPU for another
        self._all[runtime.id] = runtime
        self._offer(runtime)
        self._publish_gauges()

    def _take_out(self, runtime: Runtime) -> None:
        self._all.pop(runtime.id, None)
        self._in_use.discard(runtime)
        self._maintenance.discard(runtime)
        self._doomed.pop(runtime, None)
        with contextlib.suppress(ValueError):
            self._idle.remove(runtime)

    def _offer(self, runtime: Runtime) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._in_use.add(runtime)
                waiter.set_result(runtime)
                return
        self._idle.append(runtime)

    def _reclaim(self, waiter: asyncio.Future[Runtime]) -> None:
        """The caller stopped waiting; a runtime handed over meanwhile goes to the next."""
        with contextlib.suppress(ValueError):
            self._waiters.remove(waiter)
        if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
            runtime = waiter.result()
            self._in_use.discard(runtime)
            self._offer(runtime)

    def _publish_gauges(self) -> None:
        metrics.pool_size.set(self.size)
        metrics.pool_in_use.set(len(self._in_use))
        metrics.pool_waiting.set(len(self._waiters))

    @property
    def closing(self) -> bool:
        """Shutting down: no new executions are handed out."""
        return self._closing

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


def _close_all(runtimes: list[Runtime]) -> None:
    for runtime in runtimes:
        runtime.close()


def _measure_heaps(runtimes: list[Runtime], now: float) -> None:
    for runtime in runtimes:
        runtime.measure_heap(now)


def _saturated(reason: Message, retry_after: float) -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.CONCURRENCY, msg("Service saturated: %(reason)s", reason=reason),
                               retry_after=retry_after)


class _WaitExpired(Exception):
    """A waiter's acquire timeout passed."""


def _expire(waiter: asyncio.Future[Runtime]) -> None:
    if not waiter.done():
        waiter.set_exception(_WaitExpired())
