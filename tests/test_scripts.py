"""Stored scripts over a real socket, each test against SQLite and against a real PostgreSQL
server (test_tokens_postgres.py's fixture): the management routes, the check on save, versions
and rollback, calls by id with query, form, JSON and text bodies, text results, the IP
allow-list (with and without a trusted proxy), an expired or revoked owner (410), the owner's
quota and rate limit (429), max_scripts under concurrent saves, statistics, and two replicas
sharing one PostgreSQL database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_tokens_postgres import postgres  # noqa: F401 (a fixture)

from conftest import Server, b64, start_server

ADMIN = "scripts-admin-token-0123456789"
CACHE_S = 0.2  # AUTH_CACHE_S: what another process sees of a change comes within this
SETTLE_S = 0.5


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = {"runtime_pool_size": 1, "auth_enabled": "true", "admin_token": ADMIN, "auth_cache_s": CACHE_S,
            "script_stats_flush_s": 0.2, "max_script_versions": 3}
    if request.param == "postgresql":
        return {**base, "database_url": request.getfixturevalue("postgres")}
    return {**base, "auth_db_path": str(tmp_path_factory.mktemp("scripts") / "db.sqlite3")}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, settings: dict[str, Any]) -> Iterator[Server]:
    server = start_server(str(tmp_path_factory.mktemp("scriptsrv")), **settings)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory, settings: dict[str, Any]) -> Iterator[Server]:
    """A second replica on the same database that trusts 127.0.0.1 to name the client."""
    server = start_server(str(tmp_path_factory.mktemp("proxied")), forwarded_allow_ips="127.0.0.1", **settings)
    yield server
    server.stop()


def token(server: Server, **fields: Any) -> str:
    body = {"ws_id": "ws-s", "email": "s@example.com", "operation": "unlimited", **fields}
    response = httpx.post(f"{server.url}/flow/tokens", json=body, headers={"accessToken": ADMIN}, timeout=30)
    assert response.status_code == 200, response.text
    secret: str = response.json()["data"]["access_token"]
    return secret


def api(server: Server, method: str, path: str, secret: str | None, body: Any = None, **params: Any) -> httpx.Response:
    headers = {"accessToken": secret} if secret else {}
    return httpx.request(method, f"{server.url}{path}", json=body, headers=headers, params=params or None, timeout=60)


def save(server: Server, secret: str, code: str, **fields: Any) -> str:
    response = api(server, "POST", "/flow/scripts", secret, {"code_base64": b64(code), "description": "d", **fields})
    assert response.status_code == 200, response.text
    script_id: str = response.json()["data"]["script_id"]
    assert response.json()["data"]["version"] == 1
    return script_id


def call(server: Server, script_id: str, method: str = "GET", **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{server.url}/flow/codeblock/{script_id}", timeout=60, **kwargs)


MANAGEMENT = [("POST", "/flow/scripts"), ("GET", "/flow/scripts"), ("GET", "/flow/scripts/x"),
              ("PUT", "/flow/scripts/x"), ("DELETE", "/flow/scripts/x"), ("GET", "/flow/scripts/x/stats")]


def test_management_needs_a_valid_token(srv: Server) -> None:
    for method, path in MANAGEMENT:
        missing = api(srv, method, path, None, {})
        assert missing.status_code == 401 and missing.json()["error"]["type"] == "AuthenticationError"
        wrong = api(srv, method, path, "cbk_not-a-token", {})
        assert wrong.status_code == 401
        assert api(srv, method, path, ADMIN, {}).status_code == 401  # the admin token owns no scripts


def test_without_auth_there_are_no_scripts(tmp_path: Path) -> None:
    server = start_server(str(tmp_path), runtime_pool_size=1)
    try:
        for method, path in MANAGEMENT:
            refused = api(server, method, path, "anything-0123456789", {})
            assert refused.status_code == 403 and "AUTH_ENABLED" in refused.json()["error"]["message"]
        assert call(server, "abc").status_code == 404
    finally:
        server.stop()


def test_create_list_read_delete(srv: Server) -> None:
    secret = token(srv, max_scripts=10)
    first = save(srv, secret, "return 1", ip_whitelist=["127.0.0.1"])
    second = save(srv, secret, "return 2")
    listed = api(srv, "GET", "/flow/scripts", secret, size=1).json()["data"]
    assert (listed["total"], listed["total_pages"], listed["max_allowed"], listed["remaining"]) == (2, 2, 10, 8)
    assert len(listed["scripts"]) == 1
    page2 = api(srv, "GET", "/flow/scripts", secret, size=1, page=2).json()["data"]["scripts"]
    assert {listed["scripts"][0]["id"], page2[0]["id"]} == {first, second}
    read = api(srv, "GET", f"/flow/scripts/{first}", secret).json()["data"]
    assert read["current_version"] == 1 and read["available_versions"] == [1]
    detail = read["data"][0]
    assert detail["code_base64"] == b64("return 1") and detail["ip_whitelist"] == ["127.0.0.1"]
    assert detail["code_length"] == len("return 1") and len(detail["code_hash"]) == 64
    assert api(srv, "GET", "/flow/scripts", secret, page="x").status_code == 400
    by_id = api(srv, "GET", "/flow/scripts", secret, sort="id", order="asc").json()["data"]["scripts"]
    assert [s["id"] for s in by_id] == sorted([first, second])
    api(srv, "PUT", f"/flow/scripts/{second}", secret, {"description": "The Billing Hook"})
    found = api(srv, "GET", "/flow/scripts", secret, keyword="billing").json()["data"]
    assert [s["id"] for s in found["scripts"]] == [second] and found["total"] == 1 and found["remaining"] == 8
    assert api(srv, "GET", "/flow/scripts", secret, sort="code_base64").status_code == 400
    deleted = api(srv, "DELETE", f"/flow/scripts/{first}", secret)
    assert deleted.status_code == 200 and deleted.json()["data"]["script_id"] == first
    assert api(srv, "GET", f"/flow/scripts/{first}", secret).status_code == 404
    assert api(srv, "DELETE", f"/flow/scripts/{first}", secret).status_code == 404
    assert call(srv, first).status_code == 404
    assert call(srv, second).json() == 2


@pytest.mark.parametrize(("code", "kind"), [
    ("return (", "SyntaxError"), ("let a = 1; let a = 2; return a", "SyntaxError"),
    ("return 1 }; globalThis.leak = 1; if (0) {", "SyntaxError"),  # closes its function: nothing runs
    ("const x = 1;", "ValidationError"), ("   ", "ValidationError"),
    ("return '" + "x" * 70000 + "'", "ValidationError"),
])
def test_code_is_checked_when_saved(srv: Server, code: str, kind: str) -> None:
    secret = token(srv)
    refused = api(srv, "POST", "/flow/scripts", secret, {"code_base64": b64(code)})
    assert refused.status_code == 400 and refused.json()["error"]["type"] == kind, refused.text
    good = save(srv, secret, "return 1")
    update = api(srv, "PUT", f"/flow/scripts/{good}", secret, {"code_base64": b64(code)})
    assert update.status_code == 400 and update.json()["error"]["type"] == kind
    assert api(srv, "GET", "/flow/scripts", secret).json()["data"]["total"] == 1
    assert call(srv, good).json() == 1
    probe = save(srv, secret, "return typeof globalThis.leak")  # the check on save ran none of the code
    assert call(srv, probe).text == "undefined"


@pytest.mark.parametrize("body", [{}, {"code_base64": "%%%"}, {"code_base64": 5}, [1], {"code_base64": b64(
    "return 1"), "ip_whitelist": ["10.0.0.300"]}, {"code_base64": b64("return 1"), "ip_whitelist": "10.0.0.1"}])
def test_bad_saves_are_400(srv: Server, body: Any) -> None:
    refused = api(srv, "POST", "/flow/scripts", token(srv), body)
    assert refused.status_code == 400 and refused.json()["error"]["type"] == "ValidationError", refused.text


def test_versions_and_rollback(srv: Server) -> None:
    secret = token(srv)
    script = save(srv, secret, "return 'v1'")
    for n in (2, 3):
        done = api(srv, "PUT", f"/flow/scripts/{script}", secret, {"code_base64": b64(f"return 'v{n}'")}).json()
        assert done["data"] == {"script_id": script, "version": n, "previous_version": n - 1, "code_changed": True}
        assert call(srv, script).text == f"v{n}"
    same = api(srv, "PUT", f"/flow/scripts/{script}", secret, {"code_base64": b64("return 'v3'"), "description": "x"})
    assert same.json()["data"]["code_changed"] is False and same.json()["data"]["version"] == 3
    assert api(srv, "GET", f"/flow/scripts/{script}", secret, version=2).json()["data"]["data"][0]["code_base64"] \
        == b64("return 'v2'")
    back = api(srv, "PUT", f"/flow/scripts/{script}", secret, {"rollback_to_version": 1}).json()["data"]
    assert back["version"] == 4 and back["code_changed"] is True
    assert call(srv, script).text == "v1"
    read = api(srv, "GET", f"/flow/scripts/{script}", secret).json()["data"]
    assert read["available_versions"] == [4, 3, 2] and read["current_version"] == 4  # MAX_SCRIPT_VERSIONS=3
    assert read["data"][0]["description"] == "x"
    gone = api(srv, "PUT", f"/flow/scripts/{script}", secret, {"rollback_to_version": 1})
    assert gone.status_code == 400 and "not kept" in gone.json()["error"]["message"]
    assert api(srv, "GET", f"/flow/scripts/{script}", secret, version=1).status_code == 404
    both = api(srv, "PUT", f"/flow/scripts/{script}", secret,
               {"rollback_to_version": 2, "code_base64": b64("return 1")})
    assert both.status_code == 400


def test_another_tokens_script_is_not_found(srv: Server) -> None:
    mine, theirs = token(srv), token(srv)
    script = save(srv, mine, "return 1")
    for method, path in [("GET", f"/flow/scripts/{script}"), ("PUT", f"/flow/scripts/{script}"),
                         ("DELETE", f"/flow/scripts/{script}"), ("GET", f"/flow/scripts/{script}/stats")]:
        refused = api(srv, method, path, theirs, {"description": "mine now"})
        assert refused.status_code == 404 and refused.json()["error"]["type"] == "NotFoundError"
    assert api(srv, "GET", "/flow/scripts", theirs).json()["data"]["total"] == 0
    assert api(srv, "GET", f"/flow/scripts/{script}", mine).json()["data"]["data"][0]["description"] == "d"


def test_input_from_query_form_json_and_text(srv: Server) -> None:
    script = save(srv, token(srv), "return input")
    got = call(srv, script, params=[("a", "1"), ("a", "2"), ("b", "x")], headers={"X-Hook": "h"}).json()
    assert got["query"] == {"a": ["1", "2"], "b": "x"} and got["body"] is None and got["header"]["x-hook"] == "h"
    sent = {"n": 1, "list": [1, 2], "nested": {"k": "v"}}
    assert call(srv, script, "POST", json=sent).json()["body"] == sent
    form = call(srv, script, "POST", data={"name": "bob", "tags": ["a", "b"]}).json()
    assert form["body"] == {"name": "bob", "tags": ["a", "b"]}
    text = call(srv, script, "POST", content="plain words", headers={"Content-Type": "text/plain"}).json()
    assert text["body"] == "plain words"
    multipart = call(srv, script, "POST", files={"f": ("a.txt", b"x")})
    assert multipart.status_code == 400 and multipart.json()["error"]["type"] == "ValidationError"
    bad_json = call(srv, script, "POST", content="{", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]["message"]
    for kind in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
        not_utf8 = call(srv, script, "POST", content=b'{"a": "\xff"}', headers={"Content-Type": kind})
        assert not_utf8.status_code == 400, kind
        assert "not UTF-8" in not_utf8.json()["error"]["message"], (kind, not_utf8.text)
    limit = httpx.get(f"{srv.url}/flow/limits").json()["maxBodySize"]
    too_large = call(srv, script, "POST", content=b"x" * (limit + 1), headers={"Content-Type": "text/plain"})
    assert too_large.status_code == 413


def test_answer_is_the_result_itself(srv: Server) -> None:
    secret = token(srv)
    text = save(srv, secret, "return 'hello ' + input.query.name")
    answer = call(srv, text, params={"name": "bob"})
    assert answer.status_code == 200 and answer.text == "hello bob"
    assert answer.headers["content-type"].startswith("text/plain") and answer.headers["x-execution-id"]
    data = save(srv, secret, "return {a: [1, 'x'], b: null}")
    answer = call(srv, data, "POST")
    assert answer.headers["content-type"] == "application/json" and answer.json() == {"a": [1, "x"], "b": None}
    failing = save(srv, secret, "return input.body.x.y")
    failed = call(srv, failing, "POST")
    assert failed.status_code == 400 and failed.json()["success"] is False
    assert failed.json()["error"]["type"] == "TypeError" and failed.headers["x-execution-id"]
    assert call(srv, "no-such-script").status_code == 404 and call(srv, "bad id!").status_code == 404
    # A monitor's HEAD neither runs the script nor counts.
    assert call(srv, data, "HEAD").status_code == 405
    # Each call that ran has its request log line, with its execution id.
    assert f'"path": "/flow/codeblock/{data}"' in srv.log() or f'"path":"/flow/codeblock/{data}"' in srv.log()
    assert answer.headers["x-execution-id"] in srv.log()


def test_ip_allow_list(srv: Server, proxied: Server) -> None:
    secret = token(srv)
    script = save(srv, secret, "return 1", ip_whitelist=["10.0.0.0/8", "2001:db8::/32"])
    refused = call(srv, script)
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "ForbiddenError"
    # X-Forwarded-For is not trusted from an untrusted peer ...
    assert call(srv, script, headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 403
    # ... and is from a trusted proxy (FORWARDED_ALLOW_IPS), on a replica sharing the database.
    assert call(proxied, script, headers={"X-Forwarded-For": "10.1.2.3"}).json() == 1
    assert call(proxied, script, headers={"X-Forwarded-For": "11.1.2.3"}).status_code == 403
    updated = api(srv, "PUT", f"/flow/scripts/{script}", secret, {"ip_whitelist": ["127.0.0.1"]})
    assert updated.status_code == 200 and updated.json()["data"]["code_changed"] is False
    assert call(srv, script).json() == 1
    assert api(srv, "PUT", f"/flow/scripts/{script}", secret, {"ip_whitelist": []}).status_code == 200
    time.sleep(SETTLE_S)
    assert call(proxied, script, headers={"X-Forwarded-For": "11.1.2.3"}).json() == 1


def test_expired_or_revoked_owner_is_410(srv: Server, proxied: Server) -> None:
    secret = token(srv, operation="add", days=1)
    script = save(srv, secret, "return 1")
    assert call(srv, script).json() == 1
    expired = httpx.put(f"{srv.url}/flow/tokens/{secret}", json={"operation": "set", "specific_date": "2020-01-01"},
                        headers={"accessToken": ADMIN})
    assert expired.status_code == 200
    gone = call(srv, script)  # at once on the process whose admin API changed it
    assert gone.status_code == 410 and gone.json()["error"]["type"] == "TokenExpiredError"
    assert api(srv, "GET", "/flow/scripts", secret).status_code == 401  # the token itself: 401, as on /flow/codeblock
    other = token(srv)
    revoked = save(srv, other, "return 1")
    assert call(proxied, revoked).json() == 1
    assert httpx.delete(f"{srv.url}/flow/tokens/{other}", headers={"accessToken": ADMIN}).status_code == 200
    assert call(srv, revoked).status_code == 410
    time.sleep(SETTLE_S)  # another replica: within AUTH_CACHE_S
    assert call(proxied, revoked).status_code == 410


def test_owner_quota_and_rate_limit(srv: Server) -> None:
    secret = token(srv, quota_type="count", total_quota=3)
    script = save(srv, secret, "return 1")
    api(srv, "GET", "/flow/scripts", secret)  # management takes nothing from the quota
    assert [call(srv, script).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert call(srv, script).json()["error"]["type"] == "QuotaExceeded"
    limited = token(srv, rate_limit_per_minute=2, rate_limit_burst=2)
    other = save(srv, limited, "return 1")
    statuses = [call(srv, other).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_max_scripts_under_concurrent_saves(srv: Server, proxied: Server) -> None:
    secret = token(srv, max_scripts=3)

    def create(i: int) -> int:
        server = (srv, proxied)[i % 2]
        return api(server, "POST", "/flow/scripts", secret, {"code_base64": b64(f"return {i}")}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(create, range(8)))
    assert sorted(statuses) == [200] * 3 + [403] * 5, statuses
    assert api(srv, "GET", "/flow/scripts", secret).json()["data"]["remaining"] == 0


def test_statistics(srv: Server, proxied: Server) -> None:
    secret = token(srv)
    script = save(srv, secret, "if (input.query.fail) throw new Error('no'); return 1")
    for server in (srv, proxied):  # two processes: their counts add up in the database
        for _ in range(3):
            assert call(server, script).status_code == 200
        assert call(server, script, params={"fail": "1"}).status_code == 400
    time.sleep(SETTLE_S)  # SCRIPT_STATS_FLUSH_S
    stats = api(srv, "GET", f"/flow/scripts/{script}/stats", secret).json()["data"]
    assert (stats["calls"], stats["errors"], stats["successes"]) == (8, 2, 6)
    assert stats["latency_ms"]["p50"] is not None and stats["latency_ms"]["p50"] <= stats["latency_ms"]["p99"]
    assert sum(b["calls"] for b in stats["buckets"]) == 8


def test_replicas_see_the_same_script(srv: Server, proxied: Server) -> None:
    secret = token(srv)
    script = save(srv, secret, "return 'one'")
    assert call(proxied, script).text == "one"
    assert api(proxied, "PUT", f"/flow/scripts/{script}", secret, {"code_base64": b64("return 'two'")}).status_code \
        == 200
    assert call(proxied, script).text == "two"
    time.sleep(SETTLE_S)  # the first replica's cached copy is older than AUTH_CACHE_S
    assert call(srv, script).text == "two"


def test_one_quota_across_replicas_for_stored_and_posted_calls(srv: Server, proxied: Server) -> None:
    secret = token(srv, quota_type="count", total_quota=10)
    script = save(srv, secret, "return 6 * 7")
    posted = {"codebase64": b64("return 6 * 7"), "input": {}}

    def one(i: int) -> int:
        server = (srv, proxied)[i % 2]
        if i % 3 == 0:  # the owner posting code takes from the same quota
            return httpx.post(f"{server.url}/flow/codeblock", json=posted, headers={"accessToken": secret},
                              timeout=60).status_code
        return call(server, script, "POST").status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(one, range(20)))
    assert sorted(statuses) == [200] * 10 + [429] * 10, statuses
