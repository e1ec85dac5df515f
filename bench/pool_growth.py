"""How fast the pool grows for a burst of parked executions (issue #20's I/O-bound case):
N code blocks that each await a 200 ms timer, all at once, on a fresh in-process Sandbox with
the default settings (a pool of 4 that grows to MAX_RUNTIME_POOL_SIZE, 32), then the same
burst again on the grown pool. With enough runtimes each burst takes ~200 ms; what is above
that is the wait for runtimes to be built. Settings pass through the environment.

    .venv/bin/python bench/pool_growth.py [--executions 32] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from flow_codeblock.sandbox import Sandbox

from harness import Bench

PARKED = "await new Promise((resolve) => setTimeout(resolve, 200)); return 1"


async def burst(sandbox: Sandbox, executions: int) -> float:
    started = time.perf_counter()
    results = await asyncio.gather(*(sandbox.run(PARKED) for _ in range(executions)))
    assert all(result.value == 1 for result in results), results[0]
    return (time.perf_counter() - started) * 1000


async def one_round(executions: int) -> tuple[float, float, int]:
    async with Sandbox() as sandbox:
        await sandbox.run("return 1")
        first = await burst(sandbox, executions)
        second = await burst(sandbox, executions)
        return first, second, sandbox.service.pool.size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--executions", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = [asyncio.run(one_round(args.executions)) for _ in range(args.rounds)]
    bench = Bench("pool_growth", params=vars(args))
    bench.figure("first_burst_ms", statistics.median(r[0] for r in rounds), "ms", fmt=".0f",
                 note=f"from a pool of 4; rounds {[round(r[0]) for r in rounds]}")
    bench.figure("second_burst_ms", statistics.median(r[1] for r in rounds), "ms", fmt=".0f",
                 note=f"on the grown pool; rounds {[round(r[1]) for r in rounds]}")
    bench.figure("pool_size", [r[2] for r in rounds], "runtimes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
