"""The HTTP API (api.py) in process, through httpx's ASGITransport: the routes, the
envelope and the status codes, on a real service (V8 runtimes) without a subprocess."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio

from flow_codeblock.api import create_app
from flow_codeblock.config import PUBLISHED_LIMITS, load_settings


def b64(code: str) -> str:
    return base64.b64encode(code.encode()).decode()


@pytest_asyncio.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = load_settings(runtime_pool_size=2, min_runtime_pool_size=2, max_runtime_pool_size=3,
                             execution_timeout_ms=2000, max_code_length=1000, log_level="warning")
    app = create_app(settings)
    # ASGITransport does not run the lifespan (the pool): run it around the client. Two
    # runtimes, so that one being rebuilt after a timeout leaves the replica ready.
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://codeblock.test") as http:
            yield http


async def test_success_envelope(client: httpx.AsyncClient) -> None:
    response = await client.post("/flow/codeblock", json={"input": {"a": 2}, "codebase64": b64("return input.a * 21")},
                                 headers={"X-Request-ID": "unit-1"})
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["result"] == 42
    assert body["request_id"] == "unit-1" == response.headers["x-request-id"]
    assert set(body["timing"]) >= {"executionTime", "totalTime"}
    assert all(isinstance(v, int) for v in body["timing"].values())
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_code_base64_alias(client: httpx.AsyncClient) -> None:
    response = await client.post("/flow/codeblock", json={"input": {}, "codeBase64": b64("return 'alias'")})
    assert response.json()["result"] == "alias"


async def test_an_error_in_the_code_is_400_with_its_line(client: httpx.AsyncClient) -> None:
    response = await client.post("/flow/codeblock", json={"input": {}, "codebase64": b64("\nnull.x; return 1")})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "TypeError" and error["line"] == 2


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "must be a JSON object"),
        (b'{"input": {}}', "missing field: codebase64"),
        (b'{"codebase64": "cmV0dXJuIDE="}', "missing field: input"),
        (b'{"input": {}, "codebase64": "cmV0dXJuIDE=", "timeout": -1}', "timeout must be a positive number"),
    ],
)
async def test_bad_requests_are_validation_errors(client: httpx.AsyncClient, body: bytes, fragment: str) -> None:
    response = await client.post("/flow/codeblock", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "ValidationError" and fragment in error["message"]


async def test_a_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    limits = (await client.get("/flow/limits")).json()
    response = await client.post("/flow/codeblock", content=b"x" * (limits["maxBodySize"] + 1))
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "PayloadTooLargeError"


async def test_timeout_is_400_timeout_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/flow/codeblock",
                                 json={"input": {}, "codebase64": b64("while (true) {} return 1"), "timeout": 50})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "TimeoutError"


async def test_limits_are_the_published_settings(client: httpx.AsyncClient) -> None:
    limits = (await client.get("/flow/limits")).json()
    assert len(limits) == len(PUBLISHED_LIMITS) + 1  # and rssLimitMb
    assert limits["maxCodeLength"] == 1000 and limits["executionTimeoutMs"] == 2000
    assert list(limits)[:2] == ["maxCodeLength", "maxInputSize"] and list(limits)[-1] == "rssLimitMb"


async def test_health_endpoints(client: httpx.AsyncClient) -> None:
    live = (await client.get("/health")).json()
    assert live["success"] is True and live["data"]["status"] == "healthy"
    ready = await client.get("/flow/health")
    assert ready.status_code == 200 and ready.json()["pool"]["warm"] is True


async def test_status_counts_executions(client: httpx.AsyncClient) -> None:
    before = (await client.get("/flow/status")).json()["executions"]["total"]
    await client.post("/flow/codeblock", json={"input": {}, "codebase64": b64("return 1")})
    assert (await client.get("/flow/status")).json()["executions"]["total"] == before + 1


async def test_metrics_count_retired_runtimes_by_reason(client: httpx.AsyncClient) -> None:
    await client.post("/flow/codeblock", json={"input": {}, "codebase64": b64("RegExp.prototype.evil = 1; return 1")})
    text = (await client.get("/metrics")).text
    assert 'runtime_rebuilt_total{reason="dirty_shared_object"}' in text


async def test_unknown_route_and_method(client: httpx.AsyncClient) -> None:
    assert (await client.get("/nope")).status_code == 404
    assert (await client.get("/flow/codeblock")).status_code == 405


async def test_timing_has_module_load_ms_exactly_when_the_request_loaded_a_module(client: httpx.AsyncClient) -> None:
    # Two runtimes in this module's pool: each loads crypto-js at most once; the first
    # request names it, so it loads it; later ones find a runtime with it (module-aware).
    code = b64("const C = require('crypto-js'); return C.MD5('a').toString()")
    seen = []
    # Runtimes retired by earlier tests are rebuilt first: a request waiting for one would
    # get it warmed with crypto-js (its own use counts), not load the module itself.
    for _ in range(500):
        pool = (await client.get("/flow/status")).json()["pool"]
        if pool["available"] == pool["size"] and pool["creating"] == 0:
            break
        await asyncio.sleep(0.01)
    for _ in range(4):
        body = (await client.post("/flow/codeblock", json={"codebase64": code, "input": {}})).json()
        assert body["success"] is True and body["result"] == "0cc175b9c0f1b6a831c399e269772661"
        seen.append("moduleLoadMs" in body["timing"])
        if "moduleLoadMs" in body["timing"]:
            assert body["timing"]["moduleLoadMs"] > 0
    assert seen == [True, False, False, False]
    plain = (await client.post("/flow/codeblock", json={"codebase64": b64("return 1"), "input": {}})).json()
    assert set(plain["timing"]) == {"executionTime", "totalTime", "executionTimeUs", "totalTimeUs"}


async def test_status_shows_the_module_aware_pool(client: httpx.AsyncClient) -> None:
    pool = (await client.get("/flow/status")).json()["pool"]
    assert {"warmHits", "coldPicks", "warmModules", "moduleHeapBytes"} <= set(pool)
    assert isinstance(pool["warmHits"], int) and isinstance(pool["warmModules"], list)


SLOW = "const end = Date.now() + 300; while (Date.now() < end) {} return 1"


@contextlib.asynccontextmanager
async def one_runtime(**settings: object) -> AsyncIterator[Callable[[str], Awaitable[httpx.Response]]]:
    """An app whose worker has a single runtime (rebalance.py's tests); yields a poster of code."""
    app = create_app(load_settings(runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1,
                                   execution_timeout_ms=3000, log_level="warning", **settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://codeblock.test") as http:
            async def post(code: str) -> httpx.Response:
                return await http.post("/flow/codeblock", json={"input": {}, "codebase64": b64(code)})

            yield post


@pytest.mark.parametrize(("workers", "closes"), [(2, True), (1, False)])
async def test_a_worker_whose_executions_wait_asks_a_client_to_reconnect(workers: int, closes: bool) -> None:
    """rebalance.py: with executions waiting for this worker's only runtime, the answer that
    frees it carries `Connection: close` (several workers); one worker never sends it."""
    async with one_runtime(workers=workers) as post:
        slow = asyncio.create_task(post(SLOW))
        await asyncio.sleep(0.05)
        queued = [asyncio.create_task(post("return 2")) for _ in range(2)]
        first = await slow
        rest = await asyncio.gather(*queued)
        quiet = await post("return 3")  # nothing waits now
    assert [r.status_code for r in (first, *rest, quiet)] == [200] * 4
    assert (first.headers.get("connection") == "close") is closes
    assert "connection" not in quiet.headers


async def test_a_refusal_from_a_busy_worker_asks_its_client_to_reconnect() -> None:
    """A 429 because executions already wait here: its retry had better go to another worker."""
    async with one_runtime(workers=2, max_concurrent_executions=1) as post:
        slow = asyncio.create_task(post(SLOW))
        await asyncio.sleep(0.05)
        waiting = asyncio.create_task(post("return 2"))
        await asyncio.sleep(0.05)
        refused = await post("return 3")  # one already waits: MAX_CONCURRENT_EXECUTIONS
        await asyncio.gather(slow, waiting)
    assert refused.status_code == 429 and refused.headers.get("connection") == "close"
