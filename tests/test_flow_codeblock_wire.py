"""Drop-in for Flow-CodeBlock's clients: the wire details they depend on, over a real
socket. Flow-CodeBlock's current version (renoelis/JS-go-executor: model/response.go,
middleware/auth.go, middleware/request_id.go, router.go) is the reference; what this
service adds (executionId, logs, line/column, 413/429/500) must decode in its clients.

A typed client, built from Flow-CodeBlock's Go models with strict fields (a float where
its int64 is, or a missing field, fails as it does in a Go or Java client), decodes
every answer the service gives.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ConfigDict

from conftest import CodeBlockClient, Server, b64, start_server


class _Strict(BaseModel):
    # Unknown fields are ignored, as Go's encoding/json does; known ones must have their type.
    model_config = ConfigDict(strict=True, extra="ignore")


class ExecuteTiming(_Strict):
    executionTime: int  # int64, milliseconds
    totalTime: int


class ExecuteError(_Strict):
    type: str
    message: str
    stack: str | None = None


class ExecuteResponse(_Strict):
    """model.ExecuteResponse: success, result?, error?, timing, timestamp, request_id."""

    success: bool
    result: Any = None
    error: ExecuteError | None = None
    timing: ExecuteTiming
    timestamp: str
    request_id: str


class HealthData(_Strict):
    status: str
    service: str
    version: str


class HealthResponse(_Strict):
    """utils.RespondSuccess around {"status": "healthy", "service", "version"}."""

    success: bool
    data: HealthData
    timestamp: str
    request_id: str


def decode(response: httpx.Response) -> ExecuteResponse:
    return ExecuteResponse.model_validate_json(response.content)


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(str(tmp_path_factory.mktemp("wire")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1, execution_timeout_ms=2000, runtime_memory_limit_mb=64,
                       max_result_size=1024, max_body_size=64 * 1024)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def cb(wire: Server) -> Iterator[CodeBlockClient]:
    with wire.client() as http:
        yield CodeBlockClient(http)


def post(server: Server, code: str, input: Any = None, **kwargs: Any) -> httpx.Response:
    body = {"codebase64": b64(code), "input": {} if input is None else input}
    return httpx.post(f"{server.url}/flow/codeblock", json=body, timeout=30, **kwargs)


# Every kind of answer: (code, status, error type or None).
ANSWERS = [
    ("return { a: 1, list: [1, 2] }", 200, None),
    ("return undefined", 200, None),
    ("await null; return 'async'", 200, None),
    ("return 1 +", 400, "SyntaxError"),
    ("return missing", 400, "ReferenceError"),
    ("return null.x", 400, "TypeError"),
    ("return new Array(-1)", 400, "RangeError"),
    ("throw { custom: true }; return 1", 400, "RuntimeError"),
    ("return require('fs')", 400, "SecurityError"),
    ("while (true) {} return 1", 400, "TimeoutError"),
    ("const a = []; for (;;) a.push('x'.repeat(1000)); return 1", 400, "MemoryLimitError"),
    ("return 'x'.repeat(5000)", 400, "ResultTooLargeError"),
    ("const x = 1;", 400, "ValidationError"),
]


@pytest.mark.parametrize(("code", "status", "error_type"), ANSWERS, ids=[a[2] or a[0][:20] for a in ANSWERS])
def test_every_answer_decodes_in_a_typed_client(wire: Server, code: str, status: int, error_type: str | None) -> None:
    response = post(wire, code, headers={"X-Request-ID": "client-trace-1"})
    assert response.status_code == status, response.text
    answer = decode(response)
    assert answer.success is (error_type is None)
    assert answer.request_id == "client-trace-1" == response.headers["x-request-id"]
    assert answer.timing.totalTime >= answer.timing.executionTime >= 0
    if error_type is None:
        assert answer.error is None
    else:
        assert answer.error is not None and answer.error.type == error_type
    body = response.json()
    assert type(body["timing"]["executionTimeUs"]) is int  # the precision kept, in fields of its own
    assert "executionId" in body


def test_refusals_before_execution_decode_too(wire: Server) -> None:
    too_large = httpx.post(f"{wire.url}/flow/codeblock",
                           content=b'{"codebase64": "' + b"A" * 70_000 + b'", "input": {}}',
                           headers={"content-type": "application/json"})
    assert too_large.status_code == 413
    assert decode(too_large).error.type == "PayloadTooLargeError"  # type: ignore[union-attr]
    missing_input = httpx.post(f"{wire.url}/flow/codeblock", json={"codebase64": b64("return 1")})
    assert missing_input.status_code == 400
    answer = decode(missing_input)
    assert answer.error is not None and answer.error.type == "ValidationError" and "input" in answer.error.message
    assert answer.timing.executionTime == 0


def test_request_ids_are_echoed_or_made(wire: Server) -> None:
    made = post(wire, "return 1")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert decode(made).request_id == made.headers["x-request-id"]
    echoed = post(wire, "return 1", headers={"X-Request-ID": "abc-123"})
    assert decode(echoed).request_id == "abc-123"


def test_health_has_flow_codeblocks_shape(wire: Server) -> None:
    response = httpx.get(f"{wire.url}/health")
    assert response.status_code == 200
    health = HealthResponse.model_validate_json(response.content)
    assert health.success is True and health.data.status == "healthy"
    assert health.request_id == response.headers["x-request-id"]


# -- timestamps and time zones --------------------------------------------------------------

TIME_CODE = ("const d = new Date(Date.UTC(2024, 0, 1, 0, 0));"
             " return [d.getHours(), Intl.DateTimeFormat().resolvedOptions().timeZone,"
             " require('dayjs')(d).format('YYYY-MM-DD HH:mm Z'), require('date-fns').format(d, 'HH:mm')]")


@pytest.mark.parametrize(("zone", "hours", "offset"),
                         [("Asia/Shanghai", 8, "+08:00"), ("America/New_York", 19, "-05:00")])
def test_code_blocks_see_the_configured_time_zone(tmp_path: Path, zone: str, hours: int, offset: str) -> None:
    srv = start_server(str(tmp_path), runtime_pool_size=1, timezone=zone)
    try:
        answer = decode(post(srv, TIME_CODE))
        day = "2024-01-01" if hours == 8 else "2023-12-31"
        assert answer.result == [hours, zone, f"{day} {hours:02d}:00 {offset}", f"{hours:02d}:00"]
        # RFC 3339 in that zone, with its offset.
        assert answer.timestamp.endswith(offset) and datetime.fromisoformat(answer.timestamp)
    finally:
        srv.stop()


def test_flow_codeblocks_timestamp_format(tmp_path: Path) -> None:
    """Flow-CodeBlock's current form: YYYY-MM-DD HH:mm:ss in Asia/Shanghai."""
    srv = start_server(str(tmp_path), runtime_pool_size=1, timezone="Asia/Shanghai", timestamp_format="local")
    try:
        before = time.time()
        answer = decode(post(srv, "return 1"))
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", answer.timestamp)
        shanghai = datetime.strptime(answer.timestamp, "%Y-%m-%d %H:%M:%S")
        utc_now = datetime.utcfromtimestamp(before)
        assert abs((shanghai - utc_now).total_seconds() - 8 * 3600) < 5
        health = HealthResponse.model_validate_json(httpx.get(f"{srv.url}/health").content)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", health.timestamp)
    finally:
        srv.stop()


def test_a_bad_time_zone_stops_the_service(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="TIMEZONE"):
        start_server(str(tmp_path), timezone="Mars/Olympus")


# -- CORS, compression, rate-limit headers --------------------------------------------------


@pytest.fixture(scope="module")
def cors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(str(tmp_path_factory.mktemp("cors")), runtime_pool_size=1,
                       allowed_origins="https://app.example.com, https://other.example.org")
    yield srv
    srv.stop()


def test_requests_without_an_origin_get_no_cors_headers(cors: Server) -> None:
    response = post(cors, "return 1")
    assert response.status_code == 200
    assert not any(h.startswith("access-control-") for h in response.headers)


def test_a_listed_origin_is_echoed_with_credentials(cors: Server) -> None:
    response = post(cors, "return 1", headers={"Origin": "https://app.example.com"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    assert response.headers["access-control-allow-credentials"] == "true"
    preflight = httpx.options(f"{cors.url}/flow/codeblock", headers={
        "Origin": "https://other.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accesstoken"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://other.example.org"
    assert "accessToken" in preflight.headers["access-control-allow-headers"]
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_the_same_host_is_allowed(cors: Server) -> None:
    origin = cors.url  # http://127.0.0.1:<port>, the playground's own origin
    response = post(cors, "return 1", headers={"Origin": origin})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize("method", ["POST", "OPTIONS"])
def test_other_origins_are_refused_with_a_json_error(cors: Server, method: str) -> None:
    response = httpx.request(method, f"{cors.url}/flow/codeblock", headers={"Origin": "https://evil.example"},
                             json={"codebase64": b64("return 1"), "input": {}})
    assert response.status_code == 403
    answer = decode(response)
    assert answer.error is not None and answer.error.type == "ForbiddenError"
    assert "https://evil.example" in answer.error.message
    assert "access-control-allow-origin" not in response.headers


def test_answers_are_compressed_when_the_client_accepts_it(cors: Server) -> None:
    response = post(cors, "return 'x'.repeat(4000)", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers.get("content-length", "0")) < 1000
    assert decode(response).result == "x" * 4000  # httpx decompresses
    page = httpx.get(f"{cors.url}/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    plain = post(cors, "return 'x'.repeat(4000)", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_rate_limit_headers(tmp_path: Path) -> None:
    srv = start_server(str(tmp_path), runtime_pool_size=1, rate_limit_enabled="true", rate_limit_ip_rps=0.5,
                       rate_limit_ip_burst=2)
    try:
        first, second, refused = (post(srv, "return 1") for _ in range(3))
        assert (first.status_code, second.status_code, refused.status_code) == (200, 200, 429)
        assert (first.headers["x-ratelimit-limit"], first.headers["x-ratelimit-remaining"]) == ("2", "1")
        assert second.headers["x-ratelimit-remaining"] == "0"
        assert refused.headers["x-ratelimit-remaining"] == "0" and int(refused.headers["retry-after"]) >= 1
        for response in (first, second, refused):
            reset = datetime.fromisoformat(response.headers["x-ratelimit-reset"].replace("Z", "+00:00"))
            assert reset.timestamp() >= time.time() - 1
        assert decode(refused).error.type == "RateLimitError"  # type: ignore[union-attr]
    finally:
        srv.stop()


# -- console ------------------------------------------------------------------------------


def test_console_can_be_rejected_as_flow_codeblock_does(tmp_path: Path) -> None:
    srv = start_server(str(tmp_path), runtime_pool_size=1, allow_console="reject")
    try:
        refused = post(srv, "const a = 1;\n  console.log(a);\nreturn a")
        assert refused.status_code == 400
        error = refused.json()["error"]
        assert (error["type"], error["line"], error["column"]) == ("ConsoleDisabledError", 2, 3)
        decode(refused)
        # Reached without naming it: refused when called.
        dynamic = post(srv, "globalThis['con' + 'sole'].log('x'); return 1")
        assert dynamic.json()["error"]["type"] == "ConsoleDisabledError"
        assert decode(post(srv, "const consoles = 1; return 'console' + consoles")).result == "console1"
        assert httpx.get(f"{srv.url}/flow/limits").json()["allowConsole"] == "reject"
    finally:
        srv.stop()


# -- Flow-CodeBlock's configuration names ----------------------------------------------------


def config(env: dict[str, str]) -> tuple[dict[str, Any], str]:
    import json
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in env}
    proc = subprocess.run([sys.executable, "-m", "flow_codeblock", "config"], capture_output=True, text=True,
                          timeout=60, env={**clean, **env})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), proc.stderr


def test_flow_codeblocks_variable_names_are_read() -> None:
    values, notes = config({
        "HEALTH_CHECK_INTERVAL_SECONDS": "15", "RUNTIME_POOL_ACQUIRE_TIMEOUT_SEC": "3",
        "MAX_ERROR_RATE_THRESHOLD": "0.2",
        "MAX_RESPONSE_SIZE_MB": "1", "MAX_REQUEST_BODY_MB": "10", "ALLOW_PRIVATE_IP": "true",
        "REDIS_HOST": "redis.internal", "REDIS_PORT": "6380", "REDIS_PASSWORD": "s3cret", "REDIS_DB": "2",
        "ALLOWED_ORIGINS": "https://a.example", "EXECUTION_TIMEOUT_MS": "300000", "ALLOW_CONSOLE": "false",
        "MAX_STREAMING_SIZE_MB": "50",
    })
    assert values["HEALTH_CHECK_INTERVAL_S"] == 15
    assert values["ACQUIRE_TIMEOUT_MS"] == 3000
    assert values["RUNTIME_MAX_ERROR_RATE"] == 0.2
    assert values["FETCH_MAX_RESPONSE_BYTES"] == 1024 * 1024
    assert values["MAX_BODY_SIZE"] == 10 * 1024 * 1024
    assert "192.168.0.0/16" in values["FETCH_ALLOW_HOSTS"] and "169.254" not in values["FETCH_ALLOW_HOSTS"]
    assert values["REDIS_URL"] == "redis://:***@redis.internal:6380/2"  # the password is not printed
    assert (values["ALLOWED_ORIGINS"], values["EXECUTION_TIMEOUT_MS"], values["ALLOW_CONSOLE"]) == (
        "https://a.example", 300000, "false")
    assert "s3cret" not in notes and "REDIS_URL set from Flow-CodeBlock's variables" in notes
    # The same name and meaning here: read, not warned about.
    assert values["MAX_STREAMING_SIZE_MB"] == 50 and "MAX_STREAMING_SIZE_MB" not in notes


def test_our_own_names_win_and_ssrf_protection_can_be_turned_off() -> None:
    values, _ = config({"MAX_RESPONSE_SIZE_MB": "1", "FETCH_MAX_RESPONSE_BYTES": "2048",
                        "ENABLE_SSRF_PROTECTION": "false"})
    assert values["FETCH_MAX_RESPONSE_BYTES"] == 2048
    assert values["FETCH_ALLOW_HOSTS"] == "0.0.0.0/0,::/0"


def test_config_warns_about_flow_codeblock_settings_without_effect() -> None:
    _, notes = config({"DB_HOST": "mysql", "CIRCUIT_BREAKER_ENABLED": "true", "ADMIN_TOKEN": "x" * 20})
    for name in ("DB_HOST", "CIRCUIT_BREAKER_ENABLED", "ADMIN_TOKEN"):
        assert f"warning: {name} is a Flow-CodeBlock setting with no effect here" in notes


def test_uri_errors_keep_their_type(wire: Server) -> None:
    response = post(wire, "return decodeURIComponent('%')")
    assert decode(response).error.type == "URIError"  # type: ignore[union-attr]


def test_refusals_of_access_and_saturation_decode(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    db = tmp_path / "tokens.sqlite3"
    env = {**os.environ, "AUTH_DB_PATH": str(db)}
    token = subprocess.run([sys.executable, "-m", "flow_codeblock", "token", "create", "--name", "w"], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1,
                       max_concurrent_executions=1, acquire_timeout_ms=300, auth_enabled="true", auth_db_path=str(db))
    try:
        for headers, status in (({}, 401), ({"accessToken": "flow_" + "0" * 64}, 401)):
            refused = post(srv, "return 1", headers=headers)
            assert refused.status_code == status and decode(refused).error.type == "AuthenticationError"  # type: ignore[union-attr]
        slow = "await new Promise((r) => setTimeout(r, 1500)); return 'slow'"
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda _: post(srv, slow, headers={"access-token": token}), range(3)))
        busy = [a for a in answers if a.status_code == 429]
        assert busy and all(decode(a).error.type == "ConcurrencyError" for a in busy)  # type: ignore[union-attr]
        assert any(decode(a).result == "slow" for a in answers)
        token_id = subprocess.run([sys.executable, "-m", "flow_codeblock", "token", "list"], env=env,
                                  capture_output=True, text=True, check=True).stdout
        ident = re.search(r'"id": (\d+)', token_id)
        assert ident
        subprocess.run([sys.executable, "-m", "flow_codeblock", "token", "revoke", ident.group(1)], env=env, check=True)
        time.sleep(5.5)  # AUTH_CACHE_S
        revoked = post(srv, "return 1", headers={"Authorization": f"Bearer {token}"})
        assert revoked.status_code == 403 and decode(revoked).error.type == "ForbiddenError"  # type: ignore[union-attr]
    finally:
        srv.stop()
