"""What code that builds large strings needs from RUNTIME_MEMORY_LIMIT_MB (the V8 heap
limit of a runtime), and what a limit costs the worker: each snippet of the kind a Node
corpus runs (buf.toString of large buffers, repeated concatenation, JSON of large
arrays) on a fresh runtime at several limits, with its outcome, time, the runtime's
peak heap and the process's RSS after the runtime is closed.

    .venv/bin/python bench/heap_limits.py

One JSON line per (limit, snippet); Node 24's own heap limit on this machine is ~4 GB.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.testing import runtime_factory

from harness import Bench

LIMITS_MB = (128, 256, 512)
MiB = 1 << 20
SNIPPETS = {
    "utf8 toString of 16 MB": "return Buffer.alloc(16 * 2 ** 20, 97).toString().length",
    "hex toString of 16 MB (32 M chars)": "return Buffer.alloc(16 * 2 ** 20, 97).toString('hex').length",
    "base64 of 48 MB": "return Buffer.alloc(48 * 2 ** 20, 97).toString('base64').length",
    "latin1 toString of 64 MB": "return Buffer.alloc(64 * 2 ** 20, 97).toString('latin1').length",
    "'x'.repeat(2 ** 27)": "return 'x'.repeat(2 ** 27).length",
    "utf16 string of 2 ** 26 chars": "return '\\u4e2d'.repeat(2 ** 26).length",
    "26 M chars by +=": "let s = ''; for (let i = 0; i < 2 ** 20; i++) s += 'abcdefghijklmnopqrstuvwxyz';"
                        " return s.length",
    "JSON of 1 M objects": "return JSON.stringify(Array.from({ length: 1e6 }, (_, i) => ({ i, s: 'x' }))).length",
    "10 strings of 8 M chars kept": "const a = []; for (let i = 0; i < 10; i++)"
                                    " a.push(String(i).repeat(2 ** 23) + '!');"
                                    " return a.map((s) => s.length).reduce((x, y) => x + y)",
}


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / MiB


async def main() -> None:
    bench = Bench("heap_limits")
    for limit in LIMITS_MB:
        # The ArrayBuffer budget is separate; raised here so the heap is what is measured.
        factory = runtime_factory(heap_limit_bytes=limit * MiB, array_buffer_limit_bytes=512 * MiB)
        loop = factory.loop
        for name, code in SNIPPETS.items():
            runtime = await factory.create()
            block = CodeBlock.wrap(code, "", is_async=False, modules=())
            started = time.perf_counter()
            outcome = await runtime.execute(block, "{}", loop.time() + 30, 30_000)
            elapsed = (time.perf_counter() - started) * 1000
            try:
                peak = runtime.heap_stats().get("total_heap_size", 0) / MiB
            except ValueError:  # a runtime stopped by its heap limit answers no more
                peak = float("nan")
            await asyncio.to_thread(runtime.close)
            result = "ok" if outcome.ok else type(outcome.error).__name__
            labels = {"limit_mb": limit, "snippet": name, "outcome": result}
            rss = rss_mb()
            bench.line(json.dumps({
                "bench": "heap_limits", **labels,
                "ms": round(elapsed, 1), "heap_total_mb": round(peak, 1), "rss_after_close_mb": round(rss, 1),
            }))
            bench.figure("elapsed_ms", elapsed, "ms", fmt=".1f", labels=labels, human=False)
            bench.figure("heap_total_mb", peak, "MB", fmt=".1f", labels=labels, human=False)
            bench.figure("rss_after_close_mb", rss, "MB", fmt=".1f", labels=labels, human=False)


if __name__ == "__main__":
    asyncio.run(main())
