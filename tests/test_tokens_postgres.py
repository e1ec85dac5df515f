"""Tokens in a real PostgreSQL server (Debian's postgresql, started here as Redis is for
test_access.py): migrations applied at start, the admin API on one replica and the token
used on another, and a count quota of 10 shared by two replicas allowing exactly 10 calls
when 20 arrive at once across both."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from flow_codeblock.db import HEAD

from conftest import b64, free_port, start_server

ADMIN = "pg-admin-token-0123456789"
CODE = {"codebase64": b64("return 6 * 7"), "input": {}}
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=Path("/usr/lib/postgresql/17/bin"))


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    assert (PG_BIN / "initdb").exists(), "Debian's postgresql is needed (make test installs it)"
    data = Path(tempfile.mkdtemp(prefix="codeblock-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(data, user.pw_uid, user.pw_gid)
    port = free_port()
    subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True, timeout=120)
    subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data / "db"), "-w", "-l", str(data / "log"),
                                 "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"]),
                   check=True, capture_output=True, timeout=120)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "stop"]),
                       capture_output=True, timeout=120)
        shutil.rmtree(data, ignore_errors=True)


def cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flow_codeblock", *args], capture_output=True, text=True,
                          input=stdin, env={**os.environ, "DATABASE_URL": url}, timeout=60)


def test_replicas_share_tokens_and_one_quota_in_postgresql(postgres: str, tmp_path: Path) -> None:
    settings = {"runtime_pool_size": 1, "auth_enabled": "true", "database_url": postgres, "admin_token": ADMIN,
                "auth_cache_s": 0.2}
    replicas = [start_server(str(tmp_path), **settings) for _ in range(2)]  # each applies the migrations (no-op)
    try:
        created = httpx.post(f"{replicas[0].url}/flow/tokens", headers={"accessToken": ADMIN}, json={
            "ws_id": "pg", "email": "p@example.com", "operation": "add", "days": 1, "quota_type": "count",
            "total_quota": 10}, timeout=30)
        assert created.status_code == 200, created.text
        token = created.json()["data"]["access_token"]

        def call(i: int) -> int:
            return httpx.post(f"{replicas[i % 2].url}/flow/codeblock", json=CODE, headers={"accessToken": token},
                              timeout=60).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(call, range(20)))
        assert sorted(statuses) == [200] * 10 + [429] * 10, statuses
        listed = httpx.get(f"{replicas[1].url}/flow/tokens?ws_id=pg", headers={"accessToken": ADMIN}).json()
        assert listed["data"]["tokens"][0]["remaining_quota"] == 0
        # Deleted on one replica: the other refuses it once its cache entry (AUTH_CACHE_S) is gone.
        assert httpx.delete(f"{replicas[1].url}/flow/tokens/{token}", headers={"accessToken": ADMIN}).status_code == 200
        time.sleep(0.5)
        assert call(0) == 403 and call(1) == 403
    finally:
        for replica in replicas:
            replica.stop()


def test_cli_and_import_against_postgresql(postgres: str) -> None:
    upgraded = cli(postgres, "db", "upgrade")
    assert upgraded.returncode == 0 and f"revision {HEAD}" in upgraded.stderr
    assert "postgresql+asyncpg" in upgraded.stderr
    rows = [{"access_token": "flow_pg_import_0000000000000000000000000000000", "ws_id": "pgi", "email": "i@example.com",
             "is_active": 1, "quota_type": "count", "total_quota": 5, "remaining_quota": 4,
             "expires_at": "2099-01-01 08:00:00"}]
    done = cli(postgres, "token", "import", "-", stdin=json.dumps(rows))
    assert done.returncode == 0 and "1 tokens imported" in done.stderr, done
    listed = [t for t in json.loads(cli(postgres, "token", "list").stdout) if t["wsId"] == "pgi"]
    assert listed[0]["remainingQuota"] == 4 and listed[0]["expiresAt"] == "2099-01-01T00:00:00Z"
