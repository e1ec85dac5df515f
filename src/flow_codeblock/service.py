"""Wires the parts of one service: V8, the runtime pool, the executor, the fetcher.
The Python API (sandbox.Sandbox) owns one; the HTTP API and the CLI go through it."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import metrics
from .bundles import load_bootstrap, module_catalog
from .config import Settings, effective_rss_limit_mb
from .engine import background_supported, enter_background, init_engine
from .errors import RetireReason
from .executor import ExecutionLimits, Executor
from .netpolicy import AddressPolicy
from .outbound import Fetcher, FetchLimits
from .policy import PoolPolicy
from .pool import RuntimePool, WarmUp
from .runtime import RuntimeFactory, RuntimeOptions

__all__ = ["Service", "execution_limits", "pool_policy", "runtime_options", "tune_gc", "v8_flags", "warm_up"]

MiB = 1024 * 1024
log = logging.getLogger(__name__)


def v8_flags(settings: Settings) -> list[str]:
    """Process-wide V8 flags (set once per process)."""
    wasm_pages = max(1, settings.wasm_limit_mb * MiB // 65536)
    return [
        "--single-threaded",
        # eval/new Function in user code throw EvalError (reported as SecurityError).
        "--disallow-code-generation-from-strings",
        # A hot wasm function is recompiled by TurboFan at once, on this thread: V8 does it on a
        # background thread, which a single-threaded isolate never runs, so wasm stayed on the
        # baseline compiler (Liftoff) for good. RSA's Montgomery loop (js/lib/crypto/rsa.js)
        # runs about 2x faster; user wasm tiers up as it would in Node, within its own time.
        "--wasm-sync-tier-up",
        # WebAssembly memories live outside the heap too: cap each one.
        f"--wasm-max-mem-pages={wasm_pages}",
    ]


def build_thread_setup(settings: Settings) -> Callable[[], None] | None:
    """Growth and replacements built at idle priority (pool.py), where the kernel lets an
    isolate's thread come back from it; else at the loop's."""
    if not settings.runtime_build_idle_priority:
        return None
    if not background_supported():
        log.info("runtimes are built at normal priority: this process may not leave SCHED_IDLE "
                 "(no CAP_SYS_NICE, RLIMIT_NICE below 20)")
        return None
    return enter_background


def pool_policy(settings: Settings) -> PoolPolicy:
    return PoolPolicy(
        min_size=settings.min_runtime_pool_size,
        max_size=settings.max_runtime_pool_size,
        idle_timeout_s=settings.runtime_idle_timeout_min * 60,
        spare_while_parked=settings.runtime_pool_spare,
        # A worker's executions run on their isolates' threads, so it can keep every core busy.
        compute_slots=max(2, os.cpu_count() or 2),
        max_error_rate=settings.runtime_max_error_rate,
        max_age_s=settings.runtime_max_age_s,
        max_executions=settings.runtime_max_executions,
        max_heap_growth_bytes=settings.runtime_max_heap_growth_mb * MiB,
    )


# A module's V8 heap before the pool has measured it (its first warm-up does): 1 MiB plus
# 10 bytes per character of its bundle. bench/module_cost.py measured (MB of heap, KiB of
# bundle): xlsx 13.6/1217, pinyin 32.3/8154, crypto 2.4/427, url 2.3/519, date-fns
# 1.7/146, lodash 4.0/71, dayjs 0.7/7: close for xlsx, above for the large ones, so a
# module that cannot fit is not loaded just to find out; below for lodash, which is
# then measured and ranked by what it really takes.
_HEAP_BASE_BYTES = 1024 * 1024
_HEAP_PER_BUNDLE_CHAR = 10


def _heap_estimate(name: str) -> int:
    return _HEAP_BASE_BYTES + len(module_catalog().source(name)) * _HEAP_PER_BUNDLE_CHAR


def warm_up(settings: Settings) -> WarmUp:
    return WarmUp(preload=settings.preload, budget_bytes=settings.warmup_budget_mb * MiB, estimate=_heap_estimate)


def execution_limits(settings: Settings) -> ExecutionLimits:
    return ExecutionLimits(
        max_code_length=settings.max_code_length,
        max_input_size=settings.max_input_size,
        execution_timeout_ms=settings.execution_timeout_ms,
        acquire_timeout_ms=settings.acquire_timeout_ms,
        reset_timeout_ms=settings.reset_timeout_ms,
        console=settings.allow_console,
    )


def runtime_options(settings: Settings) -> RuntimeOptions:
    return RuntimeOptions(
        heap_limit_bytes=settings.runtime_memory_limit_mb * MiB,
        array_buffer_limit_bytes=settings.array_buffer_limit_mb * MiB,
        wasm_memory_limit_bytes=settings.wasm_limit_mb * MiB,
        max_result_bytes=settings.max_result_size,
        console_enabled=settings.console_enabled,
        console_reject=settings.allow_console == "reject",
        max_console_entries=settings.max_console_entries,
        max_console_bytes=settings.max_console_bytes,
        modules=module_catalog(),
    )


def make_fetcher(settings: Settings) -> Fetcher:
    policy = AddressPolicy.from_lists(settings.fetch_allow_hosts.split(","), settings.fetch_deny_hosts.split(","))
    return Fetcher(policy, FetchLimits(
        timeout_s=settings.fetch_timeout_ms / 1000,
        max_response_bytes=settings.fetch_max_response_bytes,
        max_requests_per_execution=settings.fetch_max_requests_per_execution,
        max_concurrent=settings.fetch_max_concurrent,
        max_inflight_bytes=settings.fetch_max_inflight_bytes,
        max_streaming_bytes=settings.max_streaming_size_mb * 1024 * 1024,
        max_open_bodies=settings.fetch_max_open_bodies,
    ))


@dataclass
class Service:
    settings: Settings
    pool: RuntimePool = field(init=False)
    executor: Executor = field(init=False)
    fetcher: Fetcher = field(init=False)
    started_at: float = field(default_factory=time.time)
    _lag_task: asyncio.Future[None] = field(init=False)
    _rss_task: asyncio.Future[None] | None = field(init=False, default=None)
    rss_limit_mb: int = field(init=False, default=0)

    async def start(self) -> None:
        if self.settings.timezone:
            # The code blocks' local time zone (Date, Intl, dayjs): V8 takes the process's,
            # from TZ, when it first needs it.
            os.environ["TZ"] = self.settings.timezone
            time.tzset()
        # On a thread that outlives the runtimes (engine.init_engine): the Sandbox that owns
        # this Service has seen to it (sandbox._ensure_engine), so this returns at once.
        init_engine(v8_flags(self.settings))
        raise_descriptor_limit()
        factory = RuntimeFactory(runtime_options(self.settings), asyncio.get_running_loop(), load_bootstrap())
        self.pool = RuntimePool(
            factory,
            policy=pool_policy(self.settings),
            initial=self.settings.runtime_pool_size,
            max_waiting=self.settings.max_concurrent_executions,
            check_interval_s=self.settings.health_check_interval_s,
            warm_up=warm_up(self.settings),
            build_thread_setup=build_thread_setup(self.settings),
        )
        await self.pool.start()
        self.fetcher = make_fetcher(self.settings)
        self.executor = Executor(execution_limits(self.settings), self.pool, self.fetcher)

        self._lag_task = asyncio.ensure_future(_watch_loop_lag())
        self.rss_limit_mb = effective_rss_limit_mb(self.settings)
        self._rss_task = asyncio.ensure_future(self._watch_rss()) if self.rss_limit_mb else None

    async def stop(self) -> None:
        self._lag_task.cancel()
        if self._rss_task is not None:
            self._rss_task.cancel()
        await self.pool.close(self.settings.shutdown_drain_timeout_s)
        await self.fetcher.aclose()

    @property
    def uptime_s(self) -> float:
        return time.time() - self.started_at

    async def _watch_rss(self) -> None:
        """The per-process memory backstop of DESIGN.md section 1: when RSS passes
        RSS_LIMIT_MB, runtimes are retired (idle ones now, busy ones when their execution
        ends: which one holds the memory cannot be told); then it waits two periods for
        the memory to be returned before judging again."""
        limit = self.rss_limit_mb * MiB
        period = self.settings.rss_check_interval_s
        while True:
            await asyncio.sleep(period)
            rss = rss_bytes()
            if rss <= limit:
                continue
            shed = self.pool.shed(RetireReason.RSS, busy_too=True)
            metrics.rss_limit_exceeded_total.inc()
            log.warning("process memory over RSS_LIMIT_MB: runtimes retired",
                        extra={"rss_mb": round(rss / MiB, 1), "limit_mb": self.rss_limit_mb, "retired": shed})
            await asyncio.sleep(period * 2)


def rss_bytes() -> int:
    """Resident memory of this process."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


async def _watch_loop_lag(period_s: float = 0.1) -> None:
    """Samples how late a timer fires: the event loop's responsiveness."""
    loop = asyncio.get_running_loop()
    while True:
        expected = loop.time() + period_s
        await asyncio.sleep(period_s)
        metrics.event_loop_lag_seconds.observe(max(0.0, loop.time() - expected))


def tune_gc() -> None:
    """Moves everything alive after start-up out of the cyclic collector's sight and
    makes its young generation larger: on a loaded worker the collector spent ~6% of
    the event loop's CPU walking the same long-lived objects (docs/performance.md).
    Reference counting still frees almost everything a request allocates. Only for a
    process that is the service (api.py): a library's host keeps its own GC settings."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(_GC_YOUNG_THRESHOLD, older, oldest)


_GC_YOUNG_THRESHOLD = 20_000  # allocations between young collections (Python's default: 700)


def raise_descriptor_limit() -> None:
    """Each runtime holds two eventfds (engine.py) besides the connections: a pool of
    hundreds would pass the common soft limit of 1,024 descriptors. Raise the soft
    limit to the hard one (allowed without privileges)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            log.warning("could not raise the open-files limit", extra={"soft": soft, "hard": hard})
