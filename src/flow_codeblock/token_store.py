"""API tokens in the service's database (db.py): the tokens table and its reads and writes.
Imported only where a database is used (api.open_stores, the CLI): the requests' path knows
tokens as tokens.TokenInfo and their cached lookups (tokens.CachedTokens).

Only a SHA-256 of each token is stored; the token itself is shown once, at creation.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa

from .db import Database
from .tokens import TokenInfo, hash_token, iso

__all__ = ["TokenStore", "tokens_table"]

_PREFIX: Final = "cbk_"

_metadata = sa.MetaData()
tokens_table: Final = sa.Table(
    "tokens", _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("hash", sa.Text, nullable=False, unique=True),
    sa.Column("hint", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("revoked_at", sa.Text),
    sa.Column("ws_id", sa.String(255)),
    sa.Column("email", sa.String(255)),
    sa.Column("expires_at", sa.String(32)),
    sa.Column("operation_type", sa.String(16)),
    sa.Column("rate_limit_per_minute", sa.Integer),
    sa.Column("rate_limit_burst", sa.Integer),
    sa.Column("rate_limit_window_seconds", sa.Integer),
    sa.Column("quota_type", sa.String(16)),
    sa.Column("total_quota", sa.Integer),
    sa.Column("remaining_quota", sa.Integer),
    sa.Column("max_scripts", sa.Integer),
    sa.Column("updated_at", sa.String(32)),
)


def _now() -> str:
    return iso(datetime.now(UTC))


_COLUMNS: Final = tuple(f.name for f in fields(TokenInfo))
_SELECT: Final = sa.select(*(tokens_table.c[name] for name in _COLUMNS))


def _info(row: sa.Row[Any]) -> TokenInfo:
    return TokenInfo(*row)


class TokenStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, name: str, *, secret: str | None = None, created_at: str | None = None,
                     revoked_at: str | None = None, **values: Any) -> tuple[TokenInfo, str]:
        """A new token with `values` (TokenInfo's fields); the returned secret is not stored and
        cannot be shown again. `secret`: an existing token's value (an import) instead of a new one."""
        token = secret or _PREFIX + secrets.token_urlsafe(32)
        now = _now()
        row = {"name": name, "hash": hash_token(token), "hint": token[:10], "created_at": created_at or now,
               "revoked_at": revoked_at, "updated_at": now, **values}
        async with self.db.engine.begin() as connection:
            result = await connection.execute(tokens_table.insert().values(**row))
            token_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            info = (await connection.execute(_SELECT.where(tokens_table.c.id == token_id))).one()
        return _info(info), token

    async def list(self, *, ws_id: str | None = None, email: str | None = None, active_only: bool = False,
                   offset: int = 0, limit: int | None = None) -> tuple[list[TokenInfo], int]:
        """Tokens in creation order, filtered, one page of them, and how many match in all."""
        where = []
        if ws_id is not None:
            where.append(tokens_table.c.ws_id == ws_id)
        if email is not None:
            where.append(tokens_table.c.email == email)
        if active_only:
            where.append(tokens_table.c.revoked_at.is_(None))
        query = _SELECT.where(*where).order_by(tokens_table.c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        async with self.db.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            total = (await connection.execute(sa.select(sa.func.count()).select_from(tokens_table).where(*where)))
            count = int(total.scalar_one())
        return [_info(row) for row in rows], count

    async def lookup(self, token: str) -> TokenInfo | None:
        async with self.db.engine.connect() as connection:
            row = (await connection.execute(_SELECT.where(tokens_table.c.hash == hash_token(token)))).first()
        return _info(row) if row else None

    async def get(self, token_id: int) -> TokenInfo | None:
        """A token by its id (a stored script's owner: scripts keep the id, never the token)."""
        async with self.db.engine.connect() as connection:
            row = (await connection.execute(_SELECT.where(tokens_table.c.id == token_id))).first()
        return _info(row) if row else None

    async def get_many(self, token_ids: Sequence[int]) -> tuple[TokenInfo, ...]:
        """The tokens of `token_ids` that exist (the usage statistics' owners), in no order."""
        async with self.db.engine.connect() as connection:
            rows = (await connection.execute(_SELECT.where(tokens_table.c.id.in_(token_ids)))).all()
        return tuple(_info(row) for row in rows)

    async def update(self, token: str, **values: Any) -> TokenInfo | None:
        """Sets `values` on an active token; None when there is no such token."""
        async with self.db.engine.begin() as connection:
            active = (tokens_table.c.hash == hash_token(token), tokens_table.c.revoked_at.is_(None))
            result = await connection.execute(tokens_table.update().where(*active).values(**values, updated_at=_now()))
            if result.rowcount != 1:
                return None
            row = (await connection.execute(_SELECT.where(tokens_table.c.hash == hash_token(token)))).one()
        return _info(row)

    async def revoke(self, token: str) -> bool:
        """Revokes the token (Flow-CodeBlock's soft delete); False if there is no such active token."""
        return await self._revoke(tokens_table.c.hash == hash_token(token))

    async def revoke_id(self, token_id: int) -> bool:
        return await self._revoke(tokens_table.c.id == token_id)

    async def _revoke(self, which: sa.ColumnElement[bool]) -> bool:
        now = _now()
        async with self.db.engine.begin() as connection:
            result = await connection.execute(tokens_table.update().where(which, tokens_table.c.revoked_at.is_(None))
                                              .values(revoked_at=now, updated_at=now))
        return bool(result.rowcount == 1)

    async def take_quota(self, token_id: int) -> int | None:
        """Takes one call from a count quota, atomically (one UPDATE ... WHERE remaining > 0:
        concurrent calls on any worker or replica sharing the database cannot overdraw it).
        Returns what is left, or None when nothing was left to take."""
        column = tokens_table.c.remaining_quota
        async with self.db.engine.begin() as connection:
            result = await connection.execute(
                tokens_table.update().where(tokens_table.c.id == token_id, column > 0)
                .values(remaining_quota=column - 1).returning(column))
            row = result.first()
        return None if row is None else int(row[0])

    async def remaining_quota(self, token_id: int) -> int | None:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(sa.select(tokens_table.c.remaining_quota)
                                              .where(tokens_table.c.id == token_id))
            row = result.first()
        return None if row is None or row[0] is None else int(row[0])

    async def lower_quota(self, token_id: int, left: int) -> None:
        """Writes back what Redis says is left (quota.py); only ever lowers it, so writes that
        arrive out of order leave the lowest."""
        column = tokens_table.c.remaining_quota
        async with self.db.engine.begin() as connection:
            await connection.execute(tokens_table.update().where(tokens_table.c.id == token_id, column > left)
                                     .values(remaining_quota=left))

    async def import_rows(self, rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
        """Adds tokens that keep their values (an import); returns (added, already there)."""
        added = skipped = 0
        for row in rows:
            values = dict(row)
            secret = values.pop("secret")
            if await self.lookup(secret) is not None:
                skipped += 1
                continue
            await self.create(values.pop("name"), secret=secret, **values)
            added += 1
        return added, skipped
