"""Count quotas in Redis (REDIS_URL): one Lua script per take, shared by replicas; the counter
seeded from the database and written back to it; the admin API's changes reseed it; and what
QUOTA_REDIS_FAILURE does when Redis goes away."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from conftest import Server, b64, free_port, start_server

ADMIN = "redis-admin-token-0123456789"
CODE = {"codebase64": b64("return 6 * 7"), "input": {}}
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def _token(server: Server, total: int) -> str:
    created = httpx.post(f"{server.url}/flow/tokens", headers={"accessToken": ADMIN}, timeout=30, json={
        "ws_id": "r", "email": "r@example.com", "operation": "unlimited", "quota_type": "hybrid", "total_quota": total})
    assert created.status_code == 200, created.text
    token: str = created.json()["data"]["access_token"]
    return token


def _run(server: Server, token: str) -> httpx.Response:
    return httpx.post(f"{server.url}/flow/codeblock", json=CODE, headers={"accessToken": token}, timeout=60)


def _remaining(server: Server, token: str) -> int:
    listed = httpx.get(f"{server.url}/flow/tokens?token={token}", headers={"accessToken": ADMIN}).json()
    left: int = listed["data"]["tokens"][0]["remaining_quota"]
    return left


def test_replicas_share_one_quota_through_redis(tmp_path: Path,
                                                redis_url: tuple[subprocess.Popen[bytes], str]) -> None:
    _, url = redis_url
    settings = {"runtime_pool_size": 1, "auth_enabled": "true", "auth_db_path": str(tmp_path / "t.sqlite3"),
                "admin_token": ADMIN, "redis_url": url}
    replicas = [start_server(str(tmp_path), **settings) for _ in range(2)]
    try:
        token = _token(replicas[0], 6)
        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lambda i: _run(replicas[i % 2], token).status_code, range(12)))
        assert sorted(statuses) == [200] * 6 + [429] * 6, statuses
        assert _run(replicas[1], token).json()["error"]["type"] == "QuotaExceeded"
        deadline = time.monotonic() + 10
        while _remaining(replicas[0], token) != 0:  # written back in the background
            assert time.monotonic() < deadline, "the database never saw the quota used up"
            time.sleep(0.1)
        # Topped up through the admin API: the Redis counter starts again from the database.
        topped = httpx.put(f"{replicas[1].url}/flow/tokens/{token}", headers={"accessToken": ADMIN},
                           json={"quota_operation": "add", "quota_amount": 2}, timeout=30)
        assert topped.json()["data"]["remaining_quota"] == 2
        assert [_run(replicas[i % 2], token).status_code for i in range(3)] == [200, 200, 429]
    finally:
        for replica in replicas:
            replica.stop()


@pytest.mark.parametrize(("policy", "status"), [("closed", 503), ("open", 200)])
def test_when_redis_fails_the_policy_decides(tmp_path: Path, redis_url: tuple[subprocess.Popen[bytes], str],
                                             policy: str, status: int) -> None:
    process, url = redis_url
    server = start_server(str(tmp_path), runtime_pool_size=1, auth_enabled="true", admin_token=ADMIN,
                          auth_db_path=str(tmp_path / "t.sqlite3"), redis_url=url, quota_redis_failure=policy)
    try:
        token = _token(server, 100)
        assert _run(server, token).status_code == 200
        process.terminate()
        process.wait(timeout=10)
        response = _run(server, token)
        assert response.status_code == status, response.text
        if status == 503:
            assert response.json()["error"]["type"] == "ServiceUnavailableError" and response.headers["retry-after"]
        metrics = httpx.get(f"{server.url}/metrics").text
        assert re.search(r"^quota_store_errors_total [1-9]", metrics, re.M), metrics
        assert _remaining(server, token) == 99  # the database holds what Redis had taken
    finally:
        server.stop()


def test_a_stored_scripts_calls_take_the_owners_quota_in_redis(tmp_path: Path,
                                                               redis_url: tuple[subprocess.Popen[bytes], str]) -> None:
    _, url = redis_url
    settings = {"runtime_pool_size": 1, "auth_enabled": "true", "auth_db_path": str(tmp_path / "t.sqlite3"),
                "admin_token": ADMIN, "redis_url": url}
    replicas = [start_server(str(tmp_path), **settings) for _ in range(2)]
    try:
        token = _token(replicas[0], 5)
        saved = httpx.post(f"{replicas[0].url}/flow/scripts", headers={"accessToken": token}, timeout=30,
                           json={"code_base64": b64("return 6 * 7")})
        script = saved.json()["data"]["script_id"]
        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lambda i: httpx.get(f"{replicas[i % 2].url}/flow/codeblock/{script}",
                                                         timeout=60).status_code, range(10)))
        assert sorted(statuses) == [200] * 5 + [429] * 5, statuses
        assert _run(replicas[1], token).json()["error"]["type"] == "QuotaExceeded"
    finally:
        for replica in replicas:
            replica.stop()
