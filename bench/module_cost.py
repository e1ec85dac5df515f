"""What each npm module costs a runtime: the first code block that requires it in a
fresh runtime (install: compile + initialise + re-snapshot) against the same code
block on the warm runtime afterwards, and the V8 heap it adds.

    .venv/bin/python bench/module_cost.py
"""

from __future__ import annotations

import asyncio
import statistics
import time

from flow_codeblock.bundles import load_bootstrap, module_catalog
from flow_codeblock.config import load_settings
from flow_codeblock.engine import init_engine
from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.runtime import Runtime
from flow_codeblock.service import runtime_options, v8_flags

MODULES = ["lodash", "qs", "uuid", "crypto-js", "dayjs", "dayjs/plugin/utc", "dayjs/locale/zh-cn", "date-fns",
           "date-fns-tz", "fast-xml-parser", "xlsx", "pinyin", "form-data", "crypto", "url", "axios"]


async def main() -> None:
    settings = load_settings()
    init_engine(v8_flags(settings))
    loop = asyncio.get_running_loop()
    options, bootstrap = runtime_options(settings), load_bootstrap()
    catalog = module_catalog()
    print(f"{'module':22} {'bundle_kb':>9} {'first_ms':>9} {'warm_ms':>8} {'heap_mb':>8}")
    for name in MODULES:
        runtime = await asyncio.to_thread(Runtime.create, options, loop, bootstrap)
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
        print(f"{name:22} {size:9.0f} {first:9.2f} {statistics.median(warm):8.3f} {heap:8.2f}")
        await asyncio.to_thread(runtime.close)


if __name__ == "__main__":
    asyncio.run(main())
