"""CPU per call into V8, in one process: stock mini-racer's `eval` against this
service's engine path (engine.py: an eval, and a call of a kept function as the
request path makes), and a whole execution on a warm runtime (run, reset).

CPU is the process's user+system time over many calls (every thread: the event
loop's and V8's), divided by the calls; wall time per call is printed beside it.
The figures are per call, on a quiet machine; they are ratios' raw material, not
targets.

    .venv/bin/python bench/engine_path.py [--calls 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time

from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.engine import Isolate
from flow_codeblock.testing import runtime_factory, start_engine

from harness import Baseline, Bench


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def per_call(cpu: float, wall: float, calls: int) -> tuple[float, float]:
    return cpu / calls * 1e6, wall / calls * 1e6


def stock(calls: int) -> tuple[float, float]:
    from py_mini_racer import MiniRacer

    racer = MiniRacer()
    for _ in range(500):
        racer.eval("1 + 1")
    cpu, wall = cpu_s(), time.perf_counter()
    for _ in range(calls):
        racer.eval("1 + 1")
    result = per_call(cpu_s() - cpu, time.perf_counter() - wall, calls)
    racer.close()
    return result


async def engine(calls: int) -> tuple[float, float]:
    loop = asyncio.get_running_loop()
    isolate = await asyncio.to_thread(Isolate, heap_limit_bytes=64 << 20, loop=loop)
    for _ in range(500):
        await isolate.eval("1 + 1")[1]
    cpu, wall = cpu_s(), time.perf_counter()
    for _ in range(calls):
        await isolate.eval("1 + 1")[1]
    result = per_call(cpu_s() - cpu, time.perf_counter() - wall, calls)
    await asyncio.to_thread(isolate.close)
    return result


async def engine_call(calls: int) -> tuple[float, float]:
    """The request path's kind of call: a kept function, `this` = a short text."""
    loop = asyncio.get_running_loop()
    isolate = await asyncio.to_thread(Isolate, heap_limit_bytes=64 << 20, loop=loop)
    function = await asyncio.to_thread(isolate.keep, "(function () { return this.length; })")
    for _ in range(500):
        await isolate.call(function, "reset\0token\00")[1]
    cpu, wall = cpu_s(), time.perf_counter()
    for _ in range(calls):
        await isolate.call(function, "reset\0token\00")[1]
    result = per_call(cpu_s() - cpu, time.perf_counter() - wall, calls)
    await asyncio.to_thread(isolate.close)
    return result


async def execution(calls: int, code: str, is_async: bool) -> tuple[float, float]:
    """A whole execution on a warm runtime: run (and take), then the reset."""
    loop = asyncio.get_running_loop()
    block = CodeBlock.wrap(code, code, is_async=is_async)
    async with runtime_factory().runtime() as runtime:

        async def once() -> None:
            assert (await runtime.execute(block, '{"a": 1}', loop.time() + 5, 5000)).ok
            assert await runtime.reset(1.0) is None

        for _ in range(500):
            await once()
        cpu, wall = cpu_s(), time.perf_counter()
        for _ in range(calls):
            await once()
        return per_call(cpu_s() - cpu, time.perf_counter() - wall, calls)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    start_engine()
    figures: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.rounds):  # interleaved, so that drift in the machine hits all alike
        figures.setdefault("stock_eval", []).append(stock(args.calls))
        figures.setdefault("engine_eval", []).append(asyncio.run(engine(args.calls)))
        figures.setdefault("engine_call", []).append(asyncio.run(engine_call(args.calls)))
        figures.setdefault("execution_sync", []).append(
            asyncio.run(execution(args.calls // 2, "return input.a + 1", False)))
        figures.setdefault("execution_async", []).append(
            asyncio.run(execution(args.calls // 2, "return (await Promise.resolve(input.a)) + 1", True)))
    bench = Bench("engine_path", params=vars(args))
    stock_cpu = statistics.median(c for c, _ in figures["stock_eval"])
    for name, runs in figures.items():
        cpu = statistics.median(c for c, _ in runs)
        wall = statistics.median(w for _, w in runs)
        against_stock = None if name == "stock_eval" else Baseline("stock_eval_cpu_us", stock_cpu)
        bench.figure(f"{name}_cpu_us", cpu, "us", fmt=".0f", baseline=against_stock)
        bench.figure(f"{name}_wall_us", wall, "us", fmt=".0f")
    engine_cpu = statistics.median(c for c, _ in figures["engine_eval"])
    bench.figure("engine_to_stock_cpu_ratio", engine_cpu / stock_cpu, "ratio", fmt=".3f")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
