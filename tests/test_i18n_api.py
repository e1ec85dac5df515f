# ruff: noqa: RUF001 - Chinese text uses full-width punctuation on purpose
"""The service's own messages in Chinese and English over HTTP (#25): each message family
(validation, limits, security, refusals, access) in both languages, chosen by the
request's Accept-Language or by MESSAGES_LANGUAGE, with `error.type` unchanged; V8's own
messages stay as V8 writes them in either language."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server, b64, start_server
from http_target import HttpTarget

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """English by default, small limits so every refusal is quick to reach."""
    srv = start_server(str(tmp_path_factory.mktemp("i18n")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_code_length=2000, max_input_size=1000, max_result_size=1000, array_buffer_limit_mb=1,
                       wasm_memory_limit_mb=1, execution_timeout_ms=3000, allow_console="reject",
                       max_body_size=20_000)
    yield srv
    srv.stop()


def post(server: Server, body: Any, headers: dict[str, str] | None = None, *,
         raw: bytes | None = None) -> tuple[int, dict[str, Any]]:
    content = raw if raw is not None else httpx.Request("POST", "/", json=body).content
    response = httpx.post(f"{server.url}/flow/codeblock", content=content, timeout=30,
                          headers={"content-type": "application/json", **(headers or {})})
    return response.status_code, response.json()


def both(server: Server, code: str | None = None, input: Any = None, *, raw: bytes | None = None,
         **extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same request in English and in Chinese: the two `error` objects, after checking
    that status, type and every other field agree."""
    body = {"codebase64": b64(code), "input": {} if input is None else input, **extra} if code is not None else None
    status_en, en = post(server, body, EN, raw=raw)
    status_zh, zh = post(server, body, ZH, raw=raw)
    assert en["success"] is False and zh["success"] is False, (en, zh)
    assert status_en == status_zh
    assert en["error"]["type"] == zh["error"]["type"]
    assert {k: v for k, v in en["error"].items() if k not in ("message", "stack")} == \
        {k: v for k, v in zh["error"].items() if k not in ("message", "stack")}
    return en["error"], zh["error"]


def test_validation_messages(limited: Server) -> None:
    en, zh = both(limited, "const x = 1;")
    assert en["type"] == "ValidationError"
    assert en["message"].startswith("the code has no return statement")
    assert zh["message"].startswith("代码中缺少 return 语句")  # Flow-CodeBlock's words

    en, zh = both(limited, "return 1;" + " " * 3000)
    assert en["message"] == "the code is 3,009 characters long, over the limit of 2,000"
    assert zh["message"] == "代码长度超过限制: 3,009 > 2,000个字符"

    en, zh = both(limited, "return 1;", {"big": "x" * 2000})
    assert en["message"] == "input is 2,010 bytes of JSON, over the limit of 1,000"
    assert zh["message"] == "输入数据过大: 2,010 > 1,000字节"

    en, zh = both(limited, raw=b'{"input": {}}')
    assert en["message"] == "missing field: codebase64 (base64 of the JavaScript code)"
    assert zh["message"] == "缺少字段: codebase64（JavaScript 代码的 base64）"

    en, zh = both(limited, raw=b'{"input": {}, "codebase64": "@@@"}')
    assert (en["message"], zh["message"]) == ("codebase64 is not valid base64", "codebase64 不是有效的 base64")

    en, zh = both(limited, raw=b"{not json")
    assert en["message"].startswith("request body is not valid JSON: ")
    assert zh["message"].startswith("请求体不是有效的 JSON: ")

    en, zh = both(limited, "return 1;", timeout=-5)
    assert zh["message"] == "timeout 必须是正数（毫秒）"


def test_console_refusal(limited: Server) -> None:
    en, zh = both(limited, "console.log(1);\nreturn 1;")
    assert en["type"] == "ConsoleDisabledError" and (en["line"], en["column"]) == (1, 1)
    assert zh["message"] == "本服务的代码块禁用了 console（ALLOW_CONSOLE=reject）: 第 1 行，第 1 列"


def test_limit_messages(limited: Server) -> None:
    en, zh = both(limited, "while (true) {}\nreturn 1;", timeout=200)
    assert en["type"] == "TimeoutError"
    assert (en["message"], zh["message"]) == ("Execution timed out after 200 ms", "代码执行超时 (200 毫秒)")

    en, zh = both(limited, "return new Uint8Array(2 * 1024 * 1024).length;")
    assert en["type"] == "MemoryLimitError"
    assert en["message"] == ("Array buffer memory limit exceeded: allocating 2,097,152 bytes would pass the limit "
                             "of 1,048,576 bytes per execution")
    assert zh["message"] == "ArrayBuffer 内存超出限制: 分配 2,097,152 字节将超过每次执行 1,048,576 字节的限制"

    en, zh = both(limited, "return 'x'.repeat(5000);")
    assert en["type"] == "ResultTooLargeError"
    assert en["message"] == "The result is at least 5,002 bytes of JSON, over the limit of 1,000 bytes"
    assert zh["message"] == "返回结果过大: JSON 至少 5,002 字节，超过限制 1,000 字节"


def test_security_messages(limited: Server) -> None:
    en, zh = both(limited, "return eval('1 + 1');")
    assert en["type"] == "SecurityError"
    assert zh["message"] == "代码块禁用了 eval() 和 new Function(): 不允许从字符串生成代码"

    en, zh = both(limited, "const fs = require('fs');\nreturn fs;")
    assert en["type"] == "SecurityError" and en["message"].startswith('Module "fs" is not available')
    assert zh["message"].startswith("禁止使用 fs 模块")  # Flow-CodeBlock's "禁止使用 fs 模块"
    assert zh["stack"].startswith(f"SecurityError: {zh['message']}")  # the stack's header too

    en, zh = both(limited, "process.kill(1);\nreturn 1;")
    assert zh["message"] == "代码块中不可使用 process.kill(): 它会访问宿主机"

    en, zh = both(limited, "process.exit(3);\nreturn 1;")
    assert (en["type"], en["code"]) == ("RuntimeError", "ERR_PROCESS_EXIT")
    assert zh["message"] == "调用了 process.exit(3): 代码块应通过返回结果来结束"

    en, zh = both(limited, "await fetch('http://127.0.0.1:8080/');\nreturn 1;")
    assert en["message"].startswith("Request to http://127.0.0.1:8080/ refused: 127.0.0.1, a loopback address")
    assert zh["message"] == "请求 http://127.0.0.1:8080/ 被拒绝: 127.0.0.1 是回环地址；代码块只能访问公网地址"


def test_refusals_before_running(limited: Server) -> None:
    en, zh = both(limited, raw=b'{"input": {}, "codebase64": "' + b"A" * 30_000 + b'"}')
    assert en["type"] == "PayloadTooLargeError"
    assert (en["message"], zh["message"]) == ("request body is over the limit of 20,000 bytes",
                                              "请求体过大: 超过限制 20,000 字节")
    for headers, text in ((EN, "cross-origin request from https://evil.example refused"),
                          (ZH, "来自 https://evil.example 的跨域请求被拒绝")):
        response = httpx.post(f"{limited.url}/flow/codeblock", json={}, headers={"Origin": "https://evil.example",
                                                                                 **headers})
        assert response.status_code == 403 and response.json()["error"]["type"] == "ForbiddenError"
        assert response.json()["error"]["message"].startswith(text)


def test_v8_messages_stay_as_v8_writes_them(limited: Server) -> None:
    for code, expected in [("const a = null;\nreturn a.b;", "Cannot read properties of null (reading 'b')"),
                           ("return undefinedName;", "undefinedName is not defined"),
                           ("return new Array(-1);", "Invalid array length"),
                           ("return decodeURIComponent('%');", "URI malformed"),
                           ("return {;", "Unexpected token ';'"),
                           ("throw new Error('自己的消息 own message');\nreturn 1;", "自己的消息 own message")]:
        en, zh = both(limited, code)
        assert en["message"] == zh["message"] == expected, (code, en, zh)
        assert en["stack"] == zh["stack"]
    # Our prefix on a serialisation failure is translated; V8's message after it is not.
    en, zh = both(limited, "const a = {};\na.a = a;\nreturn a;")
    prefix = "The returned value cannot be serialised to JSON: "
    assert en["type"] == "TypeError" and en["message"].startswith(prefix)
    assert zh["message"] == "返回值无法序列化为 JSON: " + en["message"].removeprefix(prefix)


def test_fetch_limit_messages(tmp_path: Path, target: HttpTarget) -> None:
    # fetch's failures at the service's limits: Node's "fetch failed" is kept beside the
    # translation, the reason after it is ours. Inside the code e.message stays English, as Node's would.
    srv = start_server(str(tmp_path), runtime_pool_size=1, fetch_allow_hosts="127.0.0.1/32",
                       fetch_max_response_bytes=1000, fetch_timeout_ms=300, fetch_max_requests_per_execution=1)
    try:
        cases = [
            ("await (await fetch(input.base + '/bytes?n=1001')).text();",
             "请求失败 (fetch failed): 响应体超过 1,000 字节 (FETCH_MAX_RESPONSE_BYTES)"),
            ("await fetch(input.base + '/slow?ms=2000');",
             "请求失败 (fetch failed): 300 毫秒内没有响应 (FETCH_TIMEOUT_MS)"),
            ("await fetch(input.base + '/json'); await fetch(input.base + '/json');",
             "请求失败 (fetch failed): 本次执行已发出 1 个请求 (FETCH_MAX_REQUESTS_PER_EXECUTION)"),
            # Not one of fetch's: stays as the code wrote it.
            ("throw new TypeError('fetch failed: my own words');", "fetch failed: my own words"),
        ]
        for code, expected in cases:
            en, zh = both(srv, code + "\nreturn 1;", {"base": target.url})
            assert en["type"] == "TypeError" and en["message"].startswith("fetch failed: "), en
            assert en["message"] != zh["message"] or "my own" in en["message"]
            assert zh["message"] == expected, (code, en, zh)
        # The code sees the English text, whatever the request's language.
        _, body = post(srv, {"codebase64": b64("try { await (await fetch(input.base + '/bytes?n=1001')).text() } "
                                                    "catch (e) { return e.message }\nreturn 1;"),
                                  "input": {"base": target.url}}, ZH)
        assert body["result"].startswith("fetch failed: the response body is larger than 1000 bytes")
    finally:
        srv.stop()


def test_the_language_choice(limited: Server) -> None:
    code = "const x = 1;"
    # No header, an unsupported one, or English: English (the default here).
    for headers in ({}, {"Accept-Language": "fr-FR,de;q=0.8"}, EN, {"Accept-Language": "zh;q=0, en"}):
        _, body = post(limited, {"codebase64": b64(code), "input": {}}, headers)
        assert body["error"]["message"].startswith("the code has no return statement"), headers
    # Chinese preferred by q-value though named last; any zh range.
    for headers in (ZH, {"Accept-Language": "en;q=0.5, zh;q=0.9"}, {"Accept-Language": "zh-TW"}):
        _, body = post(limited, {"codebase64": b64(code), "input": {}}, headers)
        assert body["error"]["message"].startswith("代码中缺少 return 语句"), headers


def _token(db: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "flow_codeblock", "token", *args], capture_output=True, text=True,
                          check=True, env={**os.environ, "AUTH_DB_PATH": str(db)}).stdout.strip()


def test_messages_language_and_access_refusals(tmp_path: Path) -> None:
    """MESSAGES_LANGUAGE=zh-CN: Chinese without a header, English when the client asks;
    401 and 403 texts in both."""
    db = tmp_path / "tokens.sqlite3"
    token = _token(db, "create", "--name", "a")
    revoked = _token(db, "create", "--name", "b")
    _token(db, "revoke", "2")
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, messages_language="zh-CN",
                       auth_enabled="true", auth_db_path=str(db))
    try:
        body = {"codebase64": b64("const x = 1;"), "input": {}}
        _, zh = post(srv, body, {"accessToken": token})
        _, en = post(srv, body, {"accessToken": token, **EN})
        assert zh["error"]["message"].startswith("代码中缺少 return 语句")
        assert en["error"]["message"].startswith("the code has no return statement")

        cases = [({}, 401, "AuthenticationError", "缺少访问令牌，请在请求头中提供accessToken",
                  "an API token is required"),
                 ({"accessToken": "nope"}, 401, "AuthenticationError", "Token无效", "the API token is not valid"),
                 ({"accessToken": revoked}, 403, "ForbiddenError", "访问令牌 ", "the API token ")]
        for headers, status, kind, chinese, english in cases:
            for extra, expected in (({}, chinese), (EN, english)):
                got_status, answer = post(srv, body, {**headers, **extra})
                assert (got_status, answer["error"]["type"]) == (status, kind)
                assert answer["error"]["message"].startswith(expected), answer
        _, answer = post(srv, body, {"accessToken": revoked})
        assert answer["error"]["message"].endswith("... 已被撤销")
        status = httpx.get(f"{srv.url}/flow/status", headers={"Accept-Language": "zh"})
        assert status.status_code == 401 and status.json()["error"]["message"].startswith("缺少访问令牌")
    finally:
        srv.stop()


def test_rate_limit_messages(tmp_path: Path) -> None:
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, rate_limit_enabled="true",
                       rate_limit_ip_rps="0.01", rate_limit_ip_burst="1")
    try:
        body = {"codebase64": b64("return 1;"), "input": {}}
        assert post(srv, body)[0] == 200  # the burst
        status_en, en = post(srv, body, EN)
        status_zh, zh = post(srv, body, ZH)
        assert status_en == status_zh == 429
        assert en["error"]["type"] == zh["error"]["type"] == "RateLimitError"
        assert en["error"]["message"] == "rate limit exceeded for this client address; retry later"
        assert zh["error"]["message"] == "此客户端地址的请求过于频繁，请稍后重试"
    finally:
        srv.stop()
