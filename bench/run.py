"""The service's HTTP benchmark (`make bench`): what the service serves against what
its HTTP stack alone serves, on this machine, in one run.

Starts `codeblock serve` on a free loopback port (2 workers: both cores) and drives it
with autocannon (bench/http_load.mjs) at 100 connections:
- static_rps: POST /bench/static, the same server, framework and body parsing
  answering a fixed JSON body (the floor of the HTTP stack);
- codeblock_rps: POST /flow/codeblock with the reference mix (Flow-CodeBlock's:
  arithmetic, string template, array sum/average, JSON transform, math; plus one
  lodash and one dayjs snippet);
- engine_overhead_us: in this process, the median cost the service adds around one
  V8 call: a full execution on a warm runtime (run + reset) minus a bare call of
  stock mini-racer.
The load generator shares the 2 cores with the service, so absolute figures
understate the service; the ratio is the figure to compare across runs.

    .venv/bin/python bench/run.py [--seconds 10] [--connections 100]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

import serving
from harness import Baseline, Bench

ROOT = Path(__file__).resolve().parent.parent

MIX = [
    ("arithmetic", "return input.a * input.b + input.c / 2;"),
    ("template", "return `Hello, ${input.name}! You have ${input.count} new messages.`;"),
    ("array", "const s = input.values.reduce((a, b) => a + b, 0); return { sum: s, avg: s / input.values.length };"),
    ("transform", "return input.users.map(u => ({ id: u.id, fullName: u.first + ' ' + u.last, adult: u.age >= 18 }));"),
    ("math", "return { sqrt: Math.sqrt(input.a), pow: Math.pow(input.a, 3), round: Math.round(input.c * 100) / 100 };"),
    ("lodash", "const _ = require('lodash');"
               " return _.sortBy(_.filter(input.users, u => u.age > 20), 'age').map(u => u.id);"),
    ("dayjs", "const dayjs = require('dayjs'); return dayjs(input.date).add(7, 'day').format('YYYY-MM-DD');"),
]
INPUT = {
    "a": 12, "b": 7, "c": 3.14159, "name": "Ada", "count": 5, "values": list(range(20)), "date": "2024-05-01",
    "users": [{"id": i, "first": f"F{i}", "last": f"L{i}", "age": 15 + i * 3} for i in range(8)],
}


def load(url: str, bodies: list[str], connections: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(bodies, fh)
    try:
        out = subprocess.run(
            ["node", str(ROOT / "bench" / "http_load.mjs"), url, fh.name, str(connections), str(seconds)],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        )
    finally:
        os.unlink(fh.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


def engine_overhead_us(samples: int = 3000) -> tuple[float, float, float]:
    """(bare stock mini-racer eval, our engine eval, full execution incl. reset), medians in us."""
    from py_mini_racer import MiniRacer

    from flow_codeblock.codeblock import CodeBlock
    from flow_codeblock.testing import runtime_factory, start_engine

    settings = start_engine()
    stock = MiniRacer()
    bare = []
    for _ in range(samples):
        started = time.perf_counter()
        stock.eval("1 + 1")
        bare.append((time.perf_counter() - started) * 1e6)

    async def ours() -> tuple[list[float], list[float]]:
        loop = asyncio.get_running_loop()
        block = CodeBlock.wrap("return 1 + 1", "k", is_async=False)
        evals, executions = [], []
        async with runtime_factory(settings).runtime() as runtime:
            for _ in range(samples):
                started = time.perf_counter()
                _, future = runtime._isolate.eval("1 + 1")
                await future
                evals.append((time.perf_counter() - started) * 1e6)
                started = time.perf_counter()
                assert (await runtime.execute(block, "{}", loop.time() + 5, 5000)).ok
                assert await runtime.reset(1.0) is None
                executions.append((time.perf_counter() - started) * 1e6)
        return evals, executions

    evals, executions = asyncio.run(ours())
    stock.close()
    return statistics.median(bare[200:]), statistics.median(evals[200:]), statistics.median(executions[200:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    server, base = serving.start_service(
        args.workers, {"ENABLE_BENCH_ROUTES": "true", "RUNTIME_POOL_SIZE": "8", "MAX_CONCURRENT_EXECUTIONS": "1000"})
    try:
        bodies = [json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})
                  for _, code in MIX]
        for body in bodies:  # correctness first: every snippet succeeds
            response = httpx.post(f"{base}/flow/codeblock", content=body, headers={"content-type": "application/json"})
            assert response.json()["success"], response.text
        load(f"{base}/flow/codeblock", bodies, args.connections, 3)  # warm-up: every runtime loads the modules
        static = load(f"{base}/bench/static", bodies, args.connections, args.seconds)
        service = load(f"{base}/flow/codeblock", bodies, args.connections, args.seconds)
        pools = [httpx.get(f"{base}/flow/health").json()["pool"]["size"] for _ in range(4)]
        worker_rss = [serving.rss_bytes(pid) / 2**20 for pid in serving.worker_pids(server.pid)]
    finally:
        serving.stop_service(server)

    bare_us, engine_us, execution_us = engine_overhead_us()
    bench = Bench("run", params=vars(args))
    bench.figure("static_rps", static["rps"], "rps", fmt=".0f")
    bench.figure("codeblock_rps", service["rps"], "rps", fmt=".0f", baseline=Baseline("static_rps", static["rps"]))
    bench.figure("rps_ratio", service["rps"] / static["rps"], "ratio", fmt=".3f")
    bench.figure("p50_ms", service["p50_ms"], "ms", fmt=".2f")
    bench.figure("p99_ms", service["p99_ms"], "ms", fmt=".2f")
    bench.figure("static_p99_ms", static["p99_ms"], "ms", fmt=".2f")
    bench.figure("errors", service["errors"] + service["non2xx"] + service["timeouts"], "requests")
    bench.figure("bare_mini_racer_eval_us", bare_us, "us", fmt=".0f")
    bench.figure("engine_eval_us", engine_us, "us", fmt=".0f", baseline=Baseline("bare_mini_racer_eval_us", bare_us))
    bench.figure("execution_with_reset_us", execution_us, "us", fmt=".0f")
    bench.figure("engine_overhead_us", execution_us - bare_us, "us", fmt=".0f")
    # Memory after the load: each worker holds its grown pool (runtimes seen: pool sizes
    # reported by /flow/health); bench/runtime_cost.py gives the RSS of one idle runtime.
    bench.figure("worker_rss_mb", worker_rss, "MB", fmt=".0f")
    bench.figure("pool_sizes_after_load", sorted(set(pools)), "runtimes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
