"""The attacker's pass over stored scripts (scripts.py alone; the HTTP side is
tests/security/test_scripts_attack.py). Races within one process, on a real SQLite file: a
call that read a script while it was being replaced or deleted must not put the old copy
back in the process's cache, and an update that loses the race to a delete is "no such
script", not a 500. And the IP allow-list's IPv4-mapped entries."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import time
from pathlib import Path
from typing import Any, cast

import pytest
from starlette.requests import Request

from flow_codeblock.config import async_url
from flow_codeblock.db import Database
from flow_codeblock.envelope import Clock
from flow_codeblock.errors import ExecutionFailure
from flow_codeblock.executor import ExecutionResult
from flow_codeblock.i18n import DEFAULT_LANGUAGE
from flow_codeblock.script_store import ScriptStore
from flow_codeblock.scripts import (
    NewCode,
    NoSuchScript,
    Script,
    ScriptsAPI,
    ScriptStats,
    ScriptsWiring,
    allowed,
    parse_whitelist,
)
from flow_codeblock.token_store import TokenStore
from flow_codeblock.tokens import CachedTokens


class PausedReads(ScriptStore):
    """Reads a script, then waits for `go` before answering (a slow database)."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, max_versions=3)
        self.read = asyncio.Event()
        self.go = asyncio.Event()

    async def get(self, script_id: str) -> Script | None:
        script = await super().get(script_id)
        self.read.set()
        await self.go.wait()
        return script


def code(text: str) -> NewCode:
    return NewCode(text, hashlib.sha256(text.encode()).hexdigest(), len(text))


def unused(*_: Any) -> Any:
    raise AssertionError("not on this path")


@pytest.fixture
async def setup(tmp_path: Path) -> tuple[PausedReads, TokenStore, ScriptsAPI]:
    db = Database(async_url("", str(tmp_path / "db.sqlite3")))
    await db.upgrade()
    store, tokens = PausedReads(db), TokenStore(db)
    wiring = ScriptsWiring(store=store, owners=CachedTokens(tokens, 60), stats=ScriptStats(store, 3600),
                           authenticate=unused, charge=unused, validate=unused, execute=unused, render=unused,
                           language_of=lambda _: DEFAULT_LANGUAGE, clock=Clock("rfc3339", "UTC"), cache_s=60,
                           body_limit=1024, log_request=unused)
    return store, tokens, ScriptsAPI(wiring, unused)


@pytest.mark.parametrize("change", ["update", "delete"])
async def test_a_read_in_flight_does_not_cache_the_old_script(setup: tuple[PausedReads, TokenStore, ScriptsAPI],
                                                              change: str) -> None:
    store, tokens, api = setup
    owner, _ = await tokens.create("owner")
    script = await store.create(owner, code("return 1"), "d", [])
    in_flight = asyncio.ensure_future(api._runnable(script.id))  # a call, reading the script
    await store.read.wait()
    if change == "update":  # what the PUT handler does, while the call's read is answered
        await store.update(script, code("return 2"), None, None, None)
    else:
        await store.delete(script.id)
    api._scripts.forget(script.id)
    store.go.set()
    assert (await in_flight).version == 1  # the call that was running finishes with what it read
    if change == "update":  # every later call in this process runs the new version at once
        assert (await api._runnable(script.id)).version == 2
    else:
        with pytest.raises(ExecutionFailure) as refused:
            await api._runnable(script.id)
        assert refused.value.error.type.http_status == 404
    await store.db.aclose()


async def test_an_update_that_loses_to_a_delete(setup: tuple[PausedReads, TokenStore, ScriptsAPI]) -> None:
    store, tokens, _ = setup
    owner, _ = await tokens.create("owner")
    script = await store.create(owner, code("return 1"), "d", [])
    await store.delete(script.id)  # between the PUT's read of the script and its update
    for new_code, description in ((code("return 2"), None), (None, "renamed")):
        with pytest.raises(NoSuchScript):
            await store.update(script, new_code, None, description, None)
    assert await store.versions(script.id) == []  # no orphan version was written
    await store.db.aclose()


def test_an_allow_list_entry_written_ipv4_mapped_means_its_ipv4_addresses() -> None:
    """A client's IPv4-mapped address counts as its IPv4 address; an entry written the
    same way must too, or it lets no one in (and the owner believes it does)."""
    networks = parse_whitelist(["::ffff:10.0.0.0/104", "::ffff:203.0.113.7"])
    for client in ("10.1.2.3", "::ffff:10.1.2.3", "203.0.113.7", "::ffff:203.0.113.7"):
        assert allowed(client, networks), client
    for client in ("11.0.0.1", "::ffff:11.0.0.1", "203.0.113.8", "::1"):
        assert not allowed(client, networks), client


async def test_an_update_compares_with_the_current_code_not_a_stale_copy(
        setup: tuple[PausedReads, TokenStore, ScriptsAPI]) -> None:
    """Two PUTs read the script at version 1 ("A"); the first makes "B" current; the second
    sends "A" back: that is new code now (version 3), not "unchanged" while "B" keeps running."""
    store, tokens, _ = setup
    store.go.set()
    owner, _ = await tokens.create("owner")
    stale = await store.create(owner, code("return 'A'"), "d", [])
    assert (await store.update(stale, code("return 'B'"), None, None, None)).version == 2
    back = await store.update(stale, code("return 'A'"), None, None, None)
    assert (back.version, back.previous_version, back.code_changed) == (3, 2, True)
    current = await store.get(stale.id)
    assert current is not None and current.current.code_base64 == "return 'A'"
    rollback = await store.update(stale, None, 2, None, None)  # to "B": a change from "A"
    assert (rollback.version, rollback.code_changed) == (4, True)
    await store.db.aclose()


def test_addresses_that_embed_an_ipv4_address_do_not_pass_for_it() -> None:
    """Only an IPv4-mapped client counts as its IPv4 address: IPv4-compatible, 6to4, NAT64
    and Teredo forms are IPv6 addresses of their own, and are refused by an IPv4 list."""
    networks = parse_whitelist(["10.0.0.0/8"])
    for client in ("::10.1.2.3", "2002:a01:203::1", "64:ff9b::a01:203", "2001:0:4136:e378:8000:63bf:f5fe:fdfc",
                   "10.1.2.3.4", "010.1.2.3", "0x0a.1.2.3", "10.1.2.3/8", " 10.1.2.3", ""):
        assert not allowed(client, networks), client
    assert allowed("::ffff:a01:203", networks)  # the mapped form, in hex


@pytest.mark.parametrize("reconnect", [True, False])
async def test_a_script_call_asks_its_client_to_reconnect_when_the_worker_says_so(
        setup: tuple[PausedReads, TokenStore, ScriptsAPI], reconnect: bool) -> None:
    """rebalance.py: a stored script's answer carries `Connection: close` as a code block's does."""
    store, tokens, api = setup
    owner, _ = await tokens.create("owner")
    store.go.set()
    script = await store.create(owner, code("return 1"), "d", [])
    assert api._w is not None
    wired = ScriptsAPI(dataclasses.replace(api._w, reconnect=lambda: reconnect, log_request=lambda *_: None), unused)
    result = ExecutionResult(execution_id="e", ok=True, result_json="1", error=None, logs=None, execution_ms=1.0)
    answer = wired._answer(cast(Request, None), script, result, {}, time.perf_counter())
    assert answer.status_code == 200 and answer.body == b"1"
    assert (answer.headers.get("connection") == "close") is reconnect
    await store.db.aclose()
