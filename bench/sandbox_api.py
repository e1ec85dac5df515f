"""The Python API against the HTTP path (`make bench`): executions per second on the
reference mix of bench/run.py, with one process of Python on each side.

- http_eps: `codeblock serve` with one worker, driven by autocannon
  (bench/http_load.mjs) at --connections;
- api_async_eps: a Sandbox in this process on uvloop (the service's loop),
  --concurrency tasks calling `await sandbox.run(...)` in a loop; api_asyncio_eps:
  the same on asyncio's own loop;
- api_sync_eps: the synchronous face, --threads threads calling `sandbox.run(...)`;
- the ratios api/http: what skipping HTTP (parsing, base64, the envelope, the load
  generator's share of the cores) gains.
Both sides use the same pool settings (RUNTIME_POOL_SIZE=8), and each in-process
figure is taken in a fresh process of its own (a process's first Sandbox and its
later ones need not perform alike). The load generator shares
the 2 cores with the service; the in-process side has no client to pay for: that is
the point of the API, and part of the ratio.

    .venv/bin/python bench/sandbox_api.py [--seconds 10] [--concurrency 16] [--threads 8]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
import uvloop

from flow_codeblock import Sandbox

import serving
from harness import Baseline, Bench
from run import INPUT, MIX, load

SETTINGS: dict[str, Any] = {"runtime_pool_size": 8, "max_concurrent_executions": 1000}
CODES = [code for _, code in MIX]


def http_eps(seconds: int, connections: int) -> float:
    env = {key.upper(): str(value) for key, value in SETTINGS.items()}
    server, base = serving.start_service(1, env)
    try:
        bodies = [json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})
                  for code in CODES]
        for body in bodies:  # correctness first: every snippet succeeds
            response = httpx.post(f"{base}/flow/codeblock", content=body, headers={"content-type": "application/json"})
            assert response.json()["success"], response.text
        load(f"{base}/flow/codeblock", bodies, connections, 3)  # warm-up: every runtime loads the modules
        return float(load(f"{base}/flow/codeblock", bodies, connections, seconds)["rps"])
    finally:
        serving.stop_service(server)


async def api_async_eps(seconds: int, concurrency: int) -> float:
    async with Sandbox(**SETTINGS) as sandbox:
        for code in CODES:
            await sandbox.run(code, input=INPUT)

        async def loop(until: float, offset: int) -> int:
            done = 0
            while time.perf_counter() < until:
                await sandbox.run(CODES[(offset + done) % len(CODES)], input=INPUT)
                done += 1
            return done

        await asyncio.gather(*(loop(time.perf_counter() + 3, n) for n in range(concurrency)))  # warm-up
        started = time.perf_counter()
        counts = await asyncio.gather(*(loop(started + seconds, n) for n in range(concurrency)))
        return sum(counts) / (time.perf_counter() - started)


def api_sync_eps(seconds: int, threads: int) -> float:
    with Sandbox(**SETTINGS) as sandbox:
        counts = [0] * threads

        def loop(index: int, until: float) -> None:
            while time.perf_counter() < until:
                sandbox.run(CODES[(index + counts[index]) % len(CODES)], input=INPUT)
                counts[index] += 1

        def run_all(until: float) -> None:
            workers = [threading.Thread(target=loop, args=(n, until)) for n in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()

        run_all(time.perf_counter() + 3)  # warm-up
        counts = [0] * threads
        started = time.perf_counter()
        run_all(started + seconds)
        return sum(counts) / (time.perf_counter() - started)


def measure(mode: str, args: argparse.Namespace) -> float:
    """One in-process figure, taken in this process (--only)."""
    if mode == "async":
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(api_async_eps(args.seconds, args.concurrency))
    if mode == "asyncio":
        return asyncio.run(api_async_eps(args.seconds, args.concurrency))
    return api_sync_eps(args.seconds, args.threads)


def in_fresh_process(mode: str, args: argparse.Namespace) -> float:
    command = [sys.executable, __file__, "--only", mode, "--seconds", str(args.seconds), "--concurrency",
               str(args.concurrency), "--threads", str(args.threads)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=args.seconds * 3 + 120)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--only", choices=["async", "asyncio", "sync"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(measure(args.only, args))
        return 0

    http = http_eps(args.seconds, args.connections)
    in_process = in_fresh_process("async", args)
    plain_asyncio = in_fresh_process("asyncio", args)
    sync = in_fresh_process("sync", args)
    params = {name: value for name, value in vars(args).items() if name != "only"}
    bench = Bench("sandbox_api", params=params)
    bench.figure("http_eps", http, "executions/s", fmt=".0f")
    bench.figure("api_async_eps", in_process, "executions/s", fmt=".0f", baseline=Baseline("http_eps", http))
    bench.figure("api_asyncio_eps", plain_asyncio, "executions/s", fmt=".0f", baseline=Baseline("http_eps", http))
    bench.figure("api_sync_eps", sync, "executions/s", fmt=".0f", baseline=Baseline("http_eps", http))
    bench.figure("api_async_to_http_ratio", in_process / http, "ratio", fmt=".2f")
    bench.figure("api_sync_to_http_ratio", sync / http, "ratio", fmt=".2f")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
