"""What a stored script costs per call against the same code posted (issue #18 part 2):
POST /flow/codeblock/{id} (the script and its owner read from the database once per
AUTH_CACHE_S, the compiled block cached per version) against POST /flow/codeblock with the
same code and input and an API token, on one `codeblock serve` with auth on and 2 workers, on
this machine, in one run.

Loaded by autocannon (bench/http_load.mjs) with a cheap code block (so that the per-call
machinery's share is as large as it gets), in interleaved rounds (AB BA ...); each figure is
the median over the rounds. Two ratios:
- `stored_cpu_vs_posted`: the workers' CPU per call (user + system, all their threads, from
  /proc), stored over posted. This is the cost per call the issue names, and it holds on a
  shared machine, where other processes take the cores from the service and the load
  generator alike; <= 1.0 means a stored call costs no more.
- `stored_vs_posted`: requests per second, stored over posted; on a quiet machine only.
Then the same two calls without HTTP or a load generator: the ASGI app called in this process,
one call at a time, its CPU per call (`in_process_stored_cpu_vs_posted`, medians of
`--rounds` interleaved rounds of `--calls` calls). That isolates the per-call path of each
route (routing, access, input, answer) from the server and the socket, which both share.

    .venv/bin/python bench/script_cost.py [--seconds 5] [--rounds 3] [--connections 50] [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from auth_cost import ADMIN, load, token

import serving

CODE = "return { sum: input.body.a + input.body.b, who: input.body.who };"
INPUT = {"a": 1, "b": 2, "who": "bench"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--calls", type=int, default=2000, help="calls per in-process round")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="codeblock-script-bench-"))
    service, url = serving.start_service(2, {"RUNTIME_POOL_SIZE": "4", "MAX_CONCURRENT_EXECUTIONS": "1000",
                                             "AUTH_ENABLED": "true", "ADMIN_TOKEN": ADMIN,
                                             "AUTH_DB_PATH": str(work / "db.sqlite3")})
    try:
        secret = token(url)
        headers = {"accessToken": secret}
        code_base64 = base64.b64encode(CODE.encode()).decode()
        saved = httpx.post(f"{url}/flow/scripts", headers=headers, json={"code_base64": code_base64}, timeout=30)
        saved.raise_for_status()
        script_id = saved.json()["data"]["script_id"]
        posted_body = json.dumps({"codebase64": code_base64, "input": {"query": {}, "header": {}, "body": INPUT}})
        targets = {
            "posted": (f"{url}/flow/codeblock", headers, posted_body),
            "stored": (f"{url}/flow/codeblock/{script_id}", {}, json.dumps(INPUT)),
        }
        for target, extra, body in targets.values():
            load(target, extra, args.connections, 2, body)  # warm-up
        rps: dict[str, list[float]] = {name: [] for name in targets}
        cpu_us: dict[str, list[float]] = {name: [] for name in targets}
        names = list(targets)
        for number in range(args.rounds):
            for name in names if number % 2 == 0 else reversed(names):
                target, extra, body = targets[name]
                before = serving.workers_cpu_s(service.pid)
                result = load(target, extra, args.connections, args.seconds, body)
                used = serving.workers_cpu_s(service.pid) - before
                assert result["non2xx"] == 0 and result["errors"] == 0, (name, result)
                rps[name].append(result["rps"])
                cpu_us[name].append(used / result["total"] * 1e6)
                print(f"  round {number + 1} {name}: {result['rps']:.0f} rps, p50 {result['p50_ms']} ms, "
                      f"p99 {result['p99_ms']} ms, {cpu_us[name][-1]:.0f} us CPU per call", flush=True)
    finally:
        serving.stop_service(service)
    medians = {name: statistics.median(values) for name, values in rps.items()}
    cpu = {name: statistics.median(values) for name, values in cpu_us.items()}
    in_process = asyncio.run(in_process_cpu_us(work, args.rounds, args.calls))
    print(json.dumps({"posted_rps": round(medians["posted"]), "stored_rps": round(medians["stored"]),
                      "stored_vs_posted": round(medians["stored"] / medians["posted"], 3),
                      "posted_cpu_us_per_call": round(cpu["posted"]), "stored_cpu_us_per_call": round(cpu["stored"]),
                      "stored_cpu_vs_posted": round(cpu["stored"] / cpu["posted"], 3),
                      "in_process_posted_cpu_us": round(in_process["posted"], 1),
                      "in_process_stored_cpu_us": round(in_process["stored"], 1),
                      "in_process_stored_cpu_vs_posted": round(in_process["stored"] / in_process["posted"], 3)},
                     indent=2))
    return 0


async def in_process_cpu_us(work: Path, rounds: int, calls: int) -> dict[str, float]:
    """CPU per call (this process, V8's threads included) of each route, called as ASGI."""
    os.environ.update({"RUNTIME_POOL_SIZE": "4", "AUTH_ENABLED": "true", "ADMIN_TOKEN": ADMIN, "LOG_LEVEL": "warning",
                       "AUTH_DB_PATH": str(work / "in-process.sqlite3")})
    from flow_codeblock.api import create_app  # after the environment: it reads the settings

    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            made = await client.post("/flow/tokens", headers={"accessToken": ADMIN}, json={
                "ws_id": "bench", "email": "bench@example.com", "operation": "unlimited"})
            secret = made.json()["data"]["access_token"]
            code_base64 = base64.b64encode(CODE.encode()).decode()
            saved = await client.post("/flow/scripts", headers={"accessToken": secret},
                                      json={"code_base64": code_base64})
            script_id = saved.json()["data"]["script_id"]
        posted = json.dumps({"codebase64": code_base64, "input": {"query": {}, "header": {}, "body": INPUT}})
        calls_of = {
            "posted": _asgi_call(app, "/flow/codeblock", posted.encode(), [(b"accesstoken", secret.encode())]),
            "stored": _asgi_call(app, f"/flow/codeblock/{script_id}", json.dumps(INPUT).encode(), []),
        }
        for call in calls_of.values():  # warm-up: compiled blocks, caches, V8's tiers
            for _ in range(calls // 4):
                await call()
        used: dict[str, list[float]] = {name: [] for name in calls_of}
        names = list(calls_of)
        for number in range(rounds):
            for name in names if number % 2 == 0 else reversed(names):
                before = time.process_time()
                for _ in range(calls):
                    await calls_of[name]()
                used[name].append((time.process_time() - before) / calls * 1e6)
    print(f"  in process: {json.dumps({name: [round(v) for v in values] for name, values in used.items()})} "
          "us CPU per call", flush=True)
    return {name: statistics.median(values) for name, values in used.items()}


def _asgi_call(app: Any, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> Callable[[], Awaitable[None]]:
    """One POST as the ASGI server hands it over (the headers autocannon sends)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode()), *headers],
             "client": ("127.0.0.1", 5555), "server": ("127.0.0.1", 3002)}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def call() -> None:
        status: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(dict(scope), receive, send)
        assert status == [200], (path, status)

    return call


if __name__ == "__main__":
    sys.exit(main())
