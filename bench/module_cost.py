"""What each npm module costs a runtime: the first code block that requires it in a
fresh runtime (install: compile + initialise + re-snapshot) against the same code
block on the warm runtime afterwards, and the V8 heap it adds.

    .venv/bin/python bench/module_cost.py [module ...]   (default: every module below)

What a module costs while working on large inputs is in its own bench: xlsx reading
100,000 rows x 10 columns in batches under a 128 MB heap, time and peak (committed) heap
against the whole-sheet parse, is bench/xlsx_batches.py.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from flow_codeblock.bundles import module_catalog
from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.testing import runtime_factory

from harness import Bench

MODULES = ["lodash", "qs", "uuid", "crypto-js", "dayjs", "dayjs/plugin/utc", "dayjs/locale/zh-cn", "date-fns",
           "date-fns-tz", "fast-xml-parser", "xlsx", "pinyin", "form-data", "crypto", "url", "axios",
           "jose", "stream/web", "stream", "stream/promises",
           "sm-crypto-v2", "csv-parse", "csv-parse/sync", "csv-parse/stream", "csv-stringify", "csv-stringify/sync"]


async def main() -> None:
    factory = runtime_factory()
    loop = factory.loop
    catalog = module_catalog()
    bench = Bench("module_cost")
    bench.line(f"{'module':22} {'bundle_kb':>9} {'first_ms':>9} {'warm_ms':>8} {'heap_mb':>8}")
    for name in sys.argv[1:] or MODULES:
        async with factory.runtime() as runtime:
            base_heap = runtime.heap_stats()["used_heap_size"]
            modules = catalog.install_order((name,))
            block = CodeBlock.wrap(f"require({name!r}); return 1", name, is_async=False, modules=modules)
            started = time.perf_counter()
            outcome = await runtime.execute(block, "{}", loop.time() + 30, 30_000)
            first = (time.perf_counter() - started) * 1000
            assert outcome.ok, outcome.error
            assert await runtime.reset(5) is None
            warm = []
            for _ in range(20):
                started = time.perf_counter()
                assert (await runtime.execute(block, "{}", loop.time() + 5, 5000)).ok
                warm.append((time.perf_counter() - started) * 1000)
                assert await runtime.reset(5) is None
            heap = (runtime.heap_stats()["used_heap_size"] - base_heap) / 1e6
            size = sum(len(catalog.source(m)) for m in modules) / 1024
            bench.line(f"{name:22} {size:9.0f} {first:9.2f} {statistics.median(warm):8.3f} {heap:8.2f}")
        labels = {"module": name}
        bench.figure("bundle_kb", size, "KiB", fmt=".0f", labels=labels, human=False)
        bench.figure("first_ms", first, "ms", fmt=".2f", labels=labels, human=False)
        bench.figure("warm_ms", statistics.median(warm), "ms", fmt=".3f", labels=labels, human=False)
        bench.figure("heap_mb", heap, "MB", fmt=".2f", labels=labels, human=False)
    bench.line("xlsx, 100,000 rows x 10 columns in batches under a 128 MB heap (time, peak heap):"
               " bench/xlsx_batches.py")


if __name__ == "__main__":
    asyncio.run(main())
