"""API tokens in an embedded SQLite database (AUTH_DB_PATH), shared by every worker
process of a replica; replicas that share one file (a volume) share the tokens.

Only a SHA-256 of each token is stored; the token itself is shown once, at creation.
Managed with `codeblock token create/list/revoke`.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["TokenInfo", "TokenStore", "hash_token"]

_PREFIX = "cbk_"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    hint: str  # the first characters, to recognise a token in lists and logs
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TokenStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # readers in every worker, one writer (the CLI)
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5.0)
        try:
            with db:
                yield db
        finally:
            db.close()

    def create(self, name: str) -> tuple[TokenInfo, str]:
        """A new token; the returned secret is not stored and cannot be shown again."""
        token = _PREFIX + secrets.token_urlsafe(32)
        created = _now()
        with self._connect() as db:
            cursor = db.execute("INSERT INTO tokens (name, hash, hint, created_at) VALUES (?, ?, ?, ?)",
                                (name, hash_token(token), token[:10], created))
        return TokenInfo(int(cursor.lastrowid or 0), name, token[:10], created, None), token

    def list(self) -> list[TokenInfo]:
        with self._connect() as db:
            rows = db.execute("SELECT id, name, hint, created_at, revoked_at FROM tokens ORDER BY id").fetchall()
        return [TokenInfo(*row) for row in rows]

    def revoke(self, token_id: int) -> bool:
        """Revokes token `token_id`; False if there is no such active token."""
        with self._connect() as db:
            cursor = db.execute("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                                (_now(), token_id))
        return cursor.rowcount == 1

    def lookup(self, token: str) -> TokenInfo | None:
        with self._connect() as db:
            row = db.execute("SELECT id, name, hint, created_at, revoked_at FROM tokens WHERE hash = ?",
                             (hash_token(token),)).fetchone()
        return TokenInfo(*row) if row else None


class CachedTokens:
    """Lookups cached for `ttl_s` seconds (a revocation takes effect within that time)."""

    def __init__(self, store: TokenStore, ttl_s: float) -> None:
        self.store = store
        self._ttl_s = ttl_s
        self._cache: dict[str, tuple[float, TokenInfo | None]] = {}
        self.max_entries = 10_000

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
