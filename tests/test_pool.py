"""The runtime pool with real V8 runtimes, in process: bounds, rebuilds, order, drain."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from prometheus_client import REGISTRY

from flow_codeblock.config import load_settings
from flow_codeblock.errors import ErrorType, ExecutionFailure
from flow_codeblock.executor import ExecutionRequest, Executor
from flow_codeblock.policy import PoolPolicy
from flow_codeblock.pool import RuntimePool
from flow_codeblock.service import execution_limits
from flow_codeblock.testing import runtime_factory, runtime_pool


def b64(code: str) -> str:
    return base64.b64encode(code.encode()).decode()


def rebuilt(reason: str) -> float:
    return REGISTRY.get_sample_value("runtime_rebuilt_total", {"reason": reason}) or 0.0


@asynccontextmanager
async def make_pool(*, initial: int = 2, health_checks: bool = False, max_waiting: int = 1000,
                    **policy: object) -> AsyncIterator[tuple[RuntimePool, Executor]]:
    settings = load_settings(execution_timeout_ms=2000, acquire_timeout_ms=10_000)
    pol = PoolPolicy(**{"min_size": 1, "max_size": 4, "idle_timeout_s": 300.0, **policy})  # type: ignore[arg-type]
    async with runtime_pool(runtime_factory(settings), pol, initial=initial, max_waiting=max_waiting,
                            check_interval_s=0.02, health_checks=health_checks) as pool:
        yield pool, Executor(execution_limits(settings), pool)


async def run(executor: Executor, code: str, payload: dict | None = None) -> tuple[bool, object]:
    """Runs one execution the way the API does, including the reset afterwards."""
    import orjson

    result = await executor.execute(ExecutionRequest(code_base64=b64(code), input=payload or {}))
    if result.after is not None:
        await result.after()
    if result.ok:
        return True, orjson.loads(result.result_json or "null")
    return False, result.error.type.value if result.error else None


async def test_random_load_never_leaves_bounds_and_loses_nothing() -> None:
    async with make_pool(initial=2, health_checks=True, min_size=2, max_size=6, idle_timeout_s=0.05,
                         max_executions=7) as (pool, executor):
        seen_sizes: list[int] = []
        stop = asyncio.Event()

        async def monitor() -> None:
            while not stop.is_set():
                seen_sizes.append(pool.size)
                await asyncio.sleep(0.001)

        watcher = asyncio.ensure_future(monitor())
        rng = random.Random(7)
        code = "await new Promise(r => setTimeout(r, input.ms)); return input.id;"
        ids: list[int] = []
        next_id = 0
        for _ in range(12):  # bursts of load separated by idle gaps
            burst = rng.randint(1, 15)
            batch = [{"id": next_id + i, "ms": rng.randint(0, 15)} for i in range(burst)]
            next_id += burst
            results = await asyncio.gather(*(run(executor, code, p) for p in batch))
            assert all(ok for ok, _ in results), results
            ids.extend(value for _, value in results)  # type: ignore[misc]
            await asyncio.sleep(rng.choice([0, 0.02, 0.12]))
        stop.set()
        await watcher
        assert sorted(ids) == list(range(next_id))  # every request answered once, with its own result
        assert min(seen_sizes) >= 2 and max(seen_sizes) <= 6
        assert max(seen_sizes) > 2, "the pool should have grown under load"
        assert pool.stats().checks_total > 0


async def test_grows_on_demand_without_waiting_for_a_check() -> None:
    async with make_pool(initial=1, min_size=1, max_size=4) as (pool, executor):
        code = "await new Promise(r => setTimeout(r, 150)); return input.id;"
        results = await asyncio.gather(*(run(executor, code, {"id": i}) for i in range(4)))
        assert [value for _, value in results] == [0, 1, 2, 3]
        assert pool.size == 4
        assert pool.stats().checks_total == 0


async def test_timeout_and_memory_rebuild_the_runtime() -> None:
    async with make_pool(initial=1, min_size=1, max_size=1) as (pool, executor):
        before_timeout, before_memory = rebuilt("timeout"), rebuilt("memory")
        assert await run(executor, "while (true) {} return 1") == (False, "TimeoutError")
        assert await run(executor, "const a = []; while (true) a.push(new Array(1e5).fill(1)); return 1") == (
            False, "MemoryLimitError")
        assert rebuilt("timeout") == before_timeout + 1
        assert rebuilt("memory") == before_memory + 1
        assert await run(executor, "return 'fresh'") == (True, "fresh")
        assert pool.size == 1


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("Object.preventExtensions(globalThis); return 1", "dirty_global"),
        ("Object.defineProperty(globalThis, 'stuck', { value: 1, configurable: false }); return 1", "dirty_global"),
        ("RegExp.prototype.evil = 1; return 1", "dirty_shared_object"),
    ],
)
async def test_a_dirty_runtime_is_counted_with_the_js_reason(tamper: str, reason: str) -> None:
    # The JS reset names what it could not undo; the category is the metric's label.
    async with make_pool(initial=1, min_size=1, max_size=1) as (pool, executor):
        before, before_dirty = rebuilt(reason), rebuilt("dirty")
        assert await run(executor, tamper) == (True, 1)
        assert rebuilt(reason) == before + 1
        assert rebuilt("dirty") == before_dirty
        assert await run(executor, "return Object.isExtensible(globalThis) && typeof stuck") == (True, "undefined")
        assert pool.size == 1


async def test_a_runtime_that_dies_is_replaced() -> None:
    # The isolate disappears under the pool (as if V8 tore it down): the execution on it
    # gets InternalError, never a hang, and the next one runs on a new runtime.
    async with make_pool(initial=1, min_size=1, max_size=1) as (pool, executor):
        (runtime,) = list(pool._all.values())
        await asyncio.to_thread(runtime.close)
        before = sum(rebuilt(r) for r in ("engine_engine_error", "engine_terminated"))
        assert await asyncio.wait_for(run(executor, "return 1"), 10) == (False, "InternalError")
        assert sum(rebuilt(r) for r in ("engine_engine_error", "engine_terminated")) == before + 1
        assert await run(executor, "return 'fresh'") == (True, "fresh")
        assert runtime.id not in pool._all and pool.size == 1


async def test_a_slow_close_does_not_delay_the_replacement() -> None:
    # Freeing an isolate that hit its heap limit can take seconds: the replacement
    # must not wait for it (a single-runtime pool would have nothing to serve with).
    import time

    async with make_pool(initial=1, min_size=1, max_size=1) as (pool, executor):
        runtime = await pool.acquire(1)
        close = runtime.close
        runtime.close = lambda: (time.sleep(3), close())  # type: ignore[method-assign]
        pool.retire(runtime, "test")
        assert await asyncio.wait_for(run(executor, "return 'served'"), 2) == (True, "served")


async def test_error_rate_rebuild_is_observable_in_metrics() -> None:
    async with make_pool(initial=1, min_size=1, max_size=1, error_rate_min_executions=5,
                         max_error_rate=0.5) as (pool, executor):
        before = rebuilt("error_rate")
        first = next(iter(pool._all.values()))
        for _ in range(6):
            assert (await run(executor, "throw new Error('x'); return 1"))[0] is False
        decided = await pool.check()
        assert decided.rebuild == ((first.id, "error_rate"),)
        assert rebuilt("error_rate") == before + 1
        assert await run(executor, "return 1") == (True, 1)
        assert first.id not in pool._all


async def test_recycling_and_shrinking_lose_no_request() -> None:
    async with make_pool(initial=4, health_checks=True, min_size=1, max_size=4, idle_timeout_s=0.01,
                         max_executions=3) as (_, executor):
        before = rebuilt("executions")
        code = "await null; return input.id * 2;"
        results = []
        for start in range(0, 300, 20):
            results += await asyncio.gather(*(run(executor, code, {"id": i}) for i in range(start, start + 20)))
            await asyncio.sleep(0.03)  # let checks recycle and release
        assert [value for _, value in results] == [i * 2 for i in range(300)]
        assert rebuilt("executions") > before


async def test_waiters_are_served_in_arrival_order() -> None:
    async with make_pool(initial=1, min_size=1, max_size=1) as (pool, _):
        held = await pool.acquire(1)
        order: list[int] = []

        async def wait(i: int) -> None:
            runtime = await pool.acquire(5)
            order.append(i)
            pool.release(runtime)

        tasks = [asyncio.ensure_future(wait(i)) for i in range(6)]
        await asyncio.sleep(0.05)
        assert pool.stats().waiting == 6
        pool.release(held)
        await asyncio.gather(*tasks)
        assert order == list(range(6))


async def test_acquire_timeout_and_waiting_limit() -> None:
    async with make_pool(initial=1, min_size=1, max_size=1, max_waiting=1) as (pool, _):
        held = await pool.acquire(1)
        with pytest.raises(ExecutionFailure) as timed_out:
            await pool.acquire(0.05)
        assert timed_out.value.error.type is ErrorType.CONCURRENCY
        first = asyncio.ensure_future(pool.acquire(5))
        await asyncio.sleep(0.01)
        with pytest.raises(ExecutionFailure) as too_many:
            await pool.acquire(5)
        assert "already waiting" in too_many.value.error.message
        pool.release(held)
        pool.release(await first)


async def test_a_cancelled_waiter_does_not_swallow_a_runtime() -> None:
    async with make_pool(initial=1, min_size=1, max_size=1) as (pool, _):
        held = await pool.acquire(1)
        waiter = asyncio.ensure_future(pool.acquire(5))
        await asyncio.sleep(0.01)
        waiter.cancel()
        pool.release(held)  # handed to the waiter before its cancellation is processed
        # asyncio.wait_for returns a result that arrived with the cancellation
        with contextlib.suppress(asyncio.CancelledError):
            pool.release(await waiter)
        runtime = await pool.acquire(0.5)  # either way, the runtime is available again
        pool.release(runtime)
        assert pool.stats().in_use == 0


async def test_close_drains_in_flight_executions() -> None:
    async with make_pool(initial=2, min_size=2, max_size=2) as (pool, executor):
        code = "await new Promise(r => setTimeout(r, 200)); return input.id;"
        running = [asyncio.ensure_future(run(executor, code, {"id": i})) for i in range(2)]
        await asyncio.sleep(0.05)
        await pool.close(drain_timeout=5)
        assert [await task for task in running] == [(True, 0), (True, 1)]
        with pytest.raises(ExecutionFailure):
            await pool.acquire(0.1)
        assert pool.size == 0


async def test_close_during_a_health_check_waits_for_heap_reads() -> None:
    async with make_pool(initial=3, min_size=1, max_size=3) as (pool, executor):
        for _ in range(3):  # executions make the runtimes candidates for heap sampling
            await run(executor, "return 1")
        check = asyncio.ensure_future(pool.check())
        await asyncio.sleep(0)  # the check has started reading heaps in a thread
        check.cancel()
        with pytest.raises(asyncio.CancelledError):
            await check
        assert pool.stats().maintenance == 0
        assert await run(executor, "return 'still serving'") == (True, "still serving")


async def test_an_asynchronous_execution_is_reset_by_the_call_that_takes_its_result() -> None:
    """Two calls into V8 per asynchronous execution (run, take), not three: the reset
    report arrives with the result and reset() makes no call of its own."""
    settings = load_settings()
    factory = runtime_factory(settings)
    loop = factory.loop
    runtime = await factory.create()
    calls: list[str] = []
    original_eval, original_call = runtime._eval_until, runtime._call_until

    async def counted_eval(source: str, deadline: float):  # type: ignore[no-untyped-def]
        calls.append(source.split("(", 1)[0])
        return await original_eval(source, deadline)

    async def counted_call(message: str, deadline: float):  # type: ignore[no-untyped-def]
        calls.append("__flow." + message.split("\0", 1)[0])
        return await original_call(message, deadline)

    runtime._eval_until = counted_eval  # type: ignore[method-assign]
    runtime._call_until = counted_call  # type: ignore[method-assign]
    try:
        executor_block = Executor(execution_limits(settings), None)._compile("await null; globalThis.x = 1; return 1")  # type: ignore[arg-type]
        for _ in range(2):  # the first also defines the block
            calls.clear()
            outcome = await runtime.execute(executor_block, "{}", loop.time() + 5, 5000)
            assert outcome.ok and outcome.result_json == "1"
            assert await runtime.reset(1.0) is None
        assert calls == ["__flow.run", "__flow.take"]
        # A synchronous one still needs the separate reset.
        calls.clear()
        sync_block = Executor(execution_limits(settings), None)._compile("globalThis.y = 1; return 2")  # type: ignore[arg-type]
        assert (await runtime.execute(sync_block, "{}", loop.time() + 5, 5000)).ok
        assert await runtime.reset(1.0) is None
        assert calls[-2:] == ["__flow.run", "__flow.reset"]
        probe = Executor(execution_limits(settings), None)._compile("return [typeof globalThis.x, typeof globalThis.y]")  # type: ignore[arg-type]
        outcome = await runtime.execute(probe, "{}", loop.time() + 5, 5000)
        assert outcome.result_json == '["undefined","undefined"]'
        assert await runtime.reset(1.0) is None
    finally:
        await asyncio.to_thread(runtime.close)


async def test_the_doorbell_holds_one_ring_when_an_execution_rings_twice() -> None:
    """A host call and the settlement in one microtask checkpoint would ring the host
    twice before it reads the eventfd; JavaScript rings once until the host
    acknowledges (execution.js), so every ring's value is freed and nothing is lost."""
    settings = load_settings()
    factory = runtime_factory(settings)
    loop = factory.loop
    runtime = await factory.create()
    isolate = runtime._isolate
    try:
        block = Executor(execution_limits(settings), None)._compile(  # type: ignore[arg-type]
            "fetch('http://example.com/').catch(() => {}); await null; return input.n")
        counts = []
        for n in range(200):
            outcome = await runtime.execute(block, f'{{"n": {n}}}', loop.time() + 5, 5000)
            assert outcome.ok and outcome.result_json == str(n), outcome.error
            assert await runtime.reset(1.0) is None
            counts.append(int(isolate._dll.mr_value_count(isolate._ctx)))
        assert counts[-1] <= counts[10]
    finally:
        await asyncio.to_thread(runtime.close)


async def test_a_closing_pool_answers_service_unavailable() -> None:
    """Flow-CodeBlock's clients branch on ServiceUnavailableError while a replica shuts down."""
    async with make_pool(initial=1) as (pool, _):
        closing = asyncio.ensure_future(pool.close(5))
        await asyncio.sleep(0)
        with pytest.raises(ExecutionFailure) as refused:
            await pool.acquire(1.0)
        assert refused.value.error.type is ErrorType.SERVICE_UNAVAILABLE
        assert refused.value.error.type.http_status == 503 and refused.value.retry_after
        await closing
