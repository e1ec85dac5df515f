"""Managed tokens over a real socket (SQLite): the admin API (/flow/tokens) and what it
refuses, tokens' expiry, their own rate limits and count quotas, `codeblock token import`
of Flow-CodeBlock's export, and the migration of a token database made before Alembic."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from flow_codeblock.db import HEAD

from conftest import Server, b64, start_server

ADMIN = "admin-secret-0123456789"
CODE = {"codebase64": b64("return 6 * 7"), "input": {}}


def cli(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flow_codeblock", *args], capture_output=True, text=True,
                          input=stdin, env={**os.environ, "AUTH_DB_PATH": str(db)}, timeout=60)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tokens") / "tokens.sqlite3"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, db: Path) -> Iterator[Server]:
    server = start_server(str(tmp_path_factory.mktemp("tokensrv")), runtime_pool_size=1, auth_enabled="true",
                          auth_db_path=str(db), auth_cache_s=30, admin_token=ADMIN)
    yield server
    server.stop()


def admin(server: Server, method: str, path: str, body: Any = None, token: str | None = ADMIN) -> httpx.Response:
    headers = {"accessToken": token} if token is not None else {}
    return httpx.request(method, f"{server.url}{path}", json=body, headers=headers, timeout=30)


def create(server: Server, **fields: Any) -> dict[str, Any]:
    body = {"ws_id": "ws1", "email": "a@example.com", "operation": "unlimited", **fields}
    response = admin(server, "POST", "/flow/tokens", body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def run(server: Server, token: str) -> httpx.Response:
    return httpx.post(f"{server.url}/flow/codeblock", json=CODE, headers={"accessToken": token}, timeout=30)


ROUTES = [("POST", "/flow/tokens"), ("GET", "/flow/tokens"), ("PUT", "/flow/tokens/cbk_x"),
          ("DELETE", "/flow/tokens/cbk_x")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_admin_routes_refuse_without_the_admin_token(srv: Server, method: str, path: str) -> None:
    missing = admin(srv, method, path, {}, token=None)
    assert missing.status_code == 401 and missing.json()["error"]["type"] == "AuthenticationError"
    for wrong in ("nope", ADMIN + "x", ADMIN[:-1]):
        refused = admin(srv, method, path, {}, token=wrong)
        assert refused.status_code == 403 and refused.json()["error"]["type"] == "ForbiddenError"
    # An API token is no admin token either.
    api_token = create(srv)["access_token"]
    assert admin(srv, method, path, {}, token=api_token).status_code == 403


def test_admin_api_is_off_without_admin_token(tmp_path: Path) -> None:
    server = start_server(str(tmp_path), runtime_pool_size=1)  # auth off, no ADMIN_TOKEN: no database at all
    try:
        for method, path in ROUTES:
            refused = admin(server, method, path, {}, token="anything-at-all-0123")
            assert refused.status_code == 403 and "ADMIN_TOKEN" in refused.json()["error"]["message"]
        assert not list(tmp_path.glob("*.sqlite3*")) and not Path("codeblock-tokens.sqlite3").exists()
    finally:
        server.stop()


def test_create_shows_the_token_once_and_it_works(srv: Server, db: Path) -> None:
    response = admin(srv, "POST", "/flow/tokens", {"ws_id": "ws-c", "email": "c@example.com", "operation": "add",
                                                   "days": 30, "rate_limit_per_minute": 600, "max_scripts": 7})
    body = response.json()
    assert response.status_code == 200 and body["success"] is True and body["message"]
    data = body["data"]
    secret = data["access_token"]
    assert secret.startswith("cbk_") and data["hint"] == secret[:10]
    assert (data["ws_id"], data["email"], data["operation_type"], data["max_scripts"]) == ("ws-c", "c@example.com",
                                                                                         "add", 7)
    assert data["expires_at"] > data["created_at"] and data["quota_type"] == "time"
    assert run(srv, secret).json()["result"] == 42
    listed = admin(srv, "GET", "/flow/tokens?ws_id=ws-c").json()["data"]
    assert listed["count"] == 1 and "access_token" not in listed["tokens"][0]
    assert secret not in json.dumps(listed) and secret not in db.read_bytes().decode("latin-1")  # only its hash


@pytest.mark.parametrize("body", [
    {}, {"ws_id": "w", "email": "x@y", "operation": "add"},  # add without days
    {"ws_id": "w", "email": "x@y", "operation": "set"},  # set without a date
    {"ws_id": "w", "email": "x@y", "operation": "set", "specific_date": "tomorrow"},
    {"ws_id": "w", "email": "not-an-email", "operation": "unlimited"},
    {"ws_id": "w", "email": "x@y", "operation": "forever"},
    {"ws_id": "w", "email": "x@y", "operation": "unlimited", "quota_type": "count"},  # no total_quota
    {"ws_id": "w", "email": "x@y", "operation": "unlimited", "rate_limit_per_minute": "60"},
    {"ws_id": "w", "email": "x@y", "operation": "unlimited", "max_scripts": 0},
    {"ws_id": "w", "email": "x@y", "operation": "add", "days": True},
    [1, 2], "text",
])
def test_create_refuses_bad_requests(srv: Server, body: Any) -> None:
    response = admin(srv, "POST", "/flow/tokens", body)
    assert response.status_code == 400 and response.json()["error"]["type"] == "ValidationError", response.text


def test_list_filters_and_pages(srv: Server) -> None:
    for i in range(5):
        create(srv, ws_id="ws-list", email=f"u{i % 2}@example.com")
    page = admin(srv, "GET", "/flow/tokens?ws_id=ws-list&page=2&page_size=2").json()["data"]
    assert (page["total"], page["count"], page["page"]) == (5, 2, 2)
    emails = admin(srv, "GET", "/flow/tokens?ws_id=ws-list&email=u1@example.com").json()["data"]
    assert emails["total"] == 2 and {t["email"] for t in emails["tokens"]} == {"u1@example.com"}
    secret = create(srv, ws_id="ws-list")["access_token"]
    one = admin(srv, "GET", f"/flow/tokens?token={secret}").json()["data"]
    assert one["count"] == 1 and one["tokens"][0]["hint"] == secret[:10]
    for bad in ("page=0", "page_size=5000", "page=x"):
        assert admin(srv, "GET", f"/flow/tokens?{bad}").status_code == 400


def test_update_changes_limits_expiry_and_quota(srv: Server) -> None:
    secret = create(srv, quota_type="count", total_quota=5)["access_token"]
    assert run(srv, secret).status_code == 200  # cached now (AUTH_CACHE_S=30)
    updated = admin(srv, "PUT", f"/flow/tokens/{secret}", {"quota_operation": "add", "quota_amount": 10,
                                                           "rate_limit_per_minute": 100})
    data = updated.json()["data"]
    assert updated.status_code == 200 and (data["total_quota"], data["remaining_quota"]) == (15, 14)
    assert data["rate_limit_per_minute"] == 100
    # Expired through the admin API: this process forgets its cached lookup at once.
    past = admin(srv, "PUT", f"/flow/tokens/{secret}", {"operation": "set", "specific_date": "2020-01-01"})
    assert past.status_code == 200 and past.json()["data"]["is_expired"] is True
    expired = run(srv, secret)
    assert expired.status_code == 401 and expired.json()["error"]["type"] == "AuthenticationError"
    assert "expired" in expired.json()["error"]["message"]
    again = admin(srv, "PUT", f"/flow/tokens/{secret}", {"operation": "unlimited"})
    assert again.json()["data"]["expires_at"] is None and run(srv, secret).status_code == 200
    assert admin(srv, "PUT", "/flow/tokens/cbk_unknown", {"operation": "unlimited"}).status_code == 404
    assert admin(srv, "PUT", f"/flow/tokens/{secret}", {"quota_operation": "set"}).status_code == 400


def test_a_token_created_already_expired_is_refused(srv: Server) -> None:
    secret = create(srv, operation="set", specific_date="2021-06-01 12:00:00")["access_token"]
    response = run(srv, secret)
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_delete_revokes(srv: Server) -> None:
    secret = create(srv)["access_token"]
    assert run(srv, secret).status_code == 200
    deleted = admin(srv, "DELETE", f"/flow/tokens/{secret}")
    assert deleted.status_code == 200 and deleted.json()["success"] is True
    assert run(srv, secret).status_code == 403  # revoked, at once in this process
    assert admin(srv, "DELETE", f"/flow/tokens/{secret}").status_code == 404


def test_count_quota_is_taken_per_call_then_429(srv: Server) -> None:
    secret = create(srv, quota_type="count", total_quota=3)["access_token"]
    statuses = [run(srv, secret).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = run(srv, secret).json()
    assert refused["error"]["type"] == "QuotaExceeded" and "3" in refused["error"]["message"]
    listed = admin(srv, "GET", f"/flow/tokens?token={secret}").json()["data"]["tokens"][0]
    assert (listed["total_quota"], listed["remaining_quota"]) == (3, 0)
    # Topped up through the admin API: the next call goes through.
    admin(srv, "PUT", f"/flow/tokens/{secret}", {"quota_operation": "reset"})
    assert run(srv, secret).status_code == 200


def test_time_quota_counts_nothing(srv: Server) -> None:
    secret = create(srv, quota_type="time", total_quota=1)["access_token"]
    assert [run(srv, secret).status_code for _ in range(3)] == [200, 200, 200]


def test_a_token_s_own_rate_limit_applies(srv: Server) -> None:
    # RATE_LIMIT_ENABLED is off on this server: the token's own values still apply.
    secret = create(srv, rate_limit_per_minute=1, rate_limit_burst=2)["access_token"]
    statuses = [run(srv, secret).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = run(srv, secret)
    assert refused.json()["error"]["type"] == "RateLimitError" and refused.headers["x-ratelimit-limit"] == "2"
    other = create(srv)["access_token"]  # no limit of its own, none configured
    assert [run(srv, other).status_code for _ in range(4)] == [200] * 4


FLOW_CSV = """id,ws_id,email,access_token,created_at,expires_at,operation_type,is_active,rate_limit_per_minute,\
rate_limit_burst,rate_limit_window_seconds,max_scripts,current_scripts,quota_type,total_quota,remaining_quota,\
quota_synced_at,updated_at
1,ws9,n@example.com,flow_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,2025-01-02 10:00:00,\
NULL,unlimited,1,NULL,NULL,60,50,0,time,NULL,NULL,NULL,2025-01-02 10:00:00
2,ws9,m@example.com,flow_fedcba9876543210fedcba9876543210fedcba9876543210fedcba98765432,2025-01-02 10:00:00,\
2099-01-01 00:00:00,set,1,60,10,60,50,0,count,100,2,NULL,2025-01-02 10:00:00
3,ws9,x@example.com,flow_disabled000000000000000000000000000000000000000000000000000000,2025-01-02 10:00:00,\
\\N,unlimited,0,,,,,,time,,,,2025-01-03 10:00:00
4,ws9,old@example.com,flow_expired0000000000000000000000000000000000000000000000000000000,2024-01-02 10:00:00,\
2024-06-01 00:00:00,add,1,,,,,,time,,,,2024-01-03 10:00:00
"""


def test_import_of_a_flow_codeblock_export_keeps_the_tokens_working(tmp_path: Path) -> None:
    db = tmp_path / "imported.sqlite3"
    export = tmp_path / "access_tokens.csv"
    export.write_text(FLOW_CSV)
    done = cli(db, "token", "import", str(export))
    assert done.returncode == 0 and "4 tokens imported" in done.stderr, done
    assert "4 already there" in cli(db, "token", "import", str(export)).stderr
    assert b"flow_0123456789" not in db.read_bytes()  # stored hashed
    server = start_server(str(tmp_path), runtime_pool_size=1, auth_enabled="true", auth_db_path=str(db),
                          admin_token=ADMIN)
    try:
        values = [line.split(",")[3] for line in FLOW_CSV.splitlines()[1:]]
        unlimited, counted, disabled, expired = values
        assert run(server, unlimited).json()["result"] == 42
        assert [run(server, counted).status_code for _ in range(3)] == [200, 200, 429]  # remaining_quota 2 kept
        assert run(server, disabled).status_code == 403
        assert run(server, expired).status_code == 401
        listed = admin(server, "GET", "/flow/tokens?ws_id=ws9&email=m@example.com").json()["data"]["tokens"][0]
        # 2099-01-01 00:00:00 in Asia/Shanghai (Flow-CodeBlock's zone) is 16:00 UTC the day before.
        assert listed["expires_at"] == "2098-12-31T16:00:00Z" and listed["rate_limit_per_minute"] == 60
    finally:
        server.stop()


def test_import_of_json_and_refusals(tmp_path: Path) -> None:
    db = tmp_path / "json.sqlite3"
    rows = {"access_tokens": [{"access_token": "flow_json_token_value_000000000000000000000000", "ws_id": "w",
                               "email": "j@example.com", "is_active": 1, "quota_type": "hybrid", "total_quota": 9,
                               "remaining_quota": None, "expires_at": None}]}
    done = cli(db, "token", "import", "-", stdin=json.dumps(rows))
    assert done.returncode == 0 and "1 tokens imported" in done.stderr, done
    listed = json.loads(cli(db, "token", "list").stdout)
    assert listed[0]["quotaType"] == "hybrid" and listed[0]["remainingQuota"] == 9
    for bad, reason in (('[{"ws_id": "w"}]', "no access_token"), ("{not json", "not valid JSON"),
                        ('[{"access_token": "t", "quota_type": "daily"}]', "quota_type"),
                        ('[{"access_token": "t", "total_quota": "lots"}]', "whole number"),
                        ('[{"access_token": "t", "expires_at": "soon"}]', "not a time")):
        refused = cli(db, "token", "import", "-", stdin=bad)
        assert refused.returncode == 2 and reason in refused.stderr, refused
    assert cli(db, "token", "import", str(tmp_path / "missing.csv")).returncode == 2
    assert len(json.loads(cli(db, "token", "list").stdout)) == 1  # nothing of the refused files


# The token schema of the version before Alembic (tokens.py's CREATE TABLE), as a database it made.
OLD_SCHEMA = """CREATE TABLE IF NOT EXISTS tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
hash TEXT NOT NULL UNIQUE, hint TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"""


def test_a_token_database_from_before_alembic_migrates(tmp_path: Path) -> None:
    import hashlib

    db = tmp_path / "old.sqlite3"
    old_token, revoked = "cbk_old-token-made-by-the-last-version-0000000000", "cbk_revoked-old-token-00000000000000"
    with sqlite3.connect(db) as connection:
        connection.execute(OLD_SCHEMA)
        connection.executemany("INSERT INTO tokens (name, hash, hint, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
                               [("old", hashlib.sha256(old_token.encode()).hexdigest(), old_token[:10],
                                 "2026-01-01T00:00:00Z", None),
                                ("gone", hashlib.sha256(revoked.encode()).hexdigest(), revoked[:10],
                                 "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")])
    upgraded = cli(db, "db", "upgrade")
    assert upgraded.returncode == 0 and f"revision {HEAD}" in upgraded.stderr, upgraded
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(tokens)")}
    assert {"ws_id", "email", "expires_at", "quota_type", "remaining_quota", "max_scripts"} <= columns
    assert cli(db, "db", "upgrade").returncode == 0  # again: nothing to do
    server = start_server(str(tmp_path), runtime_pool_size=1, auth_enabled="true", auth_db_path=str(db))
    try:
        assert run(server, old_token).json()["result"] == 42
        assert run(server, revoked).status_code == 403
    finally:
        server.stop()


def test_database_path_and_url_settings_choose_the_file(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen.sqlite3"
    env = {**os.environ, "AUTH_DB_PATH": str(tmp_path / "ignored.sqlite3"), "DATABASE_PATH": str(chosen)}
    made = subprocess.run([sys.executable, "-m", "flow_codeblock", "token", "create", "--name", "p"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0 and chosen.exists() and not (tmp_path / "ignored.sqlite3").exists()
    url = f"sqlite:///{tmp_path / 'by-url.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_PATH": str(chosen)}
    listed = subprocess.run([sys.executable, "-m", "flow_codeblock", "token", "list"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert listed.returncode == 0 and json.loads(listed.stdout) == [] and (tmp_path / "by-url.sqlite3").exists()
    bad = subprocess.run([sys.executable, "-m", "flow_codeblock", "token", "list"], capture_output=True, text=True,
                         env={**os.environ, "DATABASE_URL": "mongodb://x/y"}, timeout=60)
    assert bad.returncode == 2 and "DATABASE_URL" in bad.stderr
