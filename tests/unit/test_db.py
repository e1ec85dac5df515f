"""db.async_url: DATABASE_URL and the SQLite file to SQLAlchemy asyncio URLs."""

from __future__ import annotations

import pytest

from flow_codeblock.config import ConfigError, load_settings
from flow_codeblock.db import async_url


def test_urls() -> None:
    assert async_url("", "tokens.sqlite3") == "sqlite+aiosqlite:///tokens.sqlite3"
    assert async_url("postgresql://u:p@h/db", "x") == "postgresql+asyncpg://u:p@h/db"
    assert async_url("postgres://h/db", "x") == "postgresql+asyncpg://h/db"
    assert async_url("sqlite:////var/t.db", "x") == "sqlite+aiosqlite:////var/t.db"
    assert async_url("postgresql+asyncpg://h/db", "x") == "postgresql+asyncpg://h/db"
    for bad in ("mysql://h/db", "not a url"):
        with pytest.raises(ValueError):
            async_url(bad, "x")


def test_settings_choose_the_database() -> None:
    assert load_settings(auth_db_path="a.db").database == "sqlite+aiosqlite:///a.db"
    assert load_settings(auth_db_path="a.db", database_path="b.db").database == "sqlite+aiosqlite:///b.db"
    assert load_settings(database_path="b.db", database_url="postgresql://h/d").database.startswith("postgresql+")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings(database_url="mongodb://h/d")
    with pytest.raises(ConfigError, match="ADMIN_TOKEN"):
        load_settings(admin_token="short")
