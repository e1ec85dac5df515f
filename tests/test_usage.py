"""Quota reading, quota logs and usage statistics over a real socket (issue #18), with SQLite
and with a real PostgreSQL server: GET /flow/tokens/{token}/quota and .../quota/logs,
GET /flow/stats/users and /flow/stats/modules, their refusal without ADMIN_TOKEN, day buckets
in TIMEZONE, retention, the writes at shutdown, a failing database (records kept and the
flush errors counted), the bounded buffer (dropped records counted), the Prometheus counter
of required modules, and two replicas migrating one fresh PostgreSQL database at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from test_quota_redis import redis_url
from test_tokens_postgres import _as_postgres, postgres

from flow_codeblock import db as db_module

from conftest import Server, b64, start_server

__all__ = ["postgres", "redis_url"]  # fixtures, shared with test_tokens_postgres.py and test_quota_redis.py

ADMIN = "usage-admin-token-0123456789"
ZONE = "Pacific/Kiritimati"  # UTC+14: its day is not UTC's for 14 hours of each day
NEW_ROUTES = [("GET", "/flow/tokens/cbk_x/quota"), ("GET", "/flow/tokens/cbk_x/quota/logs"),
              ("GET", "/flow/stats/users"), ("GET", "/flow/stats/modules")]


def admin(server: Server, path: str, key: str | None = ADMIN, **params: Any) -> httpx.Response:
    """GET `path` with `key` as the admin token (None: none) and `params` as its query."""
    headers = {"accessToken": key} if key is not None else {}
    return httpx.get(f"{server.url}{path}", params=params, headers=headers, timeout=30)


def data(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def create(server: Server, **fields: Any) -> str:
    body = {"ws_id": "ws-usage", "email": "u@example.com", "operation": "unlimited", **fields}
    response = httpx.post(f"{server.url}/flow/tokens", json=body, headers={"accessToken": ADMIN}, timeout=30)
    assert response.status_code == 200, response.text
    value: str = response.json()["data"]["access_token"]
    return value


def run(server: Server, token: str | None, code: str, request_id: str | None = None) -> httpx.Response:
    headers = {"accessToken": token} if token else {}
    if request_id:
        headers["X-Request-ID"] = request_id
    return httpx.post(f"{server.url}/flow/codeblock", json={"codebase64": b64(code), "input": {}},
                      headers=headers, timeout=30)


def today() -> str:
    return datetime.now(ZoneInfo(ZONE)).date().isoformat()


def metric(server: Server, name: str, **labels: str) -> float:
    """The value of one sample in /metrics (0 when it is not there yet)."""
    text = httpx.get(f"{server.url}/metrics", timeout=30).text
    wanted = name + ("{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}" if labels else "")
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.split()[-1])
    return 0.0


def eventually(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def serve(tmp: Path, **env: Any) -> Server:
    settings = {"runtime_pool_size": 1, "auth_enabled": "true", "admin_token": ADMIN, "timezone": ZONE,
                "usage_flush_s": 0.2, **env}
    if "database_url" not in env:
        settings.setdefault("auth_db_path", str(tmp / "usage.sqlite3"))
    return start_server(str(tmp), **settings)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def srv(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"usage-{request.param}")
    env = {"database_url": request.getfixturevalue("postgres")} if request.param == "postgresql" else {}
    server = serve(tmp, **env)
    yield server
    server.stop()


# -- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), NEW_ROUTES)
def test_usage_routes_refuse_without_the_admin_token(srv: Server, method: str, path: str) -> None:
    missing = admin(srv, path, key=None)
    assert missing.status_code == 401 and missing.json()["error"]["type"] == "AuthenticationError"
    for wrong in ("nope", ADMIN + "x", create(srv)):  # an API token is no admin token
        refused = admin(srv, path, key=wrong)
        assert refused.status_code == 403 and refused.json()["error"]["type"] == "ForbiddenError"


def test_usage_routes_are_off_without_admin_token(tmp_path: Path) -> None:
    server = start_server(str(tmp_path), runtime_pool_size=1)  # no ADMIN_TOKEN, auth off: no database
    try:
        for _, path in NEW_ROUTES:
            refused = admin(server, path, key="anything-at-all-0123")
            assert refused.status_code == 403 and refused.json()["error"]["type"] == "ForbiddenError"
        # The module counter needs no database: it counts with everything off.
        before = metric(server, "codeblock_module_requires_total", module="lodash")
        assert run(server, None, "const _ = require('lodash'); return _.sum([1, 2])").json()["result"] == 3
        assert metric(server, "codeblock_module_requires_total", module="lodash") == before + 1
        assert not list(tmp_path.glob("*.sqlite3"))  # nothing opened a database
    finally:
        server.stop()


def test_bad_queries_are_400s(srv: Server) -> None:
    token = create(srv)
    for path, params in [("/flow/stats/users", {"from": "2026-13-01"}), ("/flow/stats/users", {"to": "yesterday"}),
                         ("/flow/stats/modules", {"from": "2026-02-02", "to": "2026-02-01"}),
                         ("/flow/stats/modules", {"from": "2000-01-01", "to": "2026-01-01"}),
                         (f"/flow/tokens/{token}/quota/logs", {"page": "0"}),
                         (f"/flow/tokens/{token}/quota/logs", {"page_size": "100000"})]:
        response = admin(srv, path, **params)
        assert response.status_code == 400 and response.json()["error"]["type"] == "ValidationError", (path, params)
    for path in ("/flow/tokens/cbk_unknown/quota", "/flow/tokens/cbk_unknown/quota/logs"):
        assert admin(srv, path).status_code == 404
    assert admin(srv, "/flow/stats/users", key="cbk_unknown").status_code == 403
    assert admin(srv, "/flow/stats/users", token="cbk_unknown").status_code == 404


# -- quota and its logs -----------------------------------------------------------------------


def test_quota_state_and_logs(srv: Server) -> None:
    token = create(srv, quota_type="count", total_quota=5)
    for i in range(3):
        assert run(srv, token, "return 1", request_id=f"usage-call-{i}").status_code == 200
    quota = data(admin(srv, f"/flow/tokens/{token}/quota"))
    assert (quota["quota_type"], quota["total_quota"], quota["remaining_quota"], quota["used_quota"]) == \
        ("count", 5, 2, 3)
    assert quota["exhausted"] is False and quota["is_expired"] is False and quota["token_hint"] == token[:10]

    logs = data(admin(srv, f"/flow/tokens/{token}/quota/logs"))
    assert logs["total"] == 3 and logs["retention_days"] == 180
    # Newest first, each with what was left after it and the request it served.
    assert [(e["action"], e["change"], e["remaining"], e["request_id"]) for e in logs["logs"]] == \
        [("consume", -1, 2 + i, f"usage-call-{2 - i}") for i in range(3)]

    # An admin change is logged with its amount; then the quota runs out.
    put = httpx.put(f"{srv.url}/flow/tokens/{token}", json={"quota_operation": "add", "quota_amount": 1},
                    headers={"accessToken": ADMIN}, timeout=30)
    assert put.status_code == 200, put.text
    for _ in range(3):
        assert run(srv, token, "return 1").status_code == 200
    refused = run(srv, token, "return 1")
    assert refused.status_code == 429 and refused.json()["error"]["type"] == "QuotaExceeded"
    quota = data(admin(srv, f"/flow/tokens/{token}/quota"))
    assert (quota["total_quota"], quota["remaining_quota"], quota["used_quota"], quota["exhausted"]) == \
        (6, 0, 6, True)

    page = data(admin(srv, f"/flow/tokens/{token}/quota/logs", page=2, page_size=3))
    assert page["total"] == 7 and page["count"] == 3  # 6 calls taken (the refused one is not) + the add
    assert [(e["action"], e["change"], e["remaining"]) for e in page["logs"]] == \
        [("add", 1, 3), ("consume", -1, 2), ("consume", -1, 3)]
    # Days in TIMEZONE: today's logs are all of them, tomorrow's none.
    assert data(admin(srv, f"/flow/tokens/{token}/quota/logs", **{"from": today(), "to": today()}))["total"] == 7
    tomorrow = (date.fromisoformat(today()) + timedelta(days=1)).isoformat()
    assert data(admin(srv, f"/flow/tokens/{token}/quota/logs", **{"from": tomorrow}))["total"] == 0


def test_a_time_quota_reads_as_unmetered(srv: Server) -> None:
    quota = data(admin(srv, f"/flow/tokens/{create(srv)}/quota"))
    assert quota["quota_type"] == "time" and quota["counts_calls"] is False and quota["remaining_quota"] is None
    assert quota["exhausted"] is False


# -- statistics -----------------------------------------------------------------------------


def test_stats_per_token_and_per_module(srv: Server) -> None:
    ws = f"ws-stats-{time.monotonic_ns()}"
    first, second = create(srv, ws_id=ws), create(srv, ws_id=ws, email="other@example.com")
    before = {m: metric(srv, "codeblock_module_requires_total", module=m) for m in ("lodash", "crypto", "buffer")}
    uses_lodash = "const _ = require('lodash/sum'); return _([1, 2])"
    uses_both = "const c = require('node:crypto'); const _ = require('lodash'); return c.randomUUID().length"
    for code in (uses_lodash, uses_lodash, uses_both, "throw new Error('x')"):
        run(srv, first, code)
    run(srv, second, "const { Buffer } = require('buffer'); require('fs'); return 1")  # fs is refused

    users = data(admin(srv, "/flow/stats/users", ws_id=ws))
    assert users["timezone"] == ZONE and users["to"] == today() and users["retention_days"] == 30
    by_email = {u["email"]: u for u in users["users"]}
    assert (by_email["u@example.com"]["calls"], by_email["u@example.com"]["errors"]) == (4, 1)
    assert (by_email["other@example.com"]["calls"], by_email["other@example.com"]["errors"]) == (1, 1)
    assert by_email["u@example.com"]["days"] == [{"date": today(), "calls": 4, "errors": 1}]
    assert by_email["u@example.com"]["token_hint"] == first[:10] and users["total_calls"] == 5

    modules = data(admin(srv, "/flow/stats/modules", ws_id=ws))
    assert {m["module"]: m["calls"] for m in modules["modules"]} == {"lodash": 3, "crypto": 1, "buffer": 1}
    assert modules["modules"][0] == {"module": "lodash", "calls": 3, "days": [{"date": today(), "calls": 3}]}
    only_second = data(admin(srv, "/flow/stats/modules", token=second))
    assert [m["module"] for m in only_second["modules"]] == ["buffer"]
    for module, count in {"lodash": 3, "crypto": 1, "buffer": 1}.items():
        assert metric(srv, "codeblock_module_requires_total", module=module) == before[module] + count
    assert metric(srv, "codeblock_module_requires_total", module="fs") == 0
    # Yesterday (in TIMEZONE) has none of it.
    yesterday = (date.fromisoformat(today()) - timedelta(days=1)).isoformat()
    assert data(admin(srv, "/flow/stats/users", ws_id=ws, to=yesterday))["users"] == []


def test_stats_without_auth_are_of_no_token(tmp_path: Path) -> None:
    server = start_server(str(tmp_path), runtime_pool_size=1, admin_token=ADMIN, timezone=ZONE, usage_flush_s=0.2,
                          auth_db_path=str(tmp_path / "u.sqlite3"))
    try:
        for _ in range(2):
            assert run(server, None, "return require('util').format('%d', 1)").status_code == 200
        users = data(admin(server, "/flow/stats/users"))
        assert [(u["token_id"], u["name"], u["calls"]) for u in users["users"]] == [(0, "(no token)", 2)]
        assert data(admin(server, "/flow/stats/modules"))["modules"][0]["module"] == "util"
    finally:
        server.stop()


# -- writes: at shutdown, on failure, bounded, retention ------------------------------------------


def _sqlite_server(tmp: Path, **env: Any) -> tuple[Server, Path]:
    path = tmp / "usage.sqlite3"
    return serve(tmp, auth_db_path=str(path), **env), path


def test_records_are_written_at_shutdown(tmp_path: Path) -> None:
    server, path = _sqlite_server(tmp_path, usage_flush_s=3600)  # only the start's flush, then the last one
    token = create(server, quota_type="count", total_quota=10)
    for _ in range(4):
        assert run(server, token, "return require('qs').stringify({a: 1})").status_code == 200
    with sqlite3.connect(path) as connection:  # nothing written yet: the requests never waited on it
        assert connection.execute("SELECT count(*) FROM quota_logs").fetchone() == (0,)
    server.stop()  # SIGTERM, as Kubernetes stops a pod
    assert "service stopped" in server.log()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*), min(remaining) FROM quota_logs").fetchone() == (4, 6)
        assert connection.execute("SELECT day, calls, errors FROM usage_daily WHERE token_id > 0").fetchall() == \
            [(today(), 4, 0)]
        assert connection.execute("SELECT module, calls FROM module_daily").fetchall() == [("qs", 4)]


def test_a_failing_database_keeps_records_and_counts_errors_and_drops(tmp_path: Path) -> None:
    server, path = _sqlite_server(tmp_path, usage_buffer_max=100)
    try:
        token = create(server, quota_type="count", total_quota=1000)
        with sqlite3.connect(path) as connection:  # the table goes: each flush now fails
            connection.execute("ALTER TABLE quota_logs RENAME TO quota_logs_away")
        for _ in range(20):
            assert run(server, token, "return 1").status_code == 200
        eventually(lambda: _assert(metric(server, "codeblock_usage_flush_errors_total") >= 1))
        assert metric(server, "codeblock_usage_records_dropped_total", kind="quota_logs") == 0
        with sqlite3.connect(path) as connection:  # it comes back: the kept records are written
            connection.execute("ALTER TABLE quota_logs_away RENAME TO quota_logs")
        logs = eventually(lambda: _total_is(admin(server, f"/flow/tokens/{token}/quota/logs"), 20))
        assert [e["remaining"] for e in logs["logs"][:2]] == [980, 981]

        with sqlite3.connect(path) as connection:
            connection.execute("ALTER TABLE quota_logs RENAME TO quota_logs_away")
        for _ in range(120):  # more than USAGE_BUFFER_MAX held: the rest are dropped and counted
            assert run(server, token, "return 1").status_code == 200
        eventually(lambda: _assert(metric(server, "codeblock_usage_records_dropped_total", kind="quota_logs") >= 20))
        assert httpx.get(f"{server.url}/flow/health", timeout=10).status_code == 200  # still healthy
        with sqlite3.connect(path) as connection:
            connection.execute("ALTER TABLE quota_logs_away RENAME TO quota_logs")
        dropped = metric(server, "codeblock_usage_records_dropped_total", kind="quota_logs")
        kept = 140 - int(dropped)
        logs = eventually(lambda: _total_is(admin(server, f"/flow/tokens/{token}/quota/logs", page_size=1000), kept))
        # The oldest were kept, in order, with nothing missing among them; the newest went.
        assert [e["remaining"] for e in logs["logs"]] == list(range(1000 - kept, 1000))
    finally:
        server.stop()


def _assert(condition: bool) -> None:
    assert condition


def _total_is(response: httpx.Response, total: int) -> Any:
    body = data(response)
    assert body["total"] == total, body["total"]
    return body


def test_retention_deletes_old_buckets_and_logs(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    upgraded = subprocess.run([sys.executable, "-m", "flow_codeblock", "db", "upgrade"], capture_output=True,
                              text=True, env={**os.environ, "AUTH_DB_PATH": str(path)}, timeout=60)
    assert upgraded.returncode == 0, upgraded.stderr
    day = date.fromisoformat(today())
    now = datetime.now(UTC)
    with sqlite3.connect(path) as connection:
        for age in (3, 29, 30, 45):  # STATS_RETENTION_DAYS 30 keeps today and the 29 days before
            when = (day - timedelta(days=age)).isoformat()
            connection.execute("INSERT INTO usage_daily VALUES (?, 0, ?, 0)", (when, age))
            connection.execute("INSERT INTO module_daily VALUES (?, 'lodash', 0, ?)", (when, age))
        for age in (10, 170, 200):  # QUOTA_LOG_RETENTION_DAYS 180
            stamp = (now - timedelta(days=age)).isoformat(timespec="seconds").replace("+00:00", "Z")
            connection.execute("INSERT INTO quota_logs (token_id, created_at, action, change, remaining) "
                               "VALUES (1, ?, 'consume', -1, ?)", (stamp, age))
    server, _ = _sqlite_server(tmp_path)
    try:
        token = create(server)  # the database's first token: id 1, as the logs above
        span = {"from": (day - timedelta(days=60)).isoformat()}
        users = data(admin(server, "/flow/stats/users", **span))
        assert [d["calls"] for d in users["users"][0]["days"]] == [29, 3]
        modules = data(admin(server, "/flow/stats/modules", **span))
        assert modules["modules"][0]["calls"] == 32
        logs = data(admin(server, f"/flow/tokens/{token}/quota/logs"))
        assert [e["remaining"] for e in logs["logs"]] == [170, 10]
    finally:
        server.stop()


# -- PostgreSQL: two replicas migrating one fresh database at once --------------------------------


def test_two_replicas_migrate_a_fresh_postgresql_at_once(postgres: str, tmp_path: Path) -> None:
    name = f"fresh_{time.monotonic_ns()}"
    port = postgres.rsplit(":", 1)[1].split("/")[0]
    subprocess.run(_as_postgres(["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-c",
                                 f"CREATE DATABASE {name}"]), check=True, capture_output=True, timeout=60)
    url = postgres.rsplit("/", 1)[0] + f"/{name}"
    for i in range(2):
        (tmp_path / str(i)).mkdir()
    with ThreadPoolExecutor(2) as pool:
        starting = [pool.submit(serve, tmp_path / str(i), database_url=url) for i in range(2)]
        servers = [future.result() for future in starting]
    try:
        token = create(servers[0], quota_type="count", total_quota=3)
        assert run(servers[1], token, "return 1").status_code == 200
        assert data(admin(servers[0], f"/flow/tokens/{token}/quota"))["remaining_quota"] == 2
        revision = subprocess.run(_as_postgres(["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", name,
                                                "-tAc", "SELECT version_num FROM alembic_version"]),
                                  check=True, capture_output=True, text=True, timeout=60)
        assert revision.stdout.split() == [db_module.HEAD]
    finally:
        for server in servers:
            server.stop()


# -- the request's path never waits on the database; Redis's counter is the quota read ---------------


def test_with_auth_off_executions_never_wait_on_the_database(tmp_path: Path) -> None:
    """ADMIN_TOKEN set, auth off: the database exists, yet with it locked (a writer waits 5 s,
    then fails) every execution answers, the flush fails and is counted, and the records held
    meanwhile are written once the lock goes."""
    path = tmp_path / "locked.sqlite3"
    server = start_server(str(tmp_path), runtime_pool_size=1, admin_token=ADMIN, timezone=ZONE, usage_flush_s=0.2,
                          auth_db_path=str(path))
    try:
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            for i in range(3):
                response = run(server, None, f"return require('events').name.length + {i}")
                assert response.status_code == 200 and response.json()["result"] == len("EventEmitter") + i
            eventually(lambda: _assert(metric(server, "codeblock_usage_flush_errors_total") >= 1), seconds=30)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        modules = eventually(lambda: _modules_are(admin(server, "/flow/stats/modules"), {"events": 3}), seconds=30)
        assert modules["total_requires"] == 3
    finally:
        server.stop()


def _modules_are(response: httpx.Response, expected: dict[str, int]) -> Any:
    body = data(response)
    assert {m["module"]: m["calls"] for m in body["modules"]} == expected
    return body


def test_the_quota_read_is_redis_counter(tmp_path: Path, redis_url: tuple[subprocess.Popen[bytes], str]) -> None:
    import redis

    server = serve(tmp_path, redis_url=redis_url[1])
    try:
        token = create(server, quota_type="count", total_quota=10)
        for _ in range(3):
            assert run(server, token, "return 1").status_code == 200
        assert data(admin(server, f"/flow/tokens/{token}/quota"))["remaining_quota"] == 7
        token_id = data(admin(server, "/flow/tokens", token=token))["tokens"][0]["id"]
        # The counter is moved behind the database's back: the quota read follows Redis.
        client = redis.Redis.from_url(redis_url[1])
        try:
            client.set(f"codeblock:quota:{token_id}", 2)
        finally:
            client.close()
        quota = data(admin(server, f"/flow/tokens/{token}/quota"))
        assert (quota["remaining_quota"], quota["used_quota"]) == (2, 8)
        logs = data(admin(server, f"/flow/tokens/{token}/quota/logs"))
        assert [e["remaining"] for e in logs["logs"]] == [7, 8, 9]
    finally:
        server.stop()


def test_replicas_with_workers_add_up_in_postgresql(postgres: str, tmp_path: Path) -> None:
    """Two replicas of two workers each, one PostgreSQL: every worker's records are written
    (concurrent UPSERTs of the same day's buckets add up), and a count quota of 12 shared by
    all of them has exactly 12 calls in its logs when 20 arrive at once."""
    replicas = [serve(tmp_path, database_url=postgres, workers=2) for _ in range(2)]
    try:
        ws = f"ws-replicas-{time.monotonic_ns()}"
        token = create(replicas[0], ws_id=ws, quota_type="count", total_quota=12)
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda i: run(replicas[i % 2], token, "return require('uuid').v4().length")
                                     .status_code, range(20)))
        assert sorted(statuses) == [200] * 12 + [429] * 8
        users = eventually(lambda: _calls_are(admin(replicas[1], "/flow/stats/users", ws_id=ws), 12))
        assert users["users"][0]["errors"] == 0
        eventually(lambda: _modules_are(admin(replicas[0], "/flow/stats/modules", ws_id=ws), {"uuid": 12}))
        logs = eventually(lambda: _total_is(admin(replicas[0], f"/flow/tokens/{token}/quota/logs"), 12))
        assert sorted(e["remaining"] for e in logs["logs"]) == list(range(12))
    finally:
        for server in replicas:
            server.stop()


def _calls_are(response: httpx.Response, calls: int) -> Any:
    body = data(response)
    assert body["total_calls"] == calls, body
    return body


def test_stored_script_calls_count_for_their_owner(srv: Server) -> None:
    """GET/POST /flow/codeblock/{id} sends no token: the call is its owner's, in the quota's logs
    and in both statistics."""
    ws = f"ws-script-{time.monotonic_ns()}"
    owner = create(srv, ws_id=ws, quota_type="count", total_quota=10)
    saved = httpx.post(f"{srv.url}/flow/scripts", headers={"accessToken": owner}, timeout=30, json={
        "code_base64": b64("const _ = require('lodash'); return _.sum([1, 2, input.body.n || 0])"),
        "description": "usage"})
    assert saved.status_code == 200, saved.text
    script_id = saved.json()["data"]["script_id"]
    assert httpx.post(f"{srv.url}/flow/codeblock/{script_id}", json={"n": 4}, timeout=30).json() == 7
    failed = httpx.get(f"{srv.url}/flow/codeblock/{script_id}", timeout=30)  # no body: input.body is null
    assert failed.status_code == 400 and failed.json()["error"]["type"] == "TypeError"
    users = data(admin(srv, "/flow/stats/users", ws_id=ws))
    assert [(u["token_hint"], u["calls"], u["errors"]) for u in users["users"]] == [(owner[:10], 2, 1)]
    modules = data(admin(srv, "/flow/stats/modules", ws_id=ws))
    assert {m["module"]: m["calls"] for m in modules["modules"]} == {"lodash": 2}
    logs = data(admin(srv, f"/flow/tokens/{owner}/quota/logs"))
    assert [(e["action"], e["remaining"]) for e in logs["logs"]] == [("consume", 8), ("consume", 9)]
