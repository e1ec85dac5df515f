"""The direct mini-racer binding (engine.py), exercised against real V8."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from flow_codeblock.engine import (
    EngineClosed,
    Isolate,
    ResultKind,
    background_supported,
    enter_background,
)
from flow_codeblock.service import build_thread_setup
from flow_codeblock.testing import load_settings, start_engine

MiB = 1024 * 1024


@pytest.fixture(scope="module", autouse=True)
def engine() -> None:
    start_engine()


async def new_isolate(notes: asyncio.Queue[int] | None = None, heap_mb: int = 64) -> Isolate:
    loop = asyncio.get_running_loop()
    on_notify = (lambda: notes.put_nowait(1)) if notes is not None else None
    return await asyncio.to_thread(Isolate, heap_limit_bytes=heap_mb * MiB, loop=loop, on_notify=on_notify)


async def test_values_and_errors() -> None:
    iso = await new_isolate()
    try:
        cases = {
            "1 + 2": (ResultKind.VALUE, 3),
            "'a' + 'b'": (ResultKind.VALUE, "ab"),
            "1.5": (ResultKind.VALUE, 1.5),
            "true": (ResultKind.VALUE, True),
            "null": (ResultKind.VALUE, None),
            "undefined": (ResultKind.VALUE, None),
            "({})": (ResultKind.VALUE, None),  # objects are freed, not returned
        }
        for code, expected in cases.items():
            _, future = iso.eval(code)
            result = await future
            assert (result.kind, result.value) == expected, code
        _, future = iso.eval("throw new TypeError('x')")
        result = await future
        assert result.kind is ResultKind.EXCEPTION and "TypeError: x" in result.text
        _, future = iso.eval("let = ;")
        assert (await future).kind is ResultKind.PARSE_ERROR
        _, future = iso.eval("eval('1')")
        assert "Code generation from strings disallowed" in (await future).text
    finally:
        await asyncio.to_thread(iso.close)


async def test_results_arrive_in_order() -> None:
    iso = await new_isolate()
    try:
        futures = [iso.eval(f"{i}")[1] for i in range(200)]
        assert [(await f).value for f in futures] == list(range(200))
    finally:
        await asyncio.to_thread(iso.close)


async def test_cancel_terminates_a_loop_and_the_isolate_stays_usable() -> None:
    iso = await new_isolate()
    try:
        task_id, future = iso.eval("while (true) {}")
        asyncio.get_running_loop().call_later(0.05, iso.cancel, task_id)
        assert (await asyncio.wait_for(future, 5)).kind is ResultKind.TERMINATED
        _, future = iso.eval("6 * 7")
        assert (await future).value == 42
    finally:
        await asyncio.to_thread(iso.close)


async def test_notification_reaches_the_event_loop() -> None:
    notes: asyncio.Queue[int] = asyncio.Queue()
    iso = await new_isolate(notes)
    try:
        _, future = iso.eval("Promise.resolve().then(() => __flowNotify()); 'posted'")
        assert (await future).value == "posted"
        assert await asyncio.wait_for(notes.get(), 5) == 1
    finally:
        await asyncio.to_thread(iso.close)


async def test_heap_limit_and_flag() -> None:
    iso = await new_isolate(heap_mb=32)
    try:
        assert not iso.memory_limit_reached()
        _, future = iso.eval("const a = []; while (true) a.push(new Array(1e4).fill(1.5));")
        assert (await asyncio.wait_for(future, 30)).kind is ResultKind.OUT_OF_MEMORY
        assert iso.memory_limit_reached()
    finally:
        await asyncio.to_thread(iso.close)


async def test_close_while_stuck_after_await() -> None:
    iso = await new_isolate()
    _, future = iso.eval("(async () => { await null; while (true) {} })(); 'started'")
    assert (await future).value == "started"
    _, stuck = iso.eval("1")
    await asyncio.sleep(0.05)
    assert not stuck.done()  # V8 is busy in the microtask and cannot answer
    started = time.perf_counter()
    await asyncio.to_thread(iso.close)
    assert time.perf_counter() - started < 5
    with pytest.raises(EngineClosed):
        await stuck
    with pytest.raises(EngineClosed):
        iso.eval("1")


async def test_heap_stats_and_blocking_eval() -> None:
    iso = await new_isolate()
    try:
        assert iso.eval_blocking("typeof globalThis", timeout=5).value == "object"
        stats = json.loads((await asyncio.to_thread(iso.heap_stats)).text)
        assert stats["used_heap_size"] > 0
        assert stats["total_heap_size"] >= stats["used_heap_size"]
    finally:
        await asyncio.to_thread(iso.close)


async def test_garbage_pressure_and_a_full_collection() -> None:
    """The soft limit (half the hard one at first) flags a heap worth a full GC; after one,
    it sits halfway between the live heap and the hard limit."""
    iso = await new_isolate(heap_mb=128)
    try:
        assert not iso.garbage_pressure()
        keep = "globalThis.keep = Array.from({ length: 3e6 }, (_, i) => 'k' + i); 1"  # ~90 MB live
        assert iso.eval_blocking(keep, timeout=30).value == 1
        assert iso.garbage_pressure()  # the last GC saw more than 64 MB
        assert iso.eval_blocking("delete globalThis.keep", timeout=5).value is True
        live = await asyncio.to_thread(iso.collect_garbage)
        assert 0 < live < 16 * MiB
        assert not iso.garbage_pressure()
        # A live heap above the first soft limit is not collected again at every GC.
        assert iso.eval_blocking(keep, timeout=30).value == 1
        live = await asyncio.to_thread(iso.collect_garbage)
        assert live > 64 * MiB
        iso.eval_blocking("for (let i = 0; i < 1e6; i++) ({ i }); 1", timeout=30)
        assert not iso.garbage_pressure()
    finally:
        await asyncio.to_thread(iso.close)


def _value_count(iso: Isolate) -> int:
    return int(iso._dll.mr_value_count(iso._ctx))


async def test_queued_evals_run_in_order_and_a_cancelled_queued_one_never_runs() -> None:
    iso = await new_isolate()
    try:
        busy_ticket, busy = iso.eval("const t = Date.now(); while (Date.now() - t < 100) {} 'busy'")
        skipped_ticket, skipped = iso.eval("globalThis.ran = true; 'ran'")
        _, after = iso.eval("typeof globalThis.ran")
        iso.cancel(skipped_ticket)
        assert (await skipped).kind is ResultKind.TERMINATED
        assert (await busy).value == "busy"
        assert (await after).value == "undefined"  # the cancelled eval was never posted
        iso.cancel(busy_ticket)  # answered already: a no-op
        assert (await iso.eval("1 + 1")[1]).value == 2
    finally:
        await asyncio.to_thread(iso.close)


async def test_a_pair_runs_in_order_and_answers_together() -> None:
    """call_pair: the second call runs after the first and after the microtasks the
    first left (V8's checkpoint between tasks); both futures are set in one callback,
    the first's first, and the loop is woken once, by the second's answer."""
    iso = await new_isolate()
    try:
        log = await asyncio.to_thread(iso.keep, "(function () { return (globalThis.seen ??= []).push(String(this)); })")
        leave = await asyncio.to_thread(
            iso.keep, "(function () { const name = String(this); globalThis.seen.push(name);"
                      " Promise.resolve().then(() => globalThis.seen.push('micro ' + name)); })")
        first, second = iso.call_pair(log, "first", "second")
        order: list[str] = []
        first[1].add_done_callback(lambda _: order.append("first"))
        second[1].add_done_callback(lambda _: order.append("second"))
        wakes = 0
        on_result = iso._on_result

        def counted() -> None:
            nonlocal wakes
            wakes += 1
            on_result()

        iso._loop.remove_reader(iso._result_fd)
        iso._loop.add_reader(iso._result_fd, counted)
        assert (await second[1]).value == 2 and first[1].done() and (await first[1]).value == 1
        assert order == ["first", "second"] and wakes == 1
        assert (await iso.eval("globalThis.seen.join()")[1]).value == "first,second"
        # A checkpoint runs between the two: microtasks the first call leaves run before the second.
        await iso.eval("globalThis.seen = []")[1]
        _, after = iso.call_pair(leave, "a", "b")
        await after[1]
        assert (await iso.eval("globalThis.seen.join()")[1]).value == "a,micro a,b,micro b"
    finally:
        await asyncio.to_thread(iso.close)


async def test_a_pair_behind_a_busy_call_queues_and_its_first_call_can_be_cancelled() -> None:
    iso = await new_isolate()
    try:
        spin = await asyncio.to_thread(
            iso.keep, "(function () { const t = Date.now(); while (Date.now() - t < +this) {} return 'spun'; })")
        _, busy = iso.call(spin, "50")
        (_, queued_first), (_, queued_second) = iso.call_pair(spin, "0", "0")
        assert (await busy).value == "spun"
        assert (await queued_first).value == "spun" and (await queued_second).value == "spun"
        # The first call of a pair is cancelled like any call in flight: V8 stops it, and
        # the second runs after it and answers.
        (first_ticket, first), (_, second) = iso.call_pair(spin, "60000", "0")
        asyncio.get_running_loop().call_later(0.05, iso.cancel, first_ticket)
        assert (await asyncio.wait_for(first, 5)).kind is ResultKind.TERMINATED
        assert (await asyncio.wait_for(second, 5)).kind in (ResultKind.VALUE, ResultKind.TERMINATED)
        assert (await iso.eval("6 * 7")[1]).value == 42
    finally:
        await asyncio.to_thread(iso.close)


@contextlib.asynccontextmanager
async def a_pair_behind_an_endless_microtask(source: str) -> AsyncIterator[tuple[Isolate, Any, Any, Any]]:
    """A pair of calls of the function `source` (which leaves a microtask that never ends),
    50 ms on; yields the isolate, the first call's ticket and both futures. The second
    never runs: closing the isolate answers it EngineClosed."""
    iso = await new_isolate()
    function = await asyncio.to_thread(iso.keep, source)
    try:
        (ticket, first), (_, second) = iso.call_pair(function, "", "")
        await asyncio.sleep(0.05)
        yield iso, ticket, first, second
    finally:
        await asyncio.to_thread(iso.close)
    with pytest.raises(EngineClosed):
        await asyncio.wait_for(second, 5)


async def test_cancelling_a_pairs_first_call_after_it_answered_delivers_its_answer() -> None:
    """The first call answered and left a microtask that never ends: the second waits
    behind it, and so would the first's unread answer. Cancelling the first (its
    deadline) hands over that answer at once."""
    source = "(function () { Promise.resolve().then(() => { while (true) {} }); return 'answered'; })"
    async with a_pair_behind_an_endless_microtask(source) as (iso, ticket, first, second):
        assert not first.done()
        iso.cancel(ticket)
        assert first.done() and (await first).value == "answered"
        assert not second.done()


async def test_a_cancelled_first_call_answers_while_its_microtasks_keep_v8_busy() -> None:
    """The first call is stopped at its deadline, but a microtask it queued never ends,
    so the second never runs and never wakes the loop: the first's answer still comes,
    at once, not at the next answer on the watched descriptor."""
    source = "(function () { Promise.resolve().then(() => { for (;;) {} }); for (;;) {} })"
    async with a_pair_behind_an_endless_microtask(source) as (iso, ticket, first, second):
        iso.cancel(ticket)
        assert (await asyncio.wait_for(first, 1)).kind is ResultKind.TERMINATED
        assert not second.done()


async def test_closing_answers_both_calls_of_a_pair_in_flight() -> None:
    iso = await new_isolate()
    spin = await asyncio.to_thread(iso.keep, "(function () { while (true) {} })")
    (_, first), (_, second) = iso.call_pair(spin, "", "")
    await asyncio.sleep(0.05)
    await asyncio.to_thread(iso.close)
    for future in (first, second):
        with pytest.raises(EngineClosed):
            await asyncio.wait_for(future, 5)


async def test_results_and_notifications_are_freed() -> None:
    notes: asyncio.Queue[int] = asyncio.Queue()
    iso = await new_isolate(notes)
    try:
        for _ in range(20):
            await iso.eval("({ big: 'x'.repeat(1000) })")[1]
            await iso.eval("__flowNotify(1, {}); 'rang'")[1]
            await asyncio.wait_for(notes.get(), 5)
        baseline = _value_count(iso)
        for _ in range(300):
            assert (await iso.eval("'s'.repeat(10)")[1]).value == "s" * 10
            assert (await iso.eval("({})")[1]).value is None
            assert (await iso.eval("__flowNotify(1, {}); 'rang'")[1]).value == "rang"
            await asyncio.wait_for(notes.get(), 5)
        assert _value_count(iso) <= baseline
        assert iso.notify_ack() == 1 and iso.notify_ack() == 0
    finally:
        await asyncio.to_thread(iso.close)


async def test_blocking_eval_is_for_set_up_only() -> None:
    iso = await new_isolate()
    try:
        assert (await iso.eval("1")[1]).value == 1
        with pytest.raises(RuntimeError, match="set-up"):
            iso.eval_blocking("2", timeout=5)
    finally:
        await asyncio.to_thread(iso.close)


def _thread_policies() -> dict[int, int]:
    policies = {}
    for task in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):  # the thread ended since listdir
            policies[int(task)] = os.sched_getscheduler(int(task))
    return policies


async def test_the_isolate_thread_runs_batch_and_the_creator_keeps_its_policy() -> None:
    before = _thread_policies()
    creator_policy: list[int] = []

    def create() -> Isolate:
        iso = Isolate(heap_limit_bytes=64 * MiB, loop=asyncio_loop)
        creator_policy.append(os.sched_getscheduler(0))
        return iso

    asyncio_loop = asyncio.get_running_loop()
    iso = await asyncio.to_thread(create)
    try:
        new = {tid: policy for tid, policy in _thread_policies().items() if tid not in before}
        assert os.SCHED_BATCH in new.values()
        assert creator_policy == [os.SCHED_OTHER]
        assert os.sched_getscheduler(0) == os.SCHED_OTHER
    finally:
        await asyncio.to_thread(iso.close)


async def test_an_isolate_built_in_the_background_runs_idle_until_promoted() -> None:
    """engine.enter_background (the pool's builder threads): V8's thread of an isolate made
    there runs SCHED_IDLE, so building and warming take only CPU no request wants, until
    promote() gives it a serving isolate's SCHED_BATCH."""
    assert background_supported()  # root here and in CI: the test would prove nothing otherwise
    before = _thread_policies()

    def create() -> Isolate:
        enter_background()
        return Isolate(heap_limit_bytes=64 * MiB, loop=None)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        iso = pool.submit(create).result()
        try:
            new = {tid: policy for tid, policy in _thread_policies().items() if tid not in before}
            builder = pool.submit(threading.get_native_id).result()
            isolate_threads = [tid for tid in new if tid != builder]
            assert [new[tid] for tid in isolate_threads] == [os.SCHED_IDLE], new
            assert iso.eval_blocking("6 * 7", timeout=5).value == 42  # it runs, at idle priority
            assert iso.promote() is True
            assert os.sched_getscheduler(isolate_threads[0]) == os.SCHED_BATCH
            assert iso.promote() is True  # once is enough; again changes nothing
            assert os.sched_getscheduler(builder) == os.SCHED_IDLE  # the builder stays in the background
        finally:
            iso.close()


def test_background_is_not_used_where_a_thread_could_not_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without CAP_SYS_NICE and RLIMIT_NICE, the kernel refuses SCHED_IDLE -> SCHED_BATCH:
    then runtimes are built at normal priority rather than served idle."""
    real = os.sched_setscheduler

    def refuse_leaving_idle(pid: int, policy: int, param: os.sched_param) -> None:
        if policy != os.SCHED_IDLE and os.sched_getscheduler(pid) == os.SCHED_IDLE:
            raise PermissionError(1, "Operation not permitted")
        real(pid, policy, param)

    monkeypatch.setattr(os, "sched_setscheduler", refuse_leaving_idle)
    assert background_supported() is False
    assert build_thread_setup(load_settings()) is None
    monkeypatch.setattr(os, "sched_setscheduler", real)
    assert build_thread_setup(load_settings()) is enter_background
    assert build_thread_setup(load_settings(runtime_build_idle_priority=False)) is None


async def test_closing_isolates_leaks_no_descriptors() -> None:
    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    def close_all(isolates: list[Isolate]) -> None:
        for iso in isolates:
            iso.close()

    for _ in range(2):  # executor threads and the like exist after the first round
        isolates = [await new_isolate() for _ in range(5)]
        for iso in isolates:
            assert (await iso.eval("1")[1]).value == 1
        await asyncio.to_thread(close_all, isolates)
        await asyncio.sleep(0.05)  # the loop drops its readers, then closes the fds
    before = open_fds()
    isolates = [await new_isolate() for _ in range(5)]
    assert open_fds() >= before + 10
    for iso in isolates:
        assert (await iso.eval("1")[1]).value == 1
    await asyncio.to_thread(close_all, isolates)
    await asyncio.sleep(0.05)
    assert open_fds() == before


def test_service_start_raises_the_open_files_limit() -> None:
    """Two eventfds per runtime: a large pool needs more than the usual soft limit."""
    import resource

    from flow_codeblock.service import raise_descriptor_limit

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowered = min(hard, 256) if hard != resource.RLIM_INFINITY else 256
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))
    try:
        raise_descriptor_limit()
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == (hard if hard != resource.RLIM_INFINITY else lowered)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
