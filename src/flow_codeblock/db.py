"""The service's database: SQLAlchemy 2's asyncio engine over SQLite (aiosqlite, the default:
a file, no server) or PostgreSQL (asyncpg, when DATABASE_URL is set, so that replicas share
tokens, quotas and, next, stored scripts). The schema is Alembic's (migrations/), applied by
`upgrade` at start and by `codeblock db upgrade`. Its URL comes from config.async_url.

The database is opened only when something needs it (auth, the admin API, the CLI): with
both off, POST /flow/codeblock never touches it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

__all__ = ["HEAD", "Database"]

log = logging.getLogger(__name__)

MIGRATIONS: Final = Path(__file__).with_name("migrations")
HEAD: Final = "0004"  # the newest revision (tests check a new database ends there)


class Database:
    """One engine per process (each worker opens its own connections)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # SQLite: a writer waits up to 5 s for another (the CLI, another worker) instead of failing.
        connect_args = {"timeout": 5.0} if self.is_sqlite else {}
        self.engine: AsyncEngine = create_async_engine(url, connect_args=connect_args, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    async def upgrade(self) -> None:
        """Applies the migrations not applied yet (none: returns at once). A SQLite file made by
        an older version without Alembic (today's token schema) is taken over by 0001."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def revision(self) -> str | None:
        async with self.engine.connect() as connection:
            return await connection.run_sync(_current_revision)

    async def aclose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL with synchronous=NORMAL: a commit is not an fsync (a count quota's UPDATE per call
    was ~5x slower with FULL, bench/auth_cost.py); the database stays consistent on a crash,
    though the last commits may be lost on a power cut."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


# pg_advisory_xact_lock's key: any constant of this service's own ("codeblk" in ASCII).
_MIGRATION_LOCK: Final = 0x636F6465626C6B


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # readers in every worker, one writer at a time
    elif connection.dialect.name == "postgresql":
        # Replicas (and workers) starting at once: one migrates, the others wait here until its
        # transaction commits, then find the schema at head and do nothing. Without it two
        # CREATE TABLEs race and one replica fails to start.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
    command.upgrade(_config(connection), "head")


def _current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
