"""Usage records (issue #18): the history of count quotas (each call taken, each admin change)
and day buckets of executions per token and per required module.

Nothing here waits on the database on a request's path: `executed` and `quota_changed` only
add to memory (a dict increment, a list append), and a background task writes what piled up
every USAGE_FLUSH_S seconds, in one transaction, and once more at shutdown. Day buckets are
added up in memory first, so a busy token costs one UPSERT per flush, not one per call.

When the database fails, a flush keeps its records for the next one (and counts
codeblock_usage_flush_errors_total); past USAGE_BUFFER_MAX held records, new ones are dropped
and counted (codeblock_usage_records_dropped_total): memory stays bounded whatever the
database does. Rows older than STATS_RETENTION_DAYS (buckets) and QUOTA_LOG_RETENTION_DAYS
(logs) are deleted at start and then hourly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from . import metrics
from .tokens import iso

if TYPE_CHECKING:
    from .usage_store import UsageStore

__all__ = ["NO_TOKEN", "QuotaLog", "UsageRecorder"]

log = logging.getLogger(__name__)

NO_TOKEN: Final = 0  # the token_id of executions without a token (auth off)
_PRUNE_EVERY_S: Final = 3600.0

@dataclass(frozen=True, slots=True)
class QuotaLog:
    token_id: int
    created_at: str
    action: str  # consume (a call), add / set / reset (the admin API)
    change: int
    remaining: int | None
    request_id: str | None

    def public(self) -> dict[str, Any]:
        return {"created_at": self.created_at, "action": self.action, "change": self.change,
                "remaining": self.remaining, "request_id": self.request_id}


class _Days:
    """Today's date in the zone, recomputed once a second at most (a call per execution)."""

    def __init__(self, zone: str) -> None:
        self.zone: tzinfo | None = ZoneInfo(zone) if zone else None  # None: the host's
        self.name = zone or str(datetime.now().astimezone().tzname())  # the host's, as it calls itself
        self._second = -1
        self._today = ""

    def today(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._today = self.of(second).isoformat()
            self._second = second
        return self._today

    def today_date(self) -> date:
        return self.of(time.time())

    def of(self, timestamp: float) -> date:
        moment = datetime.fromtimestamp(timestamp, self.zone) if self.zone else datetime.fromtimestamp(timestamp)
        return moment.date()


class UsageRecorder:
    """Records in memory, written by a background task. `store` None (no database: auth and the
    admin API off): only the Prometheus counters are kept."""

    def __init__(self, store: UsageStore | None, zone: str, *, flush_s: float = 2.0, stats_days: int = 30,
                 log_days: int = 180, max_buffer: int = 100_000) -> None:
        self.store = store
        self.days = _Days(zone)
        self.stats_days = stats_days
        self.log_days = log_days
        self._flush_s = flush_s
        self._max = max_buffer
        self._logs: list[QuotaLog] = []
        self._calls: dict[tuple[str, int], list[int]] = {}  # (day, token) -> [calls, errors]
        self._modules: dict[tuple[str, str, int], int] = {}  # (day, module, token) -> calls
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._pruned_at = -_PRUNE_EVERY_S

    # -- on the request's path: memory only --------------------------------------------

    def _held(self) -> int:
        return len(self._logs) + len(self._calls) + len(self._modules)

    def executed(self, token_id: int | None, modules: tuple[str, ...], ok: bool) -> None:
        for module in modules:
            _module_counter(module).inc()
        if self.store is None:
            return
        token = NO_TOKEN if token_id is None else token_id
        day = self.days.today()
        bucket = self._calls.get((day, token))
        if bucket is None:
            if self._held() >= self._max:
                _dropped("calls")
                return
            bucket = self._calls[(day, token)] = [0, 0]
        bucket[0] += 1
        bucket[1] += 0 if ok else 1
        for module in modules:
            key = (day, module, token)
            if key in self._modules:
                self._modules[key] += 1
            elif self._held() < self._max:
                self._modules[key] = 1
            else:
                _dropped("modules")

    def quota_changed(self, token_id: int, action: str, change: int, remaining: int | None,
                      request_id: str | None) -> None:
        if self.store is None:
            return
        if self._held() >= self._max:
            _dropped("quota_logs")
            return
        self._logs.append(QuotaLog(token_id, iso(datetime.now(UTC)), action, change, remaining, request_id))

    # -- in the background -------------------------------------------------------------

    def start(self) -> None:
        if self.store is not None and self._task is None:
            self._task = asyncio.create_task(self._run(), name="usage-flush")

    async def _run(self) -> None:
        # Stopped by an event, never cancelled: a flush under way always ends (or keeps its records).
        while not self._stop.is_set():
            await self.flush()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._flush_s)

    async def flush(self) -> None:
        """Writes what is held (and prunes when an hour has passed); on failure keeps it."""
        if self.store is None:
            return
        async with self._lock:
            logs, calls, modules = self._logs, self._calls, self._modules
            self._logs, self._calls, self._modules = [], {}, {}
            if logs or calls or modules:
                try:
                    await self.store.write(logs, calls, modules)
                except Exception as exc:  # the database of any kind failed: try again next time
                    metrics.usage_flush_errors_total.inc()
                    log.warning("could not write usage records; kept for the next flush",
                                extra={"error": f"{type(exc).__name__}: {exc}", "records": len(logs) + len(calls)})
                    self._keep(logs, calls, modules)
                    return
            if time.monotonic() - self._pruned_at >= _PRUNE_EVERY_S:
                await self._prune()

    def _keep(self, logs: list[QuotaLog], calls: dict[tuple[str, int], list[int]],
              modules: dict[tuple[str, str, int], int]) -> None:
        """Puts a failed flush's records back in front of those recorded meanwhile, within the bound."""
        for key, (count, errors) in calls.items():
            bucket = self._calls.setdefault(key, [0, 0])
            bucket[0] += count
            bucket[1] += errors
        for module_key, count in modules.items():
            self._modules[module_key] = self._modules.get(module_key, 0) + count
        # Within the bound, the older records stay: past it the newest go, as when recording.
        logs = logs + self._logs
        room = max(0, self._max - len(self._calls) - len(self._modules))
        if len(logs) > room:
            metrics.usage_records_dropped_total.labels(kind="quota_logs").inc(len(logs) - room)
            del logs[room:]
        self._logs = logs

    async def _prune(self) -> None:
        assert self.store is not None
        now = time.time()
        first_day = (self.days.of(now) - timedelta(days=self.stats_days - 1)).isoformat()
        first_log = iso(datetime.fromtimestamp(now, UTC) - timedelta(days=self.log_days))
        try:
            buckets, logs = await self.store.prune(first_day, first_log)
        except Exception as exc:
            metrics.usage_flush_errors_total.inc()
            log.warning("could not prune usage records", extra={"error": f"{type(exc).__name__}: {exc}"})
            return
        self._pruned_at = time.monotonic()
        if buckets or logs:
            log.info("usage records pruned", extra={"buckets": buckets, "quota_logs": logs})

    async def aclose(self) -> None:
        """Stops the task and writes what is left (the service's shutdown)."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.flush()


_module_children: dict[str, Any] = {}


def _module_counter(module: str) -> Any:
    """The labelled child (cached: a labels() lookup per execution costs more than the increment)."""
    child = _module_children.get(module)
    if child is None:
        child = _module_children[module] = metrics.module_requires_total.labels(module=module)
    return child


def _dropped(kind: str) -> None:
    metrics.usage_records_dropped_total.labels(kind=kind).inc()
