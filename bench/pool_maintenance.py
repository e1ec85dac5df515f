"""Does pool maintenance stall requests? (issue: runtime pool and health checker)

A pool of 200 runtimes serves a steady open-loop load (requests arrive at a fixed
rate, as from many independent clients, so a stall shows up as queueing) while
health checks run every second, against the same load with checks off, in
alternating phases in one process. The checks do real work: heap sampling,
recycling by execution count, idle release.

Reports request p50/p99 and event-loop lag p99 for both, their ratios (target
<= 1.10), and the longest time any check ran on the event loop (target < 1 ms).

    .venv/bin/python bench/pool_maintenance.py [--seconds 6] [--rounds 3] [--rate 400]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import time

from flow_codeblock.executor import ExecutionRequest, Executor
from flow_codeblock.policy import PoolPolicy
from flow_codeblock.pool import RuntimePool
from flow_codeblock.service import execution_limits
from flow_codeblock.testing import runtime_factory, runtime_pool, start_engine

from harness import Bench

CODES = [
    base64.b64encode(code.encode()).decode()
    for code in (
        "return input.a + input.b",
        "return [1, 2, 3, 4, 5].map(x => x * input.a).reduce((s, x) => s + x, 0)",
        "await new Promise(r => setTimeout(r, 1)); return { ok: true, n: input.a }",
        "return JSON.parse(JSON.stringify({ k: input, t: 'x'.repeat(20) }))",
    )
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def phase(executor: Executor, pool: RuntimePool, seconds: float, rate: float,
                checks: bool) -> dict[str, float]:
    latencies: list[float] = []
    lags: list[float] = []
    blocks: list[float] = []
    durations: list[float] = []
    loop = asyncio.get_running_loop()
    end = time.perf_counter() + seconds

    async def one(n: int) -> None:
        request = ExecutionRequest(code_base64=CODES[n % len(CODES)], input={"a": n, "b": 1})
        started = time.perf_counter()
        result = await executor.execute(request)
        latencies.append(time.perf_counter() - started)
        assert result.ok, result.error
        if result.after is not None:
            await result.after()

    async def arrivals() -> None:
        requests = []
        n = 0
        start = loop.time()
        while time.perf_counter() < end:
            requests.append(asyncio.ensure_future(one(n)))
            n += 1
            # Fixed schedule: late ticks are not skipped, so a stall creates a backlog.
            await asyncio.sleep(max(0.0, start + n / rate - loop.time()))
        await asyncio.gather(*requests)

    async def lag_sampler() -> None:
        while time.perf_counter() < end:
            expected = loop.time() + 0.001
            await asyncio.sleep(0.001)
            lags.append(max(0.0, loop.time() - expected))

    async def checker() -> None:
        while time.perf_counter() < end - 1.0:
            await asyncio.sleep(1.0)
            started = time.perf_counter()
            await pool.check()
            durations.append(time.perf_counter() - started)
            blocks.append(pool.last_check_loop_block_s)

    tasks = [arrivals(), lag_sampler()]
    if checks:
        tasks.append(checker())
    await asyncio.gather(*tasks)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50_ms": pct(latencies, 0.5) * 1000,
        "p99_ms": pct(latencies, 0.99) * 1000,
        "lag_p99_ms": pct(lags, 0.99) * 1000,
        "lag_max_ms": max(lags) * 1000,
        "check_block_max_ms": max(blocks) * 1000 if blocks else 0.0,
        "check_duration_median_ms": statistics.median(durations) * 1000 if durations else 0.0,
        "checks": len(blocks),
    }


async def main(seconds: float, rounds: int, rate: float, size: int, max_executions: int) -> None:
    settings = start_engine()
    bench = Bench("pool_maintenance", params={"seconds": seconds, "rounds": rounds, "rate": rate, "size": size,
                                              "max_executions": max_executions})
    policy = PoolPolicy(min_size=size - 40, max_size=size, idle_timeout_s=2.0, max_executions=max_executions)
    factory = runtime_factory(settings)
    started = time.perf_counter()
    async with runtime_pool(factory, policy, initial=size, max_waiting=10_000) as pool:
        start_s = time.perf_counter() - started
        bench.figure("pool_start_s", start_s, "s", fmt=".2f", text=f"pool_start_s: {start_s:.2f} ({size} runtimes)")
        executor = Executor(execution_limits(settings), pool)
        await phase(executor, pool, 2.0, rate, checks=False)  # warm-up: JIT, code caches
        without, with_checks = [], []
        for _ in range(rounds):
            without.append(await phase(executor, pool, seconds, rate, checks=False))
            with_checks.append(await phase(executor, pool, seconds, rate, checks=True))
        stats = pool.stats()

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    bench.figure("pool_runtimes", size, "runtimes")
    bench.figure("max_executions", max_executions, "executions")
    bench.figure("arrival_rate_per_s", rate, "requests/s", fmt=".0f")
    bench.line(f"rounds: {rounds} x {seconds:.0f} s per phase")
    for name, rows in (("without_checks", without), ("with_checks", with_checks)):
        bench.figure(f"rps_{name}", med(rows, "rps"), "rps", fmt=".0f")
        bench.figure(f"p50_ms_{name}", med(rows, "p50_ms"), "ms", fmt=".3f")
        bench.figure(f"p99_ms_{name}", med(rows, "p99_ms"), "ms", fmt=".3f")
        bench.figure(f"loop_lag_p99_ms_{name}", med(rows, "lag_p99_ms"), "ms", fmt=".3f")
    bench.figure("p99_ratio", med(with_checks, "p99_ms") / med(without, "p99_ms"), "ratio", fmt=".3f")
    bench.figure("loop_lag_p99_ratio", med(with_checks, "lag_p99_ms") / med(without, "lag_p99_ms"), "ratio",
                 fmt=".3f")
    bench.figure("check_loop_block_max_ms", max(r["check_block_max_ms"] for r in with_checks), "ms", fmt=".3f")
    bench.figure("check_duration_median_ms", med(with_checks, "check_duration_median_ms"), "ms", fmt=".3f")
    bench.figure("checks", sum(r["checks"] for r in with_checks), "checks")
    bench.figure("runtimes_rebuilt", stats.rebuilt_total, "runtimes")
    bench.figure("pool_size_after", stats.size, "runtimes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=400.0)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--max-executions", type=int, default=1000,
                        help="recycle a runtime after this many executions (1000 forces rebuilds during the run; "
                             "the service's default is 10000)")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.rounds, args.rate, args.size, args.max_executions))
