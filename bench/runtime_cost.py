"""What one V8 runtime costs: creation time, resident memory when idle, close time,
and the reset after an execution. These figures set the pool defaults (config.py).

A synchronous execution's reset runs within the execution (runtime.py: the microtasks
it left are charged to it), so `reset_us` is then only the host's bookkeeping; compare
`execution_with_reset_us` across versions.

    .venv/bin/python bench/runtime_cost.py [--count 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from flow_codeblock.bundles import module_catalog
from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.engine import Isolate
from flow_codeblock.runtime import Runtime
from flow_codeblock.testing import runtime_factory

from harness import Bench

MODULES_LOADED = ("lodash", "dayjs", "date-fns", "xlsx", "pinyin", "crypto")


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


async def main(count: int) -> None:
    factory = runtime_factory()
    loop = factory.loop
    warm = await factory.create()  # first-use costs out of the way
    bare_ms = []
    for _ in range(count):
        started = time.perf_counter()
        bare = await asyncio.to_thread(Isolate, heap_limit_bytes=factory.options.heap_limit_bytes, loop=loop)
        bare_ms.append((time.perf_counter() - started) * 1000)
        await asyncio.to_thread(bare.close)
    before = rss_mb()
    runtimes, create_ms = [], []
    for _ in range(count):
        started = time.perf_counter()
        runtimes.append(await factory.create())
        create_ms.append((time.perf_counter() - started) * 1000)
    after = rss_mb()

    block = CodeBlock.wrap("return input.a + 1", "k", is_async=False)
    # Asynchronous code is reset by the call that takes its result (no reset call).
    async_block = CodeBlock.wrap("return (await Promise.resolve(input.a)) + 1", "a", is_async=True)

    async def executions(runtime: Runtime, block: CodeBlock = block) -> tuple[list[float], list[float]]:
        execute_us, reset_us = [], []
        for _ in range(2000):
            started = time.perf_counter()
            outcome = await runtime.execute(block, '{"a": 1}', loop.time() + 5, 5000)
            execute_us.append((time.perf_counter() - started) * 1e6)
            assert outcome.ok
            started = time.perf_counter()
            assert await runtime.reset(1.0) is None
            reset_us.append((time.perf_counter() - started) * 1e6)
        return execute_us[200:], reset_us[200:]

    execute_us, reset_us = await executions(runtimes[0])
    async_execute_us, async_reset_us = await executions(runtimes[2], async_block)
    catalog = module_catalog()
    # The same code on a runtime where earlier executions loaded modules (their closure
    # state restorers run after every execution: js/lib/internal/shared_modules.js).
    loaded = runtimes[1]
    for name in MODULES_LOADED:
        used = CodeBlock.wrap(f"require('{name}'); return 1", name, is_async=False,
                              modules=catalog.install_order((name,)))
        assert (await loaded.execute(used, "{}", loop.time() + 30, 30000)).ok
        assert await loaded.reset(5.0) is None
    execute_loaded_us, reset_loaded_us = await executions(loaded)

    close_ms = []
    for runtime in [*runtimes, warm]:
        started = time.perf_counter()
        await asyncio.to_thread(runtime.close)
        close_ms.append((time.perf_counter() - started) * 1000)

    bench = Bench("runtime_cost", params={"count": count})
    bench.figure("runtimes", count, "runtimes")
    bench.figure("create_ms_median", statistics.median(create_ms), "ms", fmt=".2f")
    bench.figure("bare_isolate_ms_median", statistics.median(bare_ms), "ms", fmt=".2f")
    bench.figure("bootstrap_ms_median", statistics.median(create_ms) - statistics.median(bare_ms), "ms", fmt=".2f")
    bench.figure("idle_rss_mb_per_runtime", (after - before) / count, "MB", fmt=".2f")
    bench.figure("shared_globals", warm.shared_globals, "globals")
    bench.figure("execute_us_median", statistics.median(execute_us), "us", fmt=".0f")
    bench.figure("reset_us_median", statistics.median(reset_us), "us", fmt=".0f")
    bench.figure("async_execute_us_median", statistics.median(async_execute_us), "us", fmt=".0f")
    bench.figure("async_reset_us_median", statistics.median(async_reset_us), "us", fmt=".0f")
    bench.figure("reset_us_median_with_modules_loaded", statistics.median(reset_loaded_us), "us", fmt=".0f",
                 text=f"reset_us_median_with_modules_loaded: {statistics.median(reset_loaded_us):.0f} "
                      f"({', '.join(MODULES_LOADED)})")
    bench.figure("execution_with_reset_us_median",
                 statistics.median(map(sum, zip(execute_us, reset_us, strict=True))), "us", fmt=".0f")
    bench.figure("async_execution_with_reset_us_median",
                 statistics.median(map(sum, zip(async_execute_us, async_reset_us, strict=True))), "us", fmt=".0f")
    bench.figure("execution_with_reset_us_median_with_modules_loaded",
                 statistics.median(map(sum, zip(execute_loaded_us, reset_loaded_us, strict=True))), "us", fmt=".0f")
    bench.figure("close_ms_median", statistics.median(close_ms), "ms", fmt=".2f")
    bench.figure("process_rss_mb", after, "MB", fmt=".0f")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50)
    asyncio.run(main(parser.parse_args().count))
