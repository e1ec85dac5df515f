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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from . import metrics
from .db import Database
from .tokens import iso

__all__ = ["NO_TOKEN", "QuotaLog", "UsageRecorder", "UsageStore"]

log = logging.getLogger(__name__)

NO_TOKEN: Final = 0  # the token_id of executions without a token (auth off)
_PRUNE_EVERY_S: Final = 3600.0

_metadata = sa.MetaData()
quota_logs: Final = sa.Table(
    "quota_logs", _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_id", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("change", sa.Integer, nullable=False),
    sa.Column("remaining", sa.Integer),
    sa.Column("request_id", sa.String(128)),
)
usage_daily: Final = sa.Table(
    "usage_daily", _metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("token_id", sa.Integer, primary_key=True),
    sa.Column("calls", sa.Integer, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
)
module_daily: Final = sa.Table(
    "module_daily", _metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("module", sa.String(128), primary_key=True),
    sa.Column("token_id", sa.Integer, primary_key=True),
    sa.Column("calls", sa.Integer, nullable=False),
)


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


class UsageStore:
    """The tables' reads and writes (the admin API's answers, the recorder's flushes)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _upsert(self, table: sa.Table, keys: list[str], rows: list[dict[str, Any]], counters: list[str]) -> Any:
        insert: Any = (sqlite.insert if self.db.is_sqlite else postgresql.insert)(table).values(rows)
        return insert.on_conflict_do_update(
            index_elements=keys, set_={name: table.c[name] + insert.excluded[name] for name in counters})

    async def write(self, logs: list[QuotaLog], calls: Mapping[tuple[str, int], list[int]],
                    modules: Mapping[tuple[str, str, int], int]) -> None:
        """One transaction: all of it is written, or none (the caller keeps it for the next try)."""
        async with self.db.engine.begin() as connection:
            if logs:
                await connection.execute(quota_logs.insert(), [
                    {"token_id": r.token_id, "created_at": r.created_at, "action": r.action, "change": r.change,
                     "remaining": r.remaining, "request_id": r.request_id} for r in logs])
            if calls:
                rows = [{"day": day, "token_id": token, "calls": c, "errors": e}
                        for (day, token), (c, e) in calls.items()]
                await connection.execute(self._upsert(usage_daily, ["day", "token_id"], rows, ["calls", "errors"]))
            if modules:
                rows = [{"day": day, "module": module, "token_id": token, "calls": count}
                        for (day, module, token), count in modules.items()]
                await connection.execute(self._upsert(module_daily, ["day", "module", "token_id"], rows, ["calls"]))

    async def prune(self, first_stats_day: str, first_log_time: str) -> tuple[int, int]:
        """Deletes buckets before `first_stats_day` and logs before `first_log_time`."""
        async with self.db.engine.begin() as connection:
            buckets = 0
            for table in (usage_daily, module_daily):
                result = await connection.execute(table.delete().where(table.c.day < first_stats_day))
                buckets += result.rowcount
            result = await connection.execute(quota_logs.delete().where(quota_logs.c.created_at < first_log_time))
        return buckets, result.rowcount

    async def logs(self, token_id: int, *, offset: int, limit: int, since: str | None = None,
                   until: str | None = None) -> tuple[list[QuotaLog], int]:
        """A token's quota logs, newest first, one page, and how many match in all."""
        where = [quota_logs.c.token_id == token_id]
        if since:
            where.append(quota_logs.c.created_at >= since)
        if until:
            where.append(quota_logs.c.created_at < until)
        columns = [quota_logs.c[name] for name in ("token_id", "created_at", "action", "change", "remaining",
                                                   "request_id")]
        query = sa.select(*columns).where(*where).order_by(quota_logs.c.id.desc()).offset(offset).limit(limit)
        async with self.db.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            total = (await connection.execute(sa.select(sa.func.count()).select_from(quota_logs).where(*where)))
            count = int(total.scalar_one())
        return [QuotaLog(*row) for row in rows], count

    async def calls(self, first: str, last: str, token_ids: list[int] | None) -> list[tuple[str, int, int, int]]:
        """(day, token_id, calls, errors) of days first..last, oldest first."""
        where = [usage_daily.c.day >= first, usage_daily.c.day <= last]
        if token_ids is not None:
            where.append(usage_daily.c.token_id.in_(token_ids))
        query = sa.select(usage_daily.c.day, usage_daily.c.token_id, usage_daily.c.calls, usage_daily.c.errors) \
            .where(*where).order_by(usage_daily.c.day, usage_daily.c.token_id)
        async with self.db.engine.connect() as connection:
            return [(str(d), int(t), int(c), int(e)) for d, t, c, e in (await connection.execute(query)).all()]

    async def modules(self, first: str, last: str, token_ids: list[int] | None) -> list[tuple[str, str, int]]:
        """(day, module, calls) of days first..last (all tokens', or those of `token_ids`)."""
        where = [module_daily.c.day >= first, module_daily.c.day <= last]
        if token_ids is not None:
            where.append(module_daily.c.token_id.in_(token_ids))
        calls = sa.func.sum(module_daily.c.calls)
        query = sa.select(module_daily.c.day, module_daily.c.module, calls).where(*where) \
            .group_by(module_daily.c.day, module_daily.c.module).order_by(module_daily.c.day, module_daily.c.module)
        async with self.db.engine.connect() as connection:
            return [(str(d), str(m), int(c)) for d, m, c in (await connection.execute(query)).all()]


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
