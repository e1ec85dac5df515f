"""Which idle runtime to hand out (issue #24): most recently used first (LIFO, the pool's
order) against least recently used first (FIFO), in process, through the Executor, at a
fixed arrival rate (open loop: each request is sent at its time, whether or not earlier
ones are done). A pool of 16 runtimes (fixed size) at 300 requests/s of a mix of the
lodash block and a no-module block, rounds interleaved; p50/p99/max per order, how many
runtimes served requests, and how many requests loaded lodash themselves. Each round
sends one second of load before its measured `--seconds`.

    .venv/bin/python bench/idle_order.py [--rate 300] [--seconds 5] [--rounds 3] [--size 16]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from flow_codeblock.config import load_settings
from flow_codeblock.executor import ExecutionRequest, Executor
from flow_codeblock.policy import PoolPolicy
from flow_codeblock.pool import RuntimePool
from flow_codeblock.runtime import Runtime
from flow_codeblock.service import execution_limits, warm_up
from flow_codeblock.testing import runtime_factory

from harness import Bench

BLOCKS = [
    "const _ = require('lodash'); return _.sum(input.a) + await Promise.resolve(1)",
    "return input.a.reduce((s, x) => s + x, 0) + await Promise.resolve(1)",
]
INPUT = {"a": list(range(100))}


class FifoPool(RuntimePool):
    """Idle runtimes handed out least recently used first: a released runtime goes to the
    end that acquire takes last."""

    def _offer(self, runtime: Runtime) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._in_use.add(runtime)
                waiter.set_result(runtime)
                return
        self._idle.appendleft(runtime)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one_round(cls: type[RuntimePool], args: argparse.Namespace) -> dict[str, Any]:
    settings = load_settings()
    policy = PoolPolicy(min_size=args.size, max_size=args.size, idle_timeout_s=3600)
    pool = cls(runtime_factory(settings), policy=policy, initial=args.size, max_waiting=10_000,
               warm_up=warm_up(settings))
    await pool.start(health_checks=False)
    executor = Executor(execution_limits(settings), pool)
    latencies: list[float] = []
    loads = 0
    served: set[int] = set()
    original = pool.acquire

    async def acquire(timeout: float, modules: tuple[str, ...] = ()) -> Runtime:
        runtime = await original(timeout, modules)
        served.add(runtime.id)
        return runtime

    pool.acquire = acquire  # type: ignore[method-assign]

    async def request(index: int) -> None:
        nonlocal loads
        sent = time.perf_counter()
        result = await executor.execute(ExecutionRequest(code_base64=None, code=BLOCKS[index % 2], input=INPUT))
        if index >= args.rate:  # the first second fills the pool's runtimes: not measured
            latencies.append((time.perf_counter() - sent) * 1000)
        loads += result.module_load_ms is not None
        if result.after is not None:
            await result.after()

    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    total = int(args.rate * (args.seconds + 1))
    tasks: list[asyncio.Task[None]] = []
    for index in range(total):
        delay = start + index / args.rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(request(index)))
    await asyncio.gather(*tasks)
    await pool.close(5)
    return {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "max": max(latencies),
            "runtimes": len(served), "loads": loads}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=16)
    args = parser.parse_args()
    bench = Bench("idle_order", params=vars(args))
    results: dict[str, list[dict[str, Any]]] = {"lifo": [], "fifo": []}
    for _ in range(args.rounds):
        for name, cls in (("lifo", RuntimePool), ("fifo", FifoPool)):
            results[name].append(await one_round(cls, args))
    for name, rounds in results.items():
        bench.line(f"{name}: {rounds}")
        for key, unit in (("p50", "ms"), ("p99", "ms"), ("max", "ms"), ("runtimes", "runtimes"),
                          ("loads", "requests")):
            bench.figure(f"{name}_{key}", statistics.median(r[key] for r in rounds), unit, fmt=".1f",
                         labels={"order": name})


if __name__ == "__main__":
    asyncio.run(main())
