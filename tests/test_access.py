"""API tokens (SQLite, managed with `codeblock token`) and rate limits (token buckets in
process, or in a real redis-server shared by several service processes)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import Server, b64, free_port, start_server

CODE = {"codebase64": b64("return 6 * 7"), "input": {}}
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def token_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flow_codeblock", "token", *args], capture_output=True, text=True,
                          env={**os.environ, "AUTH_DB_PATH": str(db)}, timeout=30)


@pytest.fixture(scope="module")
def auth_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("auth") / "tokens.sqlite3"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory, auth_db: Path) -> Iterator[Server]:
    token_cli(auth_db, "list")  # creates the database before the service opens it
    srv = start_server(str(tmp_path_factory.mktemp("authsrv")), runtime_pool_size=1, auth_enabled="true",
                       auth_db_path=str(auth_db), auth_cache_s=0.2)
    yield srv
    srv.stop()


def _post(server: Server, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{server.url}/flow/codeblock", json=CODE, headers=headers or {}, timeout=30)


def test_token_cli_shows_a_secret_once_and_lists_hints(auth_db: Path) -> None:
    created = token_cli(auth_db, "create", "--name", "listing")
    assert created.returncode == 0 and re.fullmatch(r"cbk_[\w-]{43}\n", created.stdout), created
    listed = token_cli(auth_db, "list")
    assert "listing" in listed.stdout and created.stdout.strip() not in listed.stdout  # never the secret
    assert created.stdout[:10] in listed.stdout  # its hint
    assert token_cli(auth_db, "revoke", "999").returncode == 1


def test_requests_without_a_token_are_refused(auth_server: Server) -> None:
    response = _post(auth_server)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["success"] is False and body["error"]["type"] == "AuthenticationError"
    assert "accessToken" in body["error"]["message"]
    assert set(body) == {"success", "error", "timing", "timestamp", "request_id"}


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer cbk_not-a-real-token"}, {"accessToken": "nope"}, {"Authorization": "Basic dTpw"},
    {"Authorization": "Bearer " + "x" * 5000},
])
def test_wrong_tokens_are_refused(auth_server: Server, headers: dict[str, str]) -> None:
    response = _post(auth_server, headers)
    assert response.status_code == 401 and response.json()["error"]["type"] == "AuthenticationError"


def test_valid_tokens_in_either_header_then_revoked(auth_server: Server, auth_db: Path) -> None:
    token = token_cli(auth_db, "create", "--name", "client-a").stdout.strip()
    # Flow-CodeBlock's headers, in its order: accessToken, access-token, Authorization (Bearer or bare).
    for headers in ({"Authorization": f"Bearer {token}"}, {"accessToken": token}, {"access-token": token},
                    {"Authorization": token}, {"accessToken": token, "Authorization": "Bearer cbk_wrong"}):
        response = _post(auth_server, headers)
        assert response.status_code == 200 and response.json()["result"] == 42
    token_id = re.search(r'"id": (\d+),\s+"name": "client-a"', token_cli(auth_db, "list").stdout)
    assert token_id and token_cli(auth_db, "revoke", token_id.group(1)).returncode == 0
    time.sleep(0.3)  # AUTH_CACHE_S
    response = _post(auth_server, {"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["error"] == {"type": "ForbiddenError",
                                        "message": f"the API token {token[:10]}... was revoked"}


def test_public_endpoints_stay_public(auth_server: Server, auth_db: Path) -> None:
    for path in ("/health", "/flow/health", "/", "/playground/app.js", "/flow/limits", "/metrics"):
        assert httpx.get(auth_server.url + path).status_code == 200, path
    assert httpx.get(f"{auth_server.url}/flow/status").status_code == 401
    token = token_cli(auth_db, "create", "--name", "status").stdout.strip()
    assert httpx.get(f"{auth_server.url}/flow/status", headers={"accessToken": token}).status_code == 200


def test_per_ip_rate_limit(tmp_path: Path) -> None:
    # 0.5 tokens/s: a slow CI machine cannot refill the bucket between the four requests.
    srv = start_server(str(tmp_path), runtime_pool_size=1, rate_limit_enabled="true", rate_limit_ip_rps=0.5,
                       rate_limit_ip_burst=3)
    try:
        statuses = [_post(srv).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = _post(srv)
        assert refused.json()["error"] == {"type": "RateLimitError",
                                           "message": "rate limit exceeded for this client address; retry later"}
        assert int(refused.headers["retry-after"]) >= 1
        time.sleep(2.2)  # one token refilled
        assert _post(srv).status_code == 200
        metrics = httpx.get(f"{srv.url}/metrics").text
        assert re.search(r'^rate_limited_total\{limit="ip"\} [2-9]', metrics, re.M)
    finally:
        srv.stop()


def test_per_token_rate_limit(tmp_path: Path) -> None:
    db = tmp_path / "tokens.sqlite3"
    first, second = (token_cli(db, "create", "--name", n).stdout.strip() for n in ("one", "two"))
    srv = start_server(str(tmp_path), runtime_pool_size=1, auth_enabled="true", auth_db_path=str(db),
                       rate_limit_enabled="true", rate_limit_token_rps=0.5, rate_limit_token_burst=2,
                       rate_limit_ip_rps=1000, rate_limit_ip_burst=1000)
    try:
        one = [_post(srv, {"accessToken": first}).status_code for _ in range(3)]
        assert one == [200, 200, 429]
        assert "this API token" in _post(srv, {"accessToken": first}).json()["error"]["message"]
        assert _post(srv, {"accessToken": second}).status_code == 200  # its own bucket
    finally:
        srv.stop()


def test_guessing_tokens_is_rate_limited(tmp_path: Path) -> None:
    """The client address's bucket applies before authentication: requests with missing
    or wrong tokens count, so tokens cannot be guessed at full speed."""
    db = tmp_path / "tokens.sqlite3"
    token_cli(db, "list")
    srv = start_server(str(tmp_path), runtime_pool_size=1, auth_enabled="true", auth_db_path=str(db),
                       rate_limit_enabled="true", rate_limit_ip_rps=0.5, rate_limit_ip_burst=3)
    try:
        statuses = [_post(srv, {"Authorization": f"Bearer cbk_guess{i}"}).status_code for i in range(4)]
        assert statuses == [401, 401, 401, 429]
        assert _post(srv).status_code == 429  # no token at all: the same bucket
    finally:
        srv.stop()


@pytest.mark.parametrize(("trusted", "separate"), [("", False), ("127.0.0.1", True)])
def test_forwarded_for_is_trusted_only_from_listed_proxies(tmp_path: Path, trusted: str, separate: bool) -> None:
    """X-Forwarded-For names the client only when the peer is in FORWARDED_ALLOW_IPS
    (empty by default: a client could otherwise pick a fresh address per request)."""
    srv = start_server(str(tmp_path), runtime_pool_size=1, rate_limit_enabled="true", rate_limit_ip_rps=0.5,
                       rate_limit_ip_burst=2, forwarded_allow_ips=trusted)
    try:
        first = [_post(srv, {"X-Forwarded-For": "203.0.113.1"}).status_code for _ in range(2)]
        other = _post(srv, {"X-Forwarded-For": "203.0.113.2"}).status_code
        assert first == [200, 200]
        assert other == (200 if separate else 429)
    finally:
        srv.stop()


def test_the_token_cache_evicts_one_entry_when_full(tmp_path: Path) -> None:
    from flow_codeblock.db import Database
    from flow_codeblock.token_store import TokenStore
    from flow_codeblock.tokens import CachedTokens

    cache = CachedTokens(TokenStore(Database(f"sqlite+aiosqlite:///{tmp_path / 't.sqlite3'}")), ttl_s=60)
    cache.max_entries = 3
    for i in range(4):
        cache.remember(f"token-{i}", None)
    assert [cache.cached(f"token-{i}")[0] for i in range(4)] == [False, True, True, True]


@pytest.fixture()
def redis_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    import socket

    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_replicas_share_one_limit_through_redis(tmp_path: Path,
                                                redis_server: tuple[subprocess.Popen[bytes], str]) -> None:
    process, url = redis_server
    settings = {"runtime_pool_size": 1, "rate_limit_enabled": "true", "rate_limit_ip_rps": 0.2,
                "rate_limit_ip_burst": 4, "redis_url": url}
    replicas = [start_server(str(tmp_path), **settings) for _ in range(2)]
    try:
        # Alternating between the replicas: 4 requests in all pass, not 4 each.
        statuses = [_post(replicas[i % 2]).status_code for i in range(6)]
        assert statuses == [200, 200, 200, 200, 429, 429]
        # Redis gone: requests are let through (fail open), and it is counted.
        process.terminate()
        process.wait(timeout=10)
        assert _post(replicas[0]).status_code == 200
        metrics = httpx.get(f"{replicas[0].url}/metrics").text
        assert re.search(r"^rate_limit_store_errors_total [1-9]", metrics, re.M)
        assert "rate limit store unavailable" in replicas[0].log()
    finally:
        for replica in replicas:
            replica.stop()


def test_bad_redis_url_stops_the_service(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="REDIS_URL: Value error, must start with redis://"):
        start_server(str(tmp_path), redis_url="localhost:6379")
