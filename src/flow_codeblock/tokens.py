"""API tokens: what a token is (TokenInfo) and the cached lookups of the requests' path.
They live in the service's database (token_store.py: SQLite by default, PostgreSQL with
DATABASE_URL), shared by every worker and, with one database, every replica. This module
imports no database: a service without one does not load SQLAlchemy (issue #20).

Tokens carry Flow-CodeBlock's fields (model/token.go): an owner (ws_id, email), an expiry,
their own rate limit, a quota (time, count or hybrid) and the most scripts they may own.
Managed with `codeblock token ...` and the admin API (admin.py); Flow-CodeBlock's own
tokens are brought over with `codeblock token import` and keep their values.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from .token_store import TokenStore

__all__ = ["QUOTA_TYPES", "CachedTokens", "TokenInfo", "hash_token", "iso"]

QuotaType = Literal["time", "count", "hybrid"]
QUOTA_TYPES: Final = ("time", "count", "hybrid")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def iso(moment: datetime) -> str:
    """The stored form of a time: ISO 8601 in UTC, to the second (sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _now() -> str:
    return iso(datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    hint: str  # the first characters, to recognise a token in lists and logs
    created_at: str
    revoked_at: str | None
    ws_id: str | None = None
    email: str | None = None
    expires_at: str | None = None  # None: never
    operation_type: str | None = None
    rate_limit_per_minute: int | None = None  # None: the service's defaults
    rate_limit_burst: int | None = None
    rate_limit_window_seconds: int | None = None
    quota_type: str | None = None  # None: time
    total_quota: int | None = None
    remaining_quota: int | None = None
    max_scripts: int | None = None
    updated_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def expired(self, now: str | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or _now())

    @property
    def counts_calls(self) -> bool:
        """A count or hybrid quota with a total: each call takes one (Flow-CodeBlock's NeedsQuotaCheck)."""
        return self.quota_type in ("count", "hybrid") and self.total_quota is not None

    def public(self) -> dict[str, Any]:
        """The admin API's view: every field but the hash (the token itself is never stored)."""
        view = {f.name: getattr(self, f.name) for f in fields(self)}
        view["is_active"] = self.active
        view["is_expired"] = self.expired()
        view["quota_type"] = self.quota_type or "time"
        return view


class CachedTokens:
    """Lookups cached for `ttl_s` seconds. Changes made through this process (the admin API)
    drop their entry at once; another process or replica sees them within `ttl_s`."""

    def __init__(self, store: TokenStore, ttl_s: float) -> None:
        self.store = store
        self._ttl_s = ttl_s
        self._cache: dict[str, tuple[float, TokenInfo | None]] = {}
        self.max_entries = 10_000
        # Grows with every change made through this process: caches keyed otherwise (stored
        # scripts' owners, by id) drop what they read before it.
        self.generation = 0

    def cached(self, token: str) -> tuple[bool, TokenInfo | None]:
        entry = self._cache.get(hash_token(token))
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def remember(self, token: str, info: TokenInfo | None) -> None:
        key = hash_token(token)
        self._cache.pop(key, None)
        if len(self._cache) >= self.max_entries:
            # Unknown tokens must not grow it without bound, nor empty it for everyone:
            # the oldest entry goes (dicts keep insertion order).
            del self._cache[next(iter(self._cache))]
        self._cache[key] = (time.monotonic() + self._ttl_s, info)

    def forget(self, token: str) -> None:
        self._cache.pop(hash_token(token), None)
        self.generation += 1

    async def lookup(self, token: str) -> TokenInfo | None:
        hit, info = self.cached(token)
        if not hit:
            info = await self.store.lookup(token) if len(token) <= 512 else None
            self.remember(token, info)
        return info
