"""Count quotas: one call taken from a token's `remaining_quota` before its code runs.

Without REDIS_URL the database takes it (TokenStore.take_quota: one conditional UPDATE, atomic
across workers and replicas sharing the database). With REDIS_URL a Lua script takes it in Redis
(atomic across replicas without a database write on the call's path); the counter starts from the
database's value the first time a token is seen, and each take writes what is left back to the
database in the background, so the admin API and `codeblock token list` see it. The admin API's
quota changes drop the Redis counter, which starts again from the database.

When Redis fails, QUOTA_REDIS_FAILURE decides: `closed` (the default: 503, a quota is what a
customer pays for) or `open` (the call goes through uncounted); both count
quota_store_errors_total.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, Final, Literal

from . import metrics
from .envelope import current_request_id
from .usage import UsageRecorder

if TYPE_CHECKING:
    from .token_store import TokenStore

__all__ = ["QuotaStoreDown", "Quotas"]

log = logging.getLogger(__name__)

# KEYS[1] the counter. Returns what is left after the take, -1 when nothing was left, -2 when
# the counter does not exist yet (the caller seeds it from the database and asks again).
_TAKE: Final = """
local left = redis.call('GET', KEYS[1])
if not left then return -2 end
left = tonumber(left)
if left <= 0 then return -1 end
return redis.call('DECR', KEYS[1])
"""
_TTL_S: Final = 7 * 24 * 3600  # an idle token's counter goes; it is seeded again from the database


class QuotaStoreDown(Exception):
    """Redis failed and QUOTA_REDIS_FAILURE is closed."""


class Quotas:
    def __init__(self, store: TokenStore, redis_url: str = "",
                 on_failure: Literal["open", "closed"] = "closed", usage: UsageRecorder | None = None) -> None:
        self._store = store
        self._usage = usage  # each call taken goes in the quota's logs (in memory, written later)
        self._on_failure = on_failure
        self._client: Any = None
        self._writes: set[asyncio.Task[None]] = set()
        self._pending: dict[int, int] = {}  # token id -> the lowest count left not written back yet
        self._writing: set[int] = set()  # token ids with a write-back running
        self._last_error_log = 0.0
        if redis_url:
            import redis.asyncio as redis

            self._client = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
            self._take = self._client.register_script(_TAKE)

    async def take(self, token_id: int) -> int | None:
        """What is left after taking one call, or None when nothing was left. Raises
        QuotaStoreDown when Redis fails and failures close; returns -1 (went through
        uncounted) when they open."""
        left = await self._take_one(token_id)
        if left is not None and left >= 0 and self._usage is not None:
            self._usage.quota_changed(token_id, "consume", -1, left, current_request_id())
        return left

    async def current(self, token_id: int) -> int | None:
        """What Redis holds of the quota (fresher than the database, written back behind it),
        or None: no Redis, no counter yet, or Redis failed (then the database's value serves)."""
        if self._client is None:
            return None
        try:
            value = await self._client.get(f"codeblock:quota:{token_id}")
        except Exception:
            metrics.quota_store_errors_total.inc()
            return None
        return None if value is None else max(0, int(value))

    async def _take_one(self, token_id: int) -> int | None:
        if self._client is None:
            return await self._store.take_quota(token_id)
        key = f"codeblock:quota:{token_id}"
        try:
            left = int(await self._take(keys=[key]))
            if left == -2:
                seed = await self._store.remaining_quota(token_id)
                await self._client.set(key, 0 if seed is None else seed, ex=_TTL_S, nx=True)
                left = int(await self._take(keys=[key]))
        except Exception as exc:  # a Redis fault of any kind
            return self._failed(exc)
        if left < 0:
            return None
        # Coalesced: at most one write in flight per token, of the lowest value seen meanwhile,
        # so a database slower than the calls gets fewer writes, never a growing backlog.
        pending = self._pending.get(token_id)
        self._pending[token_id] = left if pending is None else min(pending, left)
        if pending is None and token_id not in self._writing:
            self._writing.add(token_id)
            task = asyncio.ensure_future(self._write_back(token_id))
            self._writes.add(task)
            task.add_done_callback(self._writes.discard)
        return left

    async def _write_back(self, token_id: int) -> None:
        try:
            while (left := self._pending.pop(token_id, None)) is not None:
                try:
                    await self._store.lower_quota(token_id, left)
                except Exception as exc:  # the next take writes a lower value anyway
                    log.warning("could not write a quota back to the database",
                                extra={"token_id": token_id, "error": f"{type(exc).__name__}: {exc}"})
        finally:
            self._writing.discard(token_id)

    def _failed(self, exc: Exception) -> int:
        metrics.quota_store_errors_total.inc()
        now = time.monotonic()
        if now - self._last_error_log > 10:
            self._last_error_log = now
            log.warning("quota store unavailable", extra={"error": f"{type(exc).__name__}: {exc}",
                                                          "policy": self._on_failure})
        if self._on_failure == "closed":
            raise QuotaStoreDown from exc
        return -1

    async def changed(self, token_id: int) -> None:
        """The database's quota of `token_id` was changed (admin API): Redis starts again from it."""
        if self._client is None:
            return
        try:
            await self._client.delete(f"codeblock:quota:{token_id}")
        except Exception as exc:
            metrics.quota_store_errors_total.inc()
            log.warning("quota store unavailable: a changed quota is seen when its counter expires",
                        extra={"error": f"{type(exc).__name__}: {exc}"})

    def adjusted(self, token_id: int, action: str, before: int | None, after: int | None) -> None:
        """The admin API changed a quota (add / set / reset): it goes in the quota's logs."""
        if self._usage is not None:
            self._usage.quota_changed(token_id, action, (after or 0) - (before or 0), after, current_request_id())

    async def aclose(self) -> None:
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
