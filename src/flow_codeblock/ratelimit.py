"""Rate limits: token buckets per API token and per client IP.

With REDIS_URL set, buckets live in Redis and are updated atomically by a Lua script
using Redis's clock, so every worker of every replica enforces one limit. Without it,
each worker process keeps its own buckets (the limit then applies per process). If
Redis fails, requests are let through and the failure is logged and counted: a broken
limiter must not take the service down.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Protocol

from . import metrics

__all__ = ["Decision", "Limits", "MemoryBuckets", "RateLimiter", "RedisBuckets"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Decision:
    """One take from a bucket: whether the request may go on, the whole tokens left,
    seconds until it may retry (refused) and until the bucket is full again."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_s: float
    full_in_s: float

    def headers(self, which: str) -> dict[str, str]:
        """Flow-CodeBlock's X-RateLimit-* headers (Reset: an RFC 3339 time, as it sends)."""
        reset = datetime.fromtimestamp(time.time() + self.full_in_s, UTC).isoformat(timespec="seconds")
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": reset.replace("+00:00", "Z"), "X-RateLimit-Type": which}


def _decision(tokens: float, allowed: bool, rate: float, burst: int) -> Decision:
    return Decision(allowed=allowed, limit=burst, remaining=max(0, math.floor(tokens)),
                    retry_after_s=0.0 if allowed else max(0.001, (1 - tokens) / rate),
                    full_in_s=max(0.0, (burst - tokens) / rate))


class RateLimiter(Protocol):
    async def take(self, key: str, rate: float, burst: int) -> Decision | None:
        """Takes one token from bucket `key`; None when the store is unavailable (let through)."""

    async def aclose(self) -> None: ...


class MemoryBuckets:
    def __init__(self, max_keys: int = 100_000) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated)
        self._max_keys = max_keys

    async def take(self, key: str, rate: float, burst: int) -> Decision | None:
        now = time.monotonic()
        tokens, updated = self._buckets.get(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - updated) * rate)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        self._store(key, tokens, now)
        return _decision(tokens, allowed, rate, burst)

    def _store(self, key: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= self._max_keys and key not in self._buckets:
            # Drop full buckets first: they carry no state worth keeping.
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] < 1} or {}
        self._buckets[key] = (tokens, now)

    async def aclose(self) -> None:
        return None


# KEYS[1] bucket; ARGV rate (tokens/s), burst. Returns {allowed, tokens left as a string}.
_TAKE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
"""


class RedisBuckets:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # only needed when REDIS_URL is set

        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._take = self._client.register_script(_TAKE)
        self._last_error_log = 0.0

    async def take(self, key: str, rate: float, burst: int) -> Decision | None:
        try:
            allowed, tokens = await self._take(keys=[f"codeblock:rl:{key}"], args=[rate, burst])
        except Exception as exc:
            metrics.rate_limit_store_errors_total.inc()
            now = time.monotonic()
            if now - self._last_error_log > 10:
                self._last_error_log = now
                log.warning("rate limit store unavailable; requests are not limited",
                            extra={"error": f"{type(exc).__name__}: {exc}"})
            return None
        return _decision(float(tokens), int(allowed) == 1, rate, burst)

    async def aclose(self) -> None:
        await self._client.aclose()


class Limits:
    """The configured limits, applied to a request's token and client address."""

    def __init__(self, store: RateLimiter, token_rate: float, token_burst: int, ip_rate: float,
                 ip_burst: int) -> None:
        self.store = store
        self._token = (token_rate, token_burst)
        self._ip = (ip_rate, ip_burst)

    async def check_ip(self, client_ip: str | None) -> Decision | None:
        """The client address's bucket. Applied before authentication, so requests with
        missing or wrong tokens are limited too. None: nothing to apply."""
        if not client_ip:
            return None
        return await self.store.take(f"ip:{client_ip}", *self._ip)

    async def check_token(self, token_id: int) -> Decision | None:
        """The API token's bucket."""
        return await self.store.take(f"token:{token_id}", *self._token)


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))
