"""The Python API (sandbox.py): async and sync runs, typed results and errors, limits,
isolation, threads, fork, several instances, interpreter exit."""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from flow_codeblock import (
    CodeBlockError,
    CodeReferenceError,
    CodeRuntimeError,
    CodeSyntaxError,
    CodeTimeoutError,
    CodeTypeError,
    ConfigError,
    ErrorType,
    LogEntry,
    MemoryLimitError,
    Result,
    Sandbox,
    SandboxError,
    SecurityError,
    Settings,
    SyncSandbox,
    ValidationError,
)
from flow_codeblock.engine import engine_start
from flow_codeblock.service import v8_flags

SMALL = {"runtime_pool_size": 2, "min_runtime_pool_size": 1, "max_runtime_pool_size": 4,
         "execution_timeout_ms": 3000, "runtime_memory_limit_mb": 64}


@pytest_asyncio.fixture(scope="module")
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(**SMALL) as sb:
        yield sb


@pytest.fixture(scope="module")
def sync_sandbox() -> Iterator[SyncSandbox]:
    with Sandbox(**SMALL) as sb:
        yield sb


# -- results ------------------------------------------------------------------------------

async def test_run_returns_value_logs_and_timing(sandbox: Sandbox) -> None:
    result = await sandbox.run("console.log('n =', input.n);\nreturn { doubled: input.n * 2, big: 2n ** 70n }",
                               input={"n": 21})
    assert isinstance(result, Result)
    assert result.value == {"doubled": 42, "big": str(2**70)}
    assert result.value_json == '{"doubled":42,"big":"' + str(2**70) + '"}'
    assert result.logs == (LogEntry("log", "n = 21"),)
    assert 0 < result.timing.execution_ms <= result.timing.total_ms
    assert len(result.execution_id) == 36


async def test_code_is_plain_text_not_base64(sandbox: Sandbox) -> None:
    # "cmV0dXJuIDE7" is base64 of "return 1;": as text it is an undefined name.
    with pytest.raises(CodeBlockError):
        await sandbox.run("cmV0dXJuIDE7")
    assert (await sandbox.run("return 'ünïcödé ' + input.s", input={"s": "✓"})).value == "ünïcödé ✓"


async def test_await_modules_and_no_input(sandbox: Sandbox) -> None:
    code = "const _ = require('lodash');\nawait new Promise(r => setTimeout(r, 5));\nreturn _.chunk([1, 2, 3], 2)"
    assert (await sandbox.run(code)).value == [[1, 2], [3]]


# -- errors -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "kind", "line", "column"),
    [
        ("const a = 1;\nreturn a.b.c;", CodeTypeError, 2, 12),
        ("const a = 1;\n\nreturn missing + a;", CodeReferenceError, 3, 1),
        ("const a = 1;\nreturn a +* 2;", CodeSyntaxError, 2, 11),
        ("class MyError extends Error {}\nthrow new MyError('custom');\nreturn 1", CodeRuntimeError, 2, 7),
    ],
)
async def test_errors_are_typed_with_line_and_column(sandbox: Sandbox, code: str, kind: type[CodeBlockError],
                                                     line: int, column: int) -> None:
    with pytest.raises(kind) as raised:
        await sandbox.run(code)
    error = raised.value
    assert isinstance(error, CodeBlockError) and error.type is kind.error_type
    assert (error.line, error.column) == (line, column), repr(error)
    assert f"line {line}, column {column}" in str(error)


async def test_a_custom_error_keeps_its_name_and_code(sandbox: Sandbox) -> None:
    code = ("class MyError extends Error {}\nconst e = new MyError('boom'); e.code = 'E_BOOM'; e.name = 'MyError';\n"
            "throw e;\nreturn 1")
    with pytest.raises(CodeRuntimeError) as raised:
        await sandbox.run(code)
    assert (raised.value.name, raised.value.code, raised.value.message) == ("MyError", "E_BOOM", "boom")
    assert raised.value.stack is not None and "MyError: boom" in raised.value.stack


async def test_validation_and_security_errors(sandbox: Sandbox) -> None:
    with pytest.raises(ValidationError, match="no return statement"):
        await sandbox.run("const x = 1;")
    with pytest.raises(ValidationError, match="input must be a JSON object"):
        await sandbox.run("return 1", input=[1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="timeout_ms"):
        await sandbox.run("return 1", timeout_ms=0)
    with pytest.raises(SecurityError):
        await sandbox.run("return eval('1 + 1')")
    with pytest.raises(SecurityError, match="fs"):
        await sandbox.run("require('fs'); return 1")


async def test_the_network_policy_applies(sandbox: Sandbox) -> None:
    with pytest.raises(SecurityError, match="loopback"):
        await sandbox.run("await fetch('http://127.0.0.1:8080/'); return 1")


def test_an_error_is_the_subclass_of_its_type_and_pickles() -> None:
    error = CodeBlockError(ErrorType.TIMEOUT, "Execution timed out after 5 ms", line=3, column=1)
    assert type(error) is CodeTimeoutError
    copy = pickle.loads(pickle.dumps(error))  # Celery sends a task's exception to the caller
    assert type(copy) is CodeTimeoutError and copy.to_dict() == error.to_dict()
    assert error.to_dict() == {"type": "TimeoutError", "message": "Execution timed out after 5 ms", "line": 3,
                               "column": 1}
    assert type(CodeBlockError.from_js({"type": "RangeError", "message": "x"})).__name__ == "CodeRangeError"
    assert type(CodeBlockError.from_js({"type": "NoSuchType", "message": "x"})) is CodeRuntimeError


# -- limits ---------------------------------------------------------------------------------

async def test_timeout(sandbox: Sandbox) -> None:
    started = time.perf_counter()
    with pytest.raises(CodeTimeoutError, match="100 ms"):
        await sandbox.run("await null;\nwhile (true) {}\nreturn 1", timeout_ms=100)
    assert time.perf_counter() - started < 2
    # The timeout can only lower EXECUTION_TIMEOUT_MS (3000 here).
    with pytest.raises(CodeTimeoutError, match="3,000 ms"):
        await sandbox.run("while (true) {}\nreturn 1", timeout_ms=60_000)


async def test_memory_limits(sandbox: Sandbox) -> None:
    with pytest.raises(MemoryLimitError):
        await sandbox.run("const a = []; while (true) a.push('x'.repeat(1024) + a.length); return 1")
    with pytest.raises(MemoryLimitError):
        await sandbox.run("return new ArrayBuffer(200 * 1024 * 1024).byteLength")
    assert (await sandbox.run("return 'still serving'")).value == "still serving"


async def test_a_global_set_in_one_run_is_absent_in_the_next() -> None:
    # One runtime, so that the second run meets the runtime the first one used.
    async with Sandbox(runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1) as sb:
        first = await sb.run("globalThis.leak = 'secret'; var implicit = 1; Array.prototype.evil = 1;\n"
                             "return [typeof leak, typeof implicit, [].evil]")
        second = await sb.run("return [typeof leak, typeof implicit, [].evil === undefined]")
    assert first.value == ["string", "number", None]  # the prototype is frozen: no effect
    assert second.value == ["undefined", "undefined", True]


# -- settings and lifecycle -------------------------------------------------------------------

def test_settings_come_from_keywords_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXECUTION_TIMEOUT_MS", "10")
    assert Sandbox().settings.execution_timeout_ms == 5000
    assert Sandbox(execution_timeout_ms=1234).settings.execution_timeout_ms == 1234
    assert Sandbox(Settings(execution_timeout_ms=4321)).settings.execution_timeout_ms == 4321
    assert Sandbox(Settings.from_env()).settings.execution_timeout_ms == 10  # when asked for


def test_bad_settings_are_refused_clearly() -> None:
    with pytest.raises(ConfigError, match="EXECUTION_TIMOUT_MS"):
        Sandbox(execution_timout_ms=100)
    with pytest.raises(ConfigError, match="EXECUTION_TIMEOUT_MS"):
        Sandbox(execution_timeout_ms=-1)
    with pytest.raises(TypeError, match="not both"):
        Sandbox(Settings(), execution_timeout_ms=100)


async def test_a_sandbox_must_be_started_and_is_closed_for_good() -> None:
    sb = Sandbox(**SMALL)
    with pytest.raises(SandboxError, match="not started"):
        await sb.run("return 1")
    async with sb:
        assert (await sb.run("return 1")).value == 1
    with pytest.raises(SandboxError, match="closed"):
        await sb.run("return 1")


async def test_several_sandboxes_in_one_process() -> None:
    async with Sandbox(**SMALL) as one, Sandbox(**{**SMALL, "execution_timeout_ms": 200}) as two:
        assert (await one.run("return 1")).value == 1
        assert (await two.run("return 2")).value == 2
        with pytest.raises(CodeTimeoutError, match="200 ms"):
            await two.run("while (true) {}\nreturn 1")
        assert (await one.run("return 3")).value == 3


def test_other_v8_flags_are_refused(sync_sandbox: SyncSandbox) -> None:
    start = engine_start()
    assert start is not None and start.flags == tuple(v8_flags(sync_sandbox.sandbox.settings))
    with pytest.raises(SandboxError, match="WASM_MEMORY_LIMIT_MB"):
        Sandbox(wasm_memory_limit_mb=32)


# -- the synchronous facade ---------------------------------------------------------------

def test_sync_run(sync_sandbox: SyncSandbox) -> None:
    assert sync_sandbox.run("return input.a + input.b", input={"a": 1, "b": 2}).value == 3
    with pytest.raises(CodeTypeError) as raised:
        sync_sandbox.run("\nnull.x;\nreturn 1")
    assert raised.value.line == 2


def test_sync_run_from_many_threads(sync_sandbox: SyncSandbox) -> None:
    results: dict[int, object] = {}
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(25):
                value = sync_sandbox.run("await null; return input.n * 1000 + input.i", input={"n": n, "i": i}).value
                results[n * 1000 + i] = value
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert results == {key: key for key in results} and len(results) == 8 * 25


def test_sync_close_is_final() -> None:
    with Sandbox(**SMALL) as sb:
        assert sb.run("return 1").value == 1
    with pytest.raises(SandboxError, match="closed"):
        sb.run("return 1")
    sb.close()  # idempotent


def test_use_after_fork_is_refused(sync_sandbox: SyncSandbox) -> None:
    assert sync_sandbox.run("return 1").value == 1
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        status = 10
        try:
            sync_sandbox.run("return 1")
        except SandboxError as exc:
            status = 0 if "fork" in str(exc) else 11
        except BaseException:
            status = 12
        if status == 0:
            try:
                Sandbox(**SMALL)
                status = 20
            except SandboxError as exc:
                status = 0 if "forked" in str(exc) else 21
            except BaseException:
                status = 22
        os._exit(status)
    deadline = time.monotonic() + 30
    while (waited := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    if waited[0] == 0:  # a child stuck on a lock some thread held at fork(): fail, not hang
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child did not finish")
    assert os.waitstatus_to_exitcode(waited[1]) == 0
    assert sync_sandbox.run("return 2").value == 2  # the parent's sandbox is untouched


def test_v8_from_a_thread_and_no_hang_at_exit(tmp_path: pytest.TempPathFactory) -> None:
    # A fresh process: V8 first initialised from a worker thread that then ends, a
    # Sandbox left open at exit.
    script = textwrap.dedent("""
        import logging, threading
        from flow_codeblock import Sandbox
        logging.basicConfig(level=logging.WARNING)
        logging.getLogger("flow_codeblock.sandbox").setLevel(logging.INFO)

        out = []
        def first():
            with Sandbox(runtime_pool_size=1, min_runtime_pool_size=1) as sb:
                out.append(sb.run("return 1").value)
        thread = threading.Thread(target=first)
        thread.start()
        thread.join()
        left_open = Sandbox(runtime_pool_size=2, min_runtime_pool_size=1).start_sync()
        out.append(left_open.run("return input.x", input={"x": 2}).value)
        print(out, flush=True)
    """)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[1, 2]"
    assert "could not close" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("closed a Sandbox left open at interpreter exit") == 1, proc.stderr
    assert time.monotonic() - started < 30


def test_an_async_sandbox_refuses_another_event_loop(sync_sandbox: SyncSandbox) -> None:
    # The sync facade's Sandbox runs on its own loop; asyncio.run makes another one.
    with pytest.raises(SandboxError, match="another event loop"):
        asyncio.run(sync_sandbox.sandbox.run("return 1"))
    assert sync_sandbox.run("return 1").value == 1


def test_runs_racing_a_close_end_and_never_hang() -> None:
    sb = Sandbox(**SMALL).start_sync()
    outcomes: list[str] = []

    def runner() -> None:
        for _ in range(200):
            try:
                sb.run("await null; return 1")
                outcomes.append("ok")
            except (SandboxError, CodeBlockError) as exc:
                outcomes.append(type(exc).__name__)
                return

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    sb.close()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert "ok" in outcomes and set(outcomes) <= {"ok", "SandboxError", "ServiceUnavailableError",
                                                 "ConcurrencyError"}


async def test_messages_language_translates_the_sandboxs_own_messages() -> None:
    async with Sandbox(**SMALL, messages_language="zh-CN") as sb:
        with pytest.raises(CodeBlockError) as refused:
            await sb.run("return 1", timeout_ms=0)
        assert refused.value.type.value == "ValidationError"
        assert refused.value.message == "timeout_ms 必须是正数（毫秒）"  # noqa: RUF001 - Chinese punctuation
        with pytest.raises(CodeBlockError) as timed_out:
            await sb.run("while (true) {}\nreturn 1", timeout_ms=100)
        assert (timed_out.value.type.value, timed_out.value.message) == ("TimeoutError", "代码执行超时 (100 毫秒)")
        with pytest.raises(CodeBlockError) as thrown:
            await sb.run("return null.x;")
        assert thrown.value.message == "Cannot read properties of null (reading 'x')"  # V8's, untouched
