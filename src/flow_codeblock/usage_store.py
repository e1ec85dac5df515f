"""Usage records in the service's database (db.py): the tables of quota logs and day buckets
(migration 0004) and their reads and writes, for usage.UsageRecorder's flushes and the admin
API's answers (usage_api.py). Imported only where a database is used (api.open_stores):
without one, the recorder keeps only the Prometheus counters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .db import Database
from .usage import QuotaLog

__all__ = ["UsageStore"]

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
