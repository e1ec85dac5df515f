"""scripts.py alone: the IP allow-list, latency buckets and percentiles, the statistics kept
in memory when the database fails, and the store on a real SQLite file (concurrent updates get
distinct versions, old versions are pruned, statistics from several processes add up)."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from flow_codeblock.config import async_url
from flow_codeblock.db import Database
from flow_codeblock.script_store import ScriptStore
from flow_codeblock.scripts import (
    LATENCY_BUCKETS_MS,
    NewCode,
    ScriptStats,
    allowed,
    bucket_of,
    parse_whitelist,
    percentile,
)
from flow_codeblock.token_store import TokenStore


def test_allow_list() -> None:
    networks = parse_whitelist(["10.0.0.0/8", " 203.0.113.7 ", "2001:db8::/32"])
    assert allowed("10.200.1.1", networks) and allowed("203.0.113.7", networks)
    assert allowed("2001:db8::1", networks) and allowed("::ffff:10.1.1.1", networks)  # IPv4-mapped
    assert not allowed("203.0.113.8", networks) and not allowed("11.0.0.1", networks)
    assert not allowed(None, networks) and not allowed("not-an-address", networks)
    assert allowed("198.51.100.1", ()) and allowed(None, ())  # no list: anyone
    for bad in ("10.0.0.300", "10.0.0.0/33", "example.com", ""):
        with pytest.raises(ValueError, match="ip_whitelist"):
            parse_whitelist([bad])


def test_buckets_and_percentiles() -> None:
    assert bucket_of(0.2) == 0 and bucket_of(1) == 0 and bucket_of(1.01) == 1
    assert LATENCY_BUCKETS_MS[bucket_of(120)] == 150 and LATENCY_BUCKETS_MS[bucket_of(10**9)] == float("inf")
    buckets = {bucket_of(5): (90, 0), bucket_of(100): (9, 1), bucket_of(2000): (1, 1)}
    assert percentile(buckets, 0.5) == 5 and percentile(buckets, 0.9) == 5
    assert percentile(buckets, 0.95) == 100 and percentile(buckets, 0.995) == 2000
    assert percentile({}, 0.5) is None


@pytest.fixture
async def stores(tmp_path: Path) -> tuple[ScriptStore, TokenStore]:
    db = Database(async_url("", str(tmp_path / "db.sqlite3")))
    await db.upgrade()
    return ScriptStore(db, max_versions=3), TokenStore(db)


def code(text: str) -> NewCode:
    return NewCode(text, hashlib.sha256(text.encode()).hexdigest(), len(text))


async def test_concurrent_updates_get_distinct_versions(stores: tuple[ScriptStore, TokenStore]) -> None:
    scripts, tokens = stores
    owner, _ = await tokens.create("owner", max_scripts=5)
    script = await scripts.create(owner, code("return 0"), "d", [])
    done = await asyncio.gather(*(scripts.update(script, code(f"return {i}"), None, None, None) for i in range(1, 7)))
    assert sorted(d.version for d in done) == [2, 3, 4, 5, 6, 7]
    assert [v.version for v in await scripts.versions(script.id)] == [7, 6, 5]  # the last max_versions
    current = await scripts.get(script.id)
    assert current is not None and current.version == 7
    await scripts.db.aclose()


async def test_statistics_add_up_and_survive_a_failed_write(stores: tuple[ScriptStore, TokenStore]) -> None:
    scripts, tokens = stores
    owner, _ = await tokens.create("owner")
    script = await scripts.create(owner, code("return 0"), "d", [])
    first, second = ScriptStats(scripts, 3600), ScriptStats(scripts, 3600)  # two processes
    for stats in (first, second):
        stats.record(script.id, True, 4)
        stats.record(script.id, False, 4)
    await first.flush()
    await second.flush()
    assert await scripts.stats(script.id) == {bucket_of(4): (4, 2)}
    first.record(script.id, True, 40)
    await scripts.db.aclose()
    broken = ScriptStore(Database(async_url("", "/nonexistent-dir/x.sqlite3")), 3)
    first._store = broken  # the database is unreachable: the counts wait for the next flush
    await first.flush()
    first._store = scripts
    scripts.db = Database(scripts.db.url)
    await first.flush()
    assert await scripts.stats(script.id) == {bucket_of(4): (4, 2), bucket_of(40): (1, 0)}
    await scripts.db.aclose()
