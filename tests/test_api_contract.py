"""The HTTP contract of POST /flow/codeblock (DESIGN.md section 3), over a real socket."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from conftest import CodeBlockClient, Server, b64, start_server

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def test_success_shape(cb: CodeBlockClient) -> None:
    status, body = cb.run("console.log('hi', input.n); return { doubled: input.n * 2 };", {"n": 21})
    assert status == 200
    assert body["success"] is True
    assert body["result"] == {"doubled": 42}
    assert re.fullmatch(r"[0-9a-f-]{36}", body["executionId"])
    timing = body["timing"]
    # Whole milliseconds, as Flow-CodeBlock's Go model declares them; microseconds beside them.
    assert all(type(timing[k]) is int for k in ("executionTime", "totalTime", "executionTimeUs", "totalTimeUs"))
    assert timing["totalTime"] >= timing["executionTime"] >= 0
    assert timing["executionTimeUs"] > 0 and timing["executionTimeUs"] // 1000 == timing["executionTime"]
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])
    assert RFC3339.match(body["timestamp"]), body["timestamp"]
    datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert body["logs"] == [{"level": "log", "message": "hi 21"}]
    assert "error" not in body


def test_failure_shape(cb: CodeBlockClient) -> None:
    status, body = cb.run("const a = 1;\nnull.x;\nreturn a;")
    assert status == 400
    assert body["success"] is False
    assert "result" not in body
    error = body["error"]
    assert error["type"] == "TypeError"
    assert error["message"] == "Cannot read properties of null (reading 'x')"
    assert (error["line"], error["column"]) == (2, 6)
    assert "codeblock.js:2:6" in error["stack"]
    assert set(body["timing"]) == {"executionTime", "totalTime", "executionTimeUs", "totalTimeUs"}
    assert RFC3339.match(body["timestamp"])
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])


def test_each_execution_gets_its_own_id(cb: CodeBlockClient) -> None:
    ids = {cb.run("return 1")[1]["executionId"] for _ in range(5)}
    assert len(ids) == 5


def test_codeBase64_alias(cb: CodeBlockClient) -> None:
    response = cb.http.post("/flow/codeblock", json={"codeBase64": b64("return input.v"), "input": {"v": "alias"}})
    assert response.status_code == 200
    assert response.json()["result"] == "alias"


def test_input_is_required(cb: CodeBlockClient) -> None:
    assert cb.ok("return input") == {}
    response = cb.http.post("/flow/codeblock", json={"codebase64": b64("return input")})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "ValidationError"
    assert "missing field: input" in response.json()["error"]["message"]


def test_top_level_await_and_return(cb: CodeBlockClient) -> None:
    code = "const v = await Promise.resolve(input.x);\nreturn v + 1;"
    assert cb.ok(code, {"x": 1}) == 2


def test_unicode_round_trip(cb: CodeBlockClient) -> None:
    code = "return { s: input.s + '✓', emoji: '😀', cjk: '中文' };"
    assert cb.ok(code, {"s": "héllo"}) == {"s": "héllo✓", "emoji": "😀", "cjk": "中文"}


def test_health(server: Server) -> None:
    response = httpx.get(f"{server.url}/health", headers={"X-Request-ID": "probe-7"})
    assert response.status_code == 200
    body = response.json()
    # Flow-CodeBlock's shape: probes read data.status.
    assert body["success"] is True and body["request_id"] == "probe-7"
    assert body["data"]["status"] == "healthy" and body["data"]["service"] == "flow-codeblock"
    assert set(body) == {"success", "data", "timestamp", "request_id"}


def test_limits_endpoint(server: Server) -> None:
    limits = httpx.get(f"{server.url}/flow/limits").json()
    assert limits["maxCodeLength"] == 65535
    assert limits["maxInputSize"] == 2 * 1024 * 1024
    assert limits["maxResultSize"] == 5 * 1024 * 1024
    assert limits["executionTimeoutMs"] == 2000


# -- bad requests: ValidationError (400) and the service stays healthy -----------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
        (b"{}", "missing field: codebase64"),
        (b'{"input": {}}', "missing field: codebase64"),
        # `input` is required, as by Flow-CodeBlock ({} for none).
        (b'{"codebase64": "' + base64.b64encode(b"return 1") + b'"}', "missing field: input"),
        (b'{"codebase64": "' + base64.b64encode(b"return 1") + b'", "input": null}', "missing field: input"),
        (b'{"codebase64": 42}', "codebase64 must be a string"),
        (b'{"codebase64": "!!!not-base64!!!", "input": {}}', "not valid base64"),
        (b'{"codebase64": "cmV0dXJuIDE", "input": {}}', "not valid base64"),  # bad padding
        (b'{"codebase64": "' + base64.b64encode(b"return '\xff\xfe'") + b'", "input": {}}', "not valid UTF-8"),
        (b'{"codebase64": "", "input": {}}', "empty"),
        (b'{"codebase64": "' + base64.b64encode(b"  \n ") + b'", "input": {}}', "empty"),
        (b'{"codebase64": "' + base64.b64encode(b"return 1") + b'", "input": [1]}', "input must be a JSON object"),
        (b'{"codebase64": "' + base64.b64encode(b"return 1") + b'", "input": "x"}', "input must be a JSON object"),
        (b'{"codebase64": "' + base64.b64encode(b"return 1") + b'", "timeout": -5, "input": {}}', "timeout must be"),
        (b'{"codebase64": "' + base64.b64encode(b"return 1") + b'", "timeout": "100", "input": {}}', "timeout must be"),
        (b'{"codebase64": "' + base64.b64encode(b"return 1") + b'", "timeout": true, "input": {}}', "timeout must be"),
        (b'{"codebase64": "' + base64.b64encode(b"const x = 1;") + b'", "input": {}}', "no return statement"),
        (b'{"codebase64": "' + base64.b64encode(b"function f() { return 1 }\nf()") + b'", "input": {}}',
         "no return statement"),
    ],
)
def test_validation_errors(cb: CodeBlockClient, body: bytes, fragment: str) -> None:
    response = cb.http.post("/flow/codeblock", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload["success"] is False
    assert payload["error"]["type"] == "ValidationError"
    assert fragment in payload["error"]["message"]
    assert cb.ok("return 'still healthy'") == "still healthy"


def test_return_inside_nested_block_counts(cb: CodeBlockClient) -> None:
    assert cb.ok("if (input.a) { return 'a' } else { return 'b' }", {"a": True}) == "a"


def test_code_over_max_length(cb: CodeBlockClient) -> None:
    code = "return 1;" + " " * 65535
    error = cb.error(code)
    assert error["type"] == "ValidationError"
    assert "over the limit of 65,535" in error["message"]


def test_code_at_max_length_is_accepted(cb: CodeBlockClient) -> None:
    code = "return 1;"
    code += " " * (65535 - len(code))
    assert cb.ok(code) == 1


def test_input_over_max_size(cb: CodeBlockClient) -> None:
    big = {"blob": "x" * (2 * 1024 * 1024)}
    error = cb.error("return 1", big)
    assert error["type"] == "ValidationError"
    assert "over the limit of 2,097,152" in error["message"]


def test_body_over_limit_is_413(cb: CodeBlockClient) -> None:
    limit = httpx.get(str(cb.http.base_url) + "/flow/limits").json()["maxBodySize"]
    response = cb.http.post(
        "/flow/codeblock", content=b'{"codebase64": "' + b"A" * (limit + 10) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "PayloadTooLargeError"


def test_body_over_limit_without_content_length_is_413(cb: CodeBlockClient) -> None:
    limit = httpx.get(str(cb.http.base_url) + "/flow/limits").json()["maxBodySize"]

    def chunks():  # chunked transfer: no Content-Length to check up front
        yield b'{"codebase64": "'
        for _ in range(limit // 65536 + 2):
            yield b"A" * 65536
        yield b'"}'

    response = cb.http.post("/flow/codeblock", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_request_timeout_lowers_the_limit(cb: CodeBlockClient) -> None:
    status, body = cb.run("while (true) {} return 1", timeout=100)
    assert status == 400
    assert body["error"]["type"] == "TimeoutError"
    assert "100 ms" in body["error"]["message"]
    assert body["timing"]["executionTime"] < 1500


def test_request_timeout_cannot_raise_the_limit(cb: CodeBlockClient) -> None:
    _, body = cb.run("while (true) {} return 1", timeout=60_000)
    assert body["error"]["type"] == "TimeoutError"
    assert "2,000 ms" in body["error"]["message"]
    assert body["timing"]["totalTime"] < 10_000


def test_wrong_method_and_unknown_path(cb: CodeBlockClient) -> None:
    assert cb.http.get("/flow/codeblock").status_code == 405
    assert cb.http.get("/no/such/path").status_code == 404


def test_saturation_is_429_with_retry_after(tmp_path) -> None:
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1,
                       acquire_timeout_ms=200, execution_timeout_ms=3000)
    try:
        import concurrent.futures

        with srv.client() as http, concurrent.futures.ThreadPoolExecutor(2) as threads:
            slow = threads.submit(
                http.post, "/flow/codeblock",
                json={"codebase64": b64("await new Promise(r => setTimeout(r, 1500)); return 'slow'"), "input": {}},
            )
            import time

            time.sleep(0.3)
            response = http.post("/flow/codeblock", json={"codebase64": b64("return 'fast'"), "input": {}})
            assert response.status_code == 429
            assert response.json()["error"]["type"] == "ConcurrencyError"
            assert int(response.headers["retry-after"]) >= 1
            assert slow.result().json()["result"] == "slow"
            # Once the runtime is free again, requests are served.
            fast = http.post("/flow/codeblock", json={"codebase64": b64("return 'fast'"), "input": {}})
            assert fast.json()["result"] == "fast"
    finally:
        srv.stop()


def test_request_id_and_security_headers(cb: CodeBlockClient, server: Server) -> None:
    response = cb.http.post("/flow/codeblock", json={"codebase64": b64("return 1"), "input": {}},
                            headers={"X-Request-ID": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    generated = cb.http.get("/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert cb.http.get("/health", headers={"X-Request-ID": "x" * 500}).headers["x-request-id"] != "x" * 500
    import time

    time.sleep(0.2)
    assert '"requestId":"trace-123"' in server.log()


def test_client_disconnect_mid_execution_loses_no_runtime(tmp_path) -> None:
    import json
    import socket
    import time

    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1)
    try:
        port = int(srv.url.rsplit(":", 1)[1])
        code = b64("await new Promise(r => setTimeout(r, 300)); return 1")
        body = json.dumps({"codebase64": code, "input": {}}).encode()
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(b"POST /flow/codeblock HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                time.sleep(0.05)  # hang up while the code block is still running
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pool = httpx.get(f"{srv.url}/flow/status").json()["pool"]
            if pool["inUse"] == 0 and pool["available"] == 1:
                break
            time.sleep(0.1)
        assert pool["inUse"] == 0 and pool["available"] == 1, pool
        with srv.client() as http:
            assert CodeBlockClient(http).ok("return 'alive'") == "alive"
    finally:
        srv.stop()


def test_readme_curl_example_works_as_written(server: Server) -> None:
    """The quick start's curl command, run by a shell as a new user would (only the port differs)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    command = next(block for block in re.findall(r"```sh\n(.*?)```", quick_start, re.S) if "curl" in block)
    expected = json.loads(re.findall(r"```json\n(.*?)```", quick_start, re.S)[0])
    port = server.url.rsplit(":", 1)[1]
    assert "localhost:3002" in command
    done = subprocess.run(["bash", "-c", command.replace("localhost:3002", f"127.0.0.1:{port}")],
                          capture_output=True, text=True, timeout=30, check=True)
    body = json.loads(done.stdout)
    assert body["success"] is True
    assert body["result"] == expected["result"] == {"greeting": "Hello, Ada!"}
    assert set(body) == set(expected)
