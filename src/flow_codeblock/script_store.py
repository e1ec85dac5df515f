"""Stored scripts in the service's database (db.py): the tables of scripts, their kept
versions and their call statistics (migration 0003), and their reads and writes (scripts.py
has the values, the statistics' counting and the routes). Imported only where a database is
used (api.open_stores), so that a service without one never loads SQLAlchemy.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .db import Database
from .scripts import (
    DEFAULT_MAX_SCRIPTS,
    NewCode,
    NoSuchScript,
    NoSuchVersion,
    Script,
    TooManyScripts,
    Updated,
    Version,
)
from .token_store import tokens_table
from .tokens import TokenInfo, iso

__all__ = ["ScriptStore"]

_metadata = sa.MetaData()
scripts_table: Final = sa.Table(
    "scripts", _metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_id", sa.Integer, nullable=False),
    sa.Column("ws_id", sa.String(255)),
    sa.Column("email", sa.String(255)),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("ip_whitelist", sa.Text),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)
versions_table: Final = sa.Table(
    "script_versions", _metadata,
    sa.Column("script_id", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("code_base64", sa.Text, nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("code_length", sa.Integer, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
stats_table: Final = sa.Table(
    "script_stats", _metadata,
    sa.Column("script_id", sa.String(32), primary_key=True),
    sa.Column("bucket", sa.Integer, primary_key=True),
    sa.Column("calls", sa.BigInteger, nullable=False),
    sa.Column("errors", sa.BigInteger, nullable=False),
)


def _now() -> str:
    return iso(datetime.now(UTC))


def _script(row: sa.Row[Any]) -> Script:
    m = row._mapping
    whitelist = tuple(orjson.loads(m["ip_whitelist"])) if m["ip_whitelist"] else ()
    current = Version(m["version"], m["code_base64"], m["code_hash"], m["code_length"], m["v_description"],
                      m["v_created_at"])
    return Script(m["id"], m["token_id"], m["ws_id"], m["email"], m["description"], m["version"], whitelist,
                  m["created_at"], m["updated_at"], current)


_SCRIPT_SELECT: Final = (
    sa.select(scripts_table, versions_table.c.code_base64, versions_table.c.code_hash, versions_table.c.code_length,
              versions_table.c.description.label("v_description"), versions_table.c.created_at.label("v_created_at"))
    .join(versions_table, sa.and_(versions_table.c.script_id == scripts_table.c.id,
                                  versions_table.c.version == scripts_table.c.version))
)
_VERSION_COLUMNS: Final = (versions_table.c.version, versions_table.c.code_base64, versions_table.c.code_hash,
                           versions_table.c.code_length, versions_table.c.description, versions_table.c.created_at)


class ScriptStore:
    """Scripts in the service's database (SQLite, or PostgreSQL shared by replicas)."""

    def __init__(self, db: Database, max_versions: int) -> None:
        self.db = db
        self.max_versions = max_versions

    async def create(self, owner: TokenInfo, code: NewCode, description: str, whitelist: list[str]) -> Script:
        """A new script of `owner`, version 1. TooManyScripts when the owner has max_scripts
        already: counted after locking the owner's token row (a no-op UPDATE: a row lock in
        PostgreSQL, the write lock in SQLite), so concurrent saves on any replica cannot pass it."""
        now = _now()
        script_id = secrets.token_urlsafe(12)
        async with self.db.engine.begin() as connection:
            locked = await connection.execute(tokens_table.update().where(tokens_table.c.id == owner.id)
                                              .values(updated_at=tokens_table.c.updated_at)
                                              .returning(tokens_table.c.max_scripts))
            limit = locked.scalar_one_or_none() or DEFAULT_MAX_SCRIPTS
            count = (await connection.execute(sa.select(sa.func.count()).select_from(scripts_table)
                                              .where(scripts_table.c.token_id == owner.id))).scalar_one()
            if count >= limit:
                raise TooManyScripts(limit)
            await connection.execute(scripts_table.insert().values(
                id=script_id, token_id=owner.id, ws_id=owner.ws_id, email=owner.email, description=description,
                version=1, ip_whitelist=orjson.dumps(whitelist).decode() if whitelist else None, created_at=now,
                updated_at=now))
            await connection.execute(versions_table.insert().values(
                script_id=script_id, version=1, code_base64=code.code_base64, code_hash=code.code_hash,
                code_length=code.code_length, description=description, created_at=now))
            row = (await connection.execute(_SCRIPT_SELECT.where(scripts_table.c.id == script_id))).one()
        return _script(row)

    async def get(self, script_id: str) -> Script | None:
        async with self.db.engine.connect() as connection:
            row = (await connection.execute(_SCRIPT_SELECT.where(scripts_table.c.id == script_id))).first()
        return _script(row) if row else None

    async def owned_by(self, token_id: int, offset: int, limit: int, *, keyword: str = "",
                       sort: str = "updated_at", descending: bool = True) -> tuple[list[Script], int, int]:
        """The token's scripts whose id or description holds `keyword` (any case), sorted by
        `sort` (a column the API sorts by: scripts._SORTABLE), one page of them; how many match,
        and how many the token owns."""
        mine = scripts_table.c.token_id == token_id
        where = [mine]
        if keyword:
            pattern = f"%{keyword.lower()}%"
            where.append(sa.or_(sa.func.lower(scripts_table.c.description).like(pattern),
                                sa.func.lower(scripts_table.c.id).like(pattern)))
        column = scripts_table.c[sort]
        query = (_SCRIPT_SELECT.where(*where).order_by(column.desc() if descending else column.asc(),
                                                        scripts_table.c.id).offset(offset).limit(limit))
        count = sa.select(sa.func.count()).select_from(scripts_table)
        async with self.db.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            matching = int((await connection.execute(count.where(*where))).scalar_one())
            owned = int((await connection.execute(count.where(mine))).scalar_one()) if keyword else matching
        return [_script(row) for row in rows], matching, owned

    async def versions(self, script_id: str) -> list[Version]:
        """The versions kept, the newest first."""
        query = (sa.select(*_VERSION_COLUMNS).where(versions_table.c.script_id == script_id)
                 .order_by(versions_table.c.version.desc()))
        async with self.db.engine.connect() as connection:
            return [Version(*row) for row in (await connection.execute(query)).all()]

    async def update(self, script: Script, code: NewCode | None, rollback_to: int | None, description: str | None,
                     whitelist: list[str] | None) -> Updated:
        """New code, or the code of a kept version (a rollback), becomes a new version; the
        same code as the current one changes no version. The version number is taken by one
        UPDATE ... RETURNING (concurrent updates get distinct numbers); versions beyond the
        last `max_versions` are deleted. NoSuchVersion: the rollback's version is not kept;
        NoSuchScript: the script was deleted since `script` was read (nothing is written)."""
        now = _now()
        values: dict[str, Any] = {"updated_at": now}
        if description is not None:
            values["description"] = description
        if whitelist is not None:
            values["ip_whitelist"] = orjson.dumps(whitelist).decode() if whitelist else None
        this = scripts_table.c.id == script.id
        async with self.db.engine.begin() as connection:
            # The script's row is written first (a row lock in PostgreSQL, the write lock in
            # SQLite): the current version is then read under the lock, not taken from
            # `script`, which a concurrent PUT may have replaced since (the same code as that
            # stale copy would otherwise make no version, and another code would keep running).
            locked = (await connection.execute(scripts_table.update().where(this).values(**values)
                                               .returning(scripts_table.c.version,
                                                          scripts_table.c.description))).first()
            if locked is None:
                raise NoSuchScript(script.id)
            current_version, current_description = locked
            if rollback_to is not None:
                row = (await connection.execute(sa.select(*_VERSION_COLUMNS).where(
                    versions_table.c.script_id == script.id, versions_table.c.version == rollback_to))).first()
                if row is None:
                    raise NoSuchVersion(rollback_to)
                kept = Version(*row)
                code = NewCode(kept.code_base64, kept.code_hash, kept.code_length)
            current_hash = (await connection.execute(sa.select(versions_table.c.code_hash).where(
                versions_table.c.script_id == script.id, versions_table.c.version == current_version))).scalar()
            changed = code is not None and code.code_hash != current_hash
            new_version = current_version
            if changed:
                assert code is not None
                new_version = (await connection.execute(scripts_table.update().where(this).values(
                    version=scripts_table.c.version + 1).returning(scripts_table.c.version))).scalar_one()
                await connection.execute(versions_table.insert().values(
                    script_id=script.id, version=new_version, code_base64=code.code_base64,
                    code_hash=code.code_hash, code_length=code.code_length, description=current_description,
                    created_at=now))
                await connection.execute(versions_table.delete().where(
                    versions_table.c.script_id == script.id,
                    versions_table.c.version <= new_version - self.max_versions))
            elif description is not None:  # the current version's description follows the script's
                await connection.execute(versions_table.update().where(
                    versions_table.c.script_id == script.id, versions_table.c.version == new_version)
                    .values(description=description))
        return Updated(new_version, current_version, changed)

    async def delete(self, script_id: str) -> bool:
        async with self.db.engine.begin() as connection:
            deleted = await connection.execute(scripts_table.delete().where(scripts_table.c.id == script_id))
            await connection.execute(versions_table.delete().where(versions_table.c.script_id == script_id))
            await connection.execute(stats_table.delete().where(stats_table.c.script_id == script_id))
        return bool(deleted.rowcount == 1)

    async def add_stats(self, counts: dict[tuple[str, int], list[int]]) -> None:
        """Adds (calls, errors) per (script, bucket): one upsert per row, additive, so the
        counts of every process add up."""
        if not counts:
            return
        dialect = sqlite if self.db.is_sqlite else postgresql
        async with self.db.engine.begin() as connection:
            for (script_id, bucket), (calls, errors) in sorted(counts.items()):
                insert = dialect.insert(stats_table).values(script_id=script_id, bucket=bucket, calls=calls,
                                                            errors=errors)
                await connection.execute(insert.on_conflict_do_update(
                    index_elements=[stats_table.c.script_id, stats_table.c.bucket],
                    set_={"calls": stats_table.c.calls + insert.excluded.calls,
                          "errors": stats_table.c.errors + insert.excluded.errors}))

    async def stats(self, script_id: str) -> dict[int, tuple[int, int]]:
        query = sa.select(stats_table.c.bucket, stats_table.c.calls, stats_table.c.errors).where(
            stats_table.c.script_id == script_id)
        async with self.db.engine.connect() as connection:
            return {int(b): (int(c), int(e)) for b, c, e in (await connection.execute(query)).all()}
