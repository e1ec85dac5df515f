"""Reading 100,000 rows x 10 columns of xlsx: Flow-CodeBlock's xlsx.readBatches (the row
reader in js/lib/internal/xlsx_rows.js) under the default 128 MB heap, against SheetJS's
whole-sheet parse (xlsx.read + sheet_to_json) of the same file as the baseline, given a
1 GB heap so that it finishes. Each on a fresh runtime with xlsx installed first (its
install is not timed); the heap figure is V8's committed heap after the run, which the
run's peak sets (V8 gives committed pages back only later).

    .venv/bin/python bench/xlsx_batches.py
"""

from __future__ import annotations

import asyncio
import base64
import json
import time

import orjson

from flow_codeblock.bundles import module_catalog
from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.testing import runtime_factory, sample_xlsx

from harness import Baseline, Bench

MiB = 1 << 20
ROWS = 100_000
BATCHED = """const xlsx = require('xlsx');
let rows = 0;
const r = xlsx.readBatches(Buffer.from(input.b64, 'base64'), 'Sheet1', { batchSize: 1000 }, (batch) => {
  rows += batch.length;
});
return [r.totalRows, rows];"""
WHOLE = """const xlsx = require('xlsx');
const wb = xlsx.read(Buffer.from(input.b64, 'base64'));
const rows = xlsx.utils.sheet_to_json(wb.Sheets.Sheet1).length;
return [rows, rows];"""
CASES = (("readBatches", BATCHED, 128), ("xlsx.read + sheet_to_json", WHOLE, 1024))


async def run(name: str, code: str, heap_mb: int, payload: str) -> dict[str, float]:
    factory = runtime_factory(heap_limit_bytes=heap_mb * MiB, array_buffer_limit_bytes=512 * MiB)
    loop = factory.loop
    modules = module_catalog().install_order(("xlsx",))
    runtime = await factory.create()
    try:
        warm = CodeBlock.wrap("require('xlsx'); return 1", "warm", is_async=False, modules=modules)
        assert (await runtime.execute(warm, "{}", loop.time() + 30, 30_000)).ok
        assert await runtime.reset(5) is None
        base = runtime.heap_stats()["total_heap_size"]
        block = CodeBlock.wrap(code, name, is_async=False, modules=modules)
        started = time.perf_counter()
        outcome = await runtime.execute(block, payload, loop.time() + 120, 120_000)
        elapsed = (time.perf_counter() - started) * 1000
        assert outcome.ok, (name, outcome.error)
        assert outcome.result_json is not None, outcome
        assert orjson.loads(outcome.result_json) == [ROWS, ROWS], outcome.result_json
        total = runtime.heap_stats()["total_heap_size"]
    finally:
        await asyncio.to_thread(runtime.close)
    return {"ms": elapsed, "heap_mb": total / MiB, "heap_added_mb": (total - base) / MiB}


async def main() -> None:
    bench = Bench("xlsx_batches")
    data = sample_xlsx(ROWS)
    payload = json.dumps({"b64": base64.b64encode(data).decode()})
    results = {}
    for name, code, heap_mb in CASES:
        results[name] = figures = await run(name, code, heap_mb, payload)
        labels = {"reader": name, "heap_limit_mb": heap_mb}
        bench.line(json.dumps({"bench": "xlsx_batches", **labels, "rows": ROWS, "xlsx_kb": len(data) // 1024,
                               **{k: round(v, 1) for k, v in figures.items()}}))
        bench.figure("elapsed_ms", figures["ms"], "ms", fmt=".0f", labels=labels, human=False)
        bench.figure("heap_total_mb", figures["heap_mb"], "MB", fmt=".1f", labels=labels, human=False)
    batched, whole = results["readBatches"], results["xlsx.read + sheet_to_json"]
    bench.line(f"readBatches / whole-sheet parse: time {batched['ms'] / whole['ms']:.2f}x, "
               f"heap {batched['heap_mb'] / whole['heap_mb']:.2f}x")
    bench.figure("batched_elapsed_ms", batched["ms"], "ms", fmt=".0f", human=False,
                 baseline=Baseline("whole_sheet_elapsed_ms", whole["ms"]))
    bench.figure("batched_heap_total_mb", batched["heap_mb"], "MB", fmt=".1f", human=False,
                 baseline=Baseline("whole_sheet_heap_total_mb", whole["heap_mb"]))

if __name__ == "__main__":
    asyncio.run(main())
