"""Timeouts and memory limits end in their documented errors, and the service
answers the next execution normally (the runtime is replaced, never reused broken)."""

from __future__ import annotations

import httpx
import pytest

from conftest import CodeBlockClient, Server

FOLLOW_UP = "return { ok: true, sum: [1, 2, 3].reduce((a, b) => a + b) }"


def assert_healthy(client: CodeBlockClient, server: Server) -> None:
    assert client.ok(FOLLOW_UP) == {"ok": True, "sum": 6}
    assert httpx.get(f"{server.url}/health").status_code == 200


@pytest.mark.parametrize(
    "code",
    [
        "while (true) {}\nreturn 1",
        "for (;;) { Math.random() }\nreturn 1",
        "await null;\nwhile (true) {}\nreturn 1",
        "await new Promise(r => setTimeout(r, 1));\nwhile (true) {}\nreturn 1",
        "setTimeout(() => { while (true) {} }, 1);\nawait new Promise(() => {});\nreturn 1",
        "return new Promise(() => {})",
        "setInterval(() => {}, 1);\nawait new Promise(() => {});\nreturn 1",
        "try { while (true) {} } finally { while (true) {} }\nreturn 1",
        "Promise.resolve().then(function loop() { return Promise.resolve().then(loop) });\n"
        "await new Promise(() => {});\nreturn 1",
        "return { get x() { while (true) {} } }",
        "const re = /^(a+)+$/;\nreturn re.test('a'.repeat(40) + 'b')",
    ],
)
def test_timeouts(cb1: CodeBlockClient, single_runtime_server: Server, code: str) -> None:
    status, body = cb1.run(code, timeout=300)
    assert status == 400, body
    assert body["error"]["type"] == "TimeoutError"
    assert body["error"]["message"] == "Execution timed out after 300 ms"
    assert 290 <= body["timing"]["executionTime"] < 2000
    assert_healthy(cb1, single_runtime_server)


def test_timeout_after_settle_in_microtasks_still_recovers(cb1: CodeBlockClient, single_runtime_server: Server) -> None:
    # The result is ready, but a microtask loop keeps the runtime busy afterwards.
    status, body = cb1.run("Promise.resolve().then(() => { while (true) {} });\nreturn 'answer'", timeout=300)
    assert status in (200, 400)
    if status == 400:
        assert body["error"]["type"] == "TimeoutError"
    assert_healthy(cb1, single_runtime_server)


@pytest.mark.parametrize("code", [
    "Promise.resolve().then(() => { const a = []; for (;;) a.push(new Array(1e5).fill(1)); });\nreturn 1",
    "(async () => { await null; const a = []; for (;;) a.push(new Array(1e5).fill(1)); })();\nreturn await 1",
])
def test_heap_limit_reached_after_the_result(cb1: CodeBlockClient, single_runtime_server: Server, code: str) -> None:
    """The result is ready, then a microtask the code left fills the heap: the execution's
    limit, so MemoryLimitError, and the runtime is not handed to the next caller with
    the limit's flag still set (it would fail an asynchronous block at its first await)."""
    status, body = cb1.run(code)
    assert status == 400, body
    assert body["error"]["type"] == "MemoryLimitError", body
    assert cb1.ok("await null; return 'next'") == "next"
    assert_healthy(cb1, single_runtime_server)


@pytest.mark.parametrize(
    "code",
    [
        "const a = [];\nwhile (true) a.push(new Array(1e5).fill(Math.random()));\nreturn 1",
        "let s = 'x';\nwhile (true) s += s;\nreturn s.length",
        "await null;\nconst a = [];\nwhile (true) a.push({ n: Math.random(), s: 'y'.repeat(100) });\nreturn 1",
        "const m = new Map();\nfor (let i = 0; ; i++) m.set(i, [i, i, i]);\nreturn 1",
    ],
)
def test_heap_limit(cb1: CodeBlockClient, single_runtime_server: Server, code: str) -> None:
    status, body = cb1.run(code)
    assert status == 400, body
    error = body["error"]
    # A string that outgrows V8's maximum length is a RangeError before the heap fills.
    assert error["type"] in ("MemoryLimitError", "RangeError"), error
    if error["type"] == "MemoryLimitError":
        assert "heap limit is 128 MB" in error["message"]
    assert_healthy(cb1, single_runtime_server)


@pytest.mark.parametrize(
    "code",
    [
        "return new ArrayBuffer(1e9).byteLength",
        "return new Uint8Array(2e8).length",
        "return new Float64Array(5e7).length",
        "return new SharedArrayBuffer(1e9).byteLength",
        "const keep = [];\nfor (let i = 0; i < 100; i++) keep.push(new Uint8Array(10 * 1024 * 1024));\n"
        "return keep.length",
        "const a = new Uint8Array(100 * 1024 * 1024);\nreturn [a.slice(), a.slice()].length",
        "return new ArrayBuffer(8, { maxByteLength: 1e9 }).byteLength",
        "return new ArrayBuffer(8).transfer(1e9).byteLength",
        "return Uint8Array.from({ length: 2e8 }).length",
        # The layer's own allocations are charged too (encoding.js's allocate).
        "const s = 'x'.repeat(10 * 1024 * 1024);\nconst keep = [];\n"
        "for (let i = 0; i < 20; i++) keep.push(new TextEncoder().encode(s));\nreturn keep.length",
        "const s = 'x'.repeat(10 * 1024 * 1024);\nconst keep = [];\n"
        "for (let i = 0; i < 20; i++) keep.push(new Blob([s]));\nreturn keep.length",
        # Built-ins that allocate through the intrinsic constructors, not the proxies:
        # each of these held gigabytes in one execution before they were charged.
        "const a = new Uint8Array(40 * 1024 * 1024);\nconst keep = [];\n"
        "for (let i = 0; i < 10; i++) keep.push(a.toReversed());\nreturn keep.length",
        "const a = new Uint8Array(40 * 1024 * 1024);\nconst keep = [];\n"
        "for (let i = 0; i < 10; i++) keep.push(a.with(0, 1));\nreturn keep.length",
        "const a = new Uint8Array(40 * 1024 * 1024);\nconst keep = [];\n"
        "for (let i = 0; i < 10; i++) keep.push(a.toSorted());\nreturn keep.length",
        "const s = 'A'.repeat(40 * 1024 * 1024);\nconst keep = [];\n"
        "for (let i = 0; i < 10; i++) keep.push(Uint8Array.fromBase64(s));\nreturn keep.length",
        "const s = 'ab'.repeat(20 * 1024 * 1024);\nconst keep = [];\n"
        "for (let i = 0; i < 10; i++) keep.push(Uint8Array.fromHex(s));\nreturn keep.length",
        # A module with a 30 MB custom section 'x'; each customSections call copies it.
        "const n = 30 * 1024 * 1024;\nconst bytes = new Uint8Array(15 + n);\n"
        "bytes.set([0, 97, 115, 109, 1, 0, 0, 0, 0, 0x82, 0x80, 0x80, 0x0f, 1, 120]);  // size n + 2, name 'x'\n"
        "const m = new WebAssembly.Module(bytes);\nconst keep = [];\n"
        "for (let i = 0; i < 10; i++) keep.push(...WebAssembly.Module.customSections(m, 'x'));\nreturn keep.length",
    ],
)
def test_array_buffer_limit(cb1: CodeBlockClient, single_runtime_server: Server, code: str) -> None:
    error = cb1.error(code)
    assert error["type"] == "MemoryLimitError", error
    assert "Array buffer memory limit exceeded" in error["message"] or "heap limit" in error["message"]
    assert_healthy(cb1, single_runtime_server)


def test_array_buffers_within_the_limit_work(cb1: CodeBlockClient) -> None:
    code = """
    const a = new Uint8Array(64 * 1024 * 1024);
    a[0] = 7;
    const view = new DataView(a.buffer);
    const copy = a.subarray(0, 16);
    let total = 0;
    for (let i = 0; i < 200; i++) total += new Uint8Array(1024).length;  // small churn
    return [a.length, view.getUint8(0), copy.length, total, a instanceof Uint8Array, ArrayBuffer.isView(a)];
    """
    assert cb1.ok(code) == [64 * 1024 * 1024, 7, 16, 204800, True, True]


def test_charged_builtins_still_work_as_in_node(cb1: CodeBlockClient) -> None:
    """The built-ins wrapped to charge their allocations (memory.js) keep their results,
    names and lengths, and the budget they took is theirs to give back."""
    code = """
    const a = new Uint8Array([3, 1, 2]);
    const P = Object.getPrototypeOf(Uint8Array.prototype);
    const fns = [P.toReversed, P.toSorted, P.with, Uint8Array.fromBase64, Uint8Array.fromHex,
      WebAssembly.Module.customSections];
    let bad = null;
    try { P.toReversed.call({}) } catch (e) { bad = e.constructor.name }
    return [[...a.toReversed()], [...a.toSorted()], [...a.with(0, 9)], [...Uint8Array.fromBase64('AQID')],
      [...Uint8Array.fromHex('0a0b')], a.toReversed() instanceof Uint8Array, fns.map((f) => f.name + '/' + f.length),
      bad, [...new Float64Array([2, 1]).toSorted()]];
    """
    assert cb1.ok(code) == [[2, 1, 3], [1, 2, 3], [9, 1, 2], [1, 2, 3], [10, 11], True,
                            ["toReversed/0", "toSorted/1", "with/2", "fromBase64/1", "fromHex/1", "customSections/2"],
                            "TypeError", [1, 2]]
    # Copies within the budget, again and again (each execution has its own).
    for _ in range(3):
        assert cb1.ok("const a = new Uint8Array(50 * 1024 * 1024); return a.toReversed().length") == 50 * 1024 * 1024


def test_array_buffer_budget_is_per_execution(cb1: CodeBlockClient) -> None:
    code = "const a = new Uint8Array(100 * 1024 * 1024); return a.length"
    for _ in range(3):
        assert cb1.ok(code) == 100 * 1024 * 1024


def test_deep_recursion_is_a_range_error(cb1: CodeBlockClient, single_runtime_server: Server) -> None:
    error = cb1.error("const f = (n) => f(n + 1) + 1;\nreturn f(0);")
    assert (error["type"], error["message"]) == ("RangeError", "Maximum call stack size exceeded")
    assert_healthy(cb1, single_runtime_server)


def test_an_exhausted_buffer_budget_does_not_break_the_next_module_install(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # The next execution installs a module into the same runtime before it starts:
    # the budget the previous one used up must not apply to the module's set-up
    # (lodash allocates typed arrays when it initialises).
    from conftest import start_server

    srv = start_server(str(tmp_path_factory.mktemp("budget")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1, array_buffer_limit_mb=16)
    try:
        with srv.client() as http:
            client = CodeBlockClient(http)
            error = client.error("const keep = [];\nfor (;;) keep.push(new Uint8Array(1024 * 1024));\nreturn 1")
            assert error["type"] == "MemoryLimitError"
            assert client.ok("const _ = require('lodash'); return _.sum([1, 2, 3])") == 6
    finally:
        srv.stop()


async def test_an_earlier_executions_garbage_is_not_charged_to_the_next() -> None:
    """The heap limit counts what the last GC left, garbage included: each of these
    executions fits alone, and the one after it must too on the same runtime (the reset
    runs a full GC when the heap is over the soft limit)."""
    import base64

    from flow_codeblock.config import load_settings
    from flow_codeblock.executor import ExecutionRequest, Executor
    from flow_codeblock.policy import PoolPolicy
    from flow_codeblock.service import execution_limits
    from flow_codeblock.testing import runtime_factory, runtime_pool

    settings = load_settings(runtime_memory_limit_mb=128, execution_timeout_ms=30_000)
    code = "const a = []; for (let i = 0; i < 1e6; i++) a.push('z'.repeat(20) + i); return a.length"  # ~60 MB
    answers = []
    policy = PoolPolicy(min_size=1, max_size=1, idle_timeout_s=300.0)
    async with runtime_pool(runtime_factory(settings), policy, initial=1) as pool:
        executor = Executor(execution_limits(settings), pool)
        for n in range(6):
            result = await executor.execute(ExecutionRequest(code_base64=base64.b64encode(code.encode()).decode(),
                                                             input={"n": n}))
            if result.after is not None:
                await result.after()
            answers.append(result.error.type.value if result.error else result.result_json)
        assert pool.stats().rebuilt_total == 0  # one runtime served them all: none was retired
    assert answers == ["1000000"] * 6


@pytest.mark.parametrize(
    "code",
    [
        # A producer that ignores push()'s false: buffers pile up in the readable's queue.
        "const { Readable } = require('stream');\nconst r = new Readable({ read() {} });\n"
        "for (;;) r.push(Buffer.alloc(1024 * 1024, 1));\nreturn 1",
        # A web stream that enqueues without bound, past its highWaterMark.
        "const rs = new ReadableStream({ start(c) { for (;;) c.enqueue(new Uint8Array(1024 * 1024)); } });\nreturn 1",
        # The same with asynchronous chunks: nothing reads them.
        "const { PassThrough } = require('stream');\nconst p = new PassThrough();\n"
        "for (let i = 0; ; i++) { p.write(Buffer.alloc(1024 * 1024)); if (i % 16 === 0) await null; }\nreturn 1",
        # Strings on the heap rather than ArrayBuffers.
        "const ts = new TransformStream();\nconst w = ts.writable.getWriter();\n"
        "for (let i = 0; ; i++) w.write(`${i}`.padEnd(1e5, 'x'));\nreturn 1",
    ],
)
def test_unbounded_streams_hit_the_memory_limits(
    cb1: CodeBlockClient, single_runtime_server: Server, code: str
) -> None:
    error = cb1.error(code)
    assert error["type"] == "MemoryLimitError", error
    assert "Array buffer memory limit exceeded" in error["message"] or "heap limit is 128 MB" in error["message"], error
    assert_healthy(cb1, single_runtime_server)
    # The runtime that hit the limit still streams.
    follow = ("const { Readable } = require('stream'); const out = [];\n"
              "for await (const c of Readable.from(['x', 'y'])) out.push(c); return out")
    assert cb1.ok(follow) == ["x", "y"]


def test_backpressure_keeps_a_large_stream_within_the_limits(cb1: CodeBlockClient) -> None:
    # 512 MB through a pipeline under a 128 MB heap: the producer waits for 'drain'.
    code = ("const { Readable, Writable, pipeline } = require('stream');\n"
            "let made = 0; let seen = 0; const chunk = 1024 * 1024;\n"
            "const r = new Readable({ read() { made += chunk;"
            " this.push(made > 512 * chunk ? null : Buffer.alloc(chunk)); } });\n"
            "const w = new Writable({ write(c, e, cb) { seen += c.length; setImmediate(cb); } });\n"
            "await require('stream/promises').pipeline(r, w);\nreturn seen / chunk")
    assert cb1.ok(code, timeout=20_000) == 512
