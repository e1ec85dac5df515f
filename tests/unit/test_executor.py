"""The executor (executor.py) alone: validation, timeouts, and what happens to the
runtime after an execution, with a fake pool and runtime (no V8)."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.errors import CodeBlockError, ErrorType, ExecutionFailure, RetireReason
from flow_codeblock.executor import ExecutionLimits, ExecutionRequest, Executor
from flow_codeblock.runtime import Outcome

LIMITS = ExecutionLimits(max_code_length=200, max_input_size=100, execution_timeout_ms=3000,
                         acquire_timeout_ms=500, reset_timeout_ms=250, console="true")


@dataclass
class FakeRuntime:
    outcome: Outcome = field(default_factory=lambda: Outcome(ok=True, result_json="42"))
    reset_reason: RetireReason | None = None
    raises: BaseException | None = None
    id: int = 1
    calls: list[tuple[CodeBlock, str, int]] = field(default_factory=list)
    reset_timeouts: list[float] = field(default_factory=list)

    async def execute(self, block: CodeBlock, input_json: str, deadline: float, timeout_ms: int,
                      host: Any = None) -> Outcome:
        self.calls.append((block, input_json, timeout_ms))
        if self.raises is not None:
            raise self.raises
        return self.outcome

    async def reset(self, timeout_s: float) -> RetireReason | None:
        self.reset_timeouts.append(timeout_s)
        return self.reset_reason


@dataclass
class FakePool:
    runtime: FakeRuntime = field(default_factory=FakeRuntime)
    refusal: ExecutionFailure | None = None
    acquired: list[float] = field(default_factory=list)
    released: list[FakeRuntime] = field(default_factory=list)
    retired: list[tuple[FakeRuntime, RetireReason]] = field(default_factory=list)
    modules: list[tuple[str, ...]] = field(default_factory=list)

    async def acquire(self, timeout: float, modules: tuple[str, ...] = ()) -> FakeRuntime:
        self.acquired.append(timeout)
        self.modules.append(modules)
        if self.refusal is not None:
            raise self.refusal
        return self.runtime

    def release(self, runtime: FakeRuntime) -> None:
        self.released.append(runtime)

    def retire(self, runtime: FakeRuntime, reason: RetireReason, *, quiet: bool = False) -> None:
        self.retired.append((runtime, reason))


def executor(pool: FakePool, limits: ExecutionLimits = LIMITS) -> Executor:
    return Executor(limits, pool)  # type: ignore[arg-type]


def b64(code: str) -> str:
    return base64.b64encode(code.encode()).decode()


async def run(pool: FakePool, code: str, payload: Any = None, timeout_ms: int | None = None,
              limits: ExecutionLimits = LIMITS) -> Any:
    request = ExecutionRequest(code_base64=b64(code), input={} if payload is None else payload, timeout_ms=timeout_ms)
    return await executor(pool, limits).execute(request)


async def test_success_hands_the_block_and_input_to_a_runtime() -> None:
    pool = FakePool()
    result = await run(pool, "return input.a", {"a": 1})
    assert result.ok and result.result_json == "42" and result.error is None
    ((block, input_json, timeout_ms),) = pool.runtime.calls
    assert block.code == "return input.a" and input_json == '{"a":1}' and timeout_ms == 3000
    assert pool.acquired == [0.5]
    assert pool.modules == [()]


async def test_the_pool_is_asked_for_a_runtime_with_the_blocks_modules() -> None:
    pool = FakePool()
    await run(pool, "const _ = require('lodash/get'); const d = require('node:dayjs'); return new URL('http://a/')")
    assert sorted(pool.modules[0]) == ["dayjs", "lodash", "url"]


async def test_the_module_load_time_of_the_outcome_reaches_the_result() -> None:
    pool = FakePool(FakeRuntime(Outcome(ok=True, result_json="1", execution_ms=2.0, module_load_ms=31.5)))
    result = await run(pool, "return 1")
    assert (result.execution_ms, result.module_load_ms) == (2.0, 31.5)
    assert (await run(FakePool(), "return 1")).module_load_ms is None


@pytest.mark.parametrize(
    ("code_base64", "payload", "fragment"),
    [
        ("not base64!", {}, "not valid base64"),
        (base64.b64encode(b"\xff\xfe").decode(), {}, "not valid UTF-8"),
        (b64("   \n"), {}, "the code is empty"),
        (b64("return 1;" + " " * 300), {}, "over the limit of 200"),
        (b64("const a = 1"), {}, "no return statement"),
        (b64("return 1"), [1, 2], "input must be a JSON object"),
        (b64("return 1"), {"big": "x" * 200}, "over the limit of 100"),
    ],
)
async def test_invalid_requests_never_reach_a_runtime(code_base64: str, payload: Any, fragment: str) -> None:
    pool = FakePool()
    result = await executor(pool).execute(ExecutionRequest(code_base64=code_base64, input=payload))
    assert not result.ok and result.error is not None
    assert result.error.type is ErrorType.VALIDATION and fragment in result.error.message
    assert pool.acquired == [] and result.after is None


async def test_console_reject_refuses_code_that_names_console() -> None:
    pool = FakePool()
    limits = dataclasses.replace(LIMITS, console="reject")
    result = await run(pool, "const x = 1;\nconsole.log(x); return x", limits=limits)
    assert result.error is not None and result.error.type is ErrorType.CONSOLE_DISABLED
    assert (result.error.line, result.error.column) == (2, 1)
    assert pool.acquired == []


@pytest.mark.parametrize(("console", "logs"), [("true", [{"level": "log", "message": "hi"}]), ("false", None)])
async def test_logs_are_returned_only_when_console_is_on(console: str, logs: Any) -> None:
    pool = FakePool(FakeRuntime(Outcome(ok=True, result_json="1", logs=[{"level": "log", "message": "hi"}])))
    result = await run(pool, "return 1", limits=dataclasses.replace(LIMITS, console=console))
    assert result.logs == logs


@pytest.mark.parametrize(("requested", "used"), [(None, 3000), (100, 100), (60_000, 3000)])
async def test_timeout_is_capped_by_the_limit(requested: int | None, used: int) -> None:
    pool = FakePool()
    await run(pool, "return 1", timeout_ms=requested)
    assert pool.runtime.calls[0][2] == used


async def test_a_saturated_pool_answers_with_its_failure() -> None:
    refusal = ExecutionFailure.of(ErrorType.CONCURRENCY, "Service saturated: busy", retry_after=1.0)
    pool = FakePool(refusal=refusal)
    result = await run(pool, "return 1")
    assert result.error is refusal.error and result.retry_after == 1.0


async def test_a_clean_runtime_goes_back_to_the_pool_after_its_reset() -> None:
    pool = FakePool()
    result = await run(pool, "return 1")
    assert pool.released == [] and result.after is not None  # nothing happens before the response
    await result.after()
    assert pool.runtime.reset_timeouts == [0.25]
    assert pool.released == [pool.runtime] and pool.retired == []


async def test_a_dirty_reset_retires_the_runtime_with_its_reason() -> None:
    pool = FakePool(FakeRuntime(reset_reason=RetireReason.DIRTY_GLOBAL))
    result = await run(pool, "return 1")
    await result.after()
    assert pool.retired == [(pool.runtime, RetireReason.DIRTY_GLOBAL)] and pool.released == []


async def test_an_outcome_that_retires_skips_the_reset() -> None:
    error = CodeBlockError(ErrorType.TIMEOUT, "Execution timed out after 3000 ms")
    pool = FakePool(FakeRuntime(Outcome(ok=False, error=error, retire_reason=RetireReason.TIMEOUT)))
    result = await run(pool, "while (true) {} return 1")
    assert result.error is error
    await result.after()
    assert pool.runtime.reset_timeouts == []
    assert pool.retired == [(pool.runtime, RetireReason.TIMEOUT)]


async def test_a_failure_in_the_host_retires_the_runtime() -> None:
    pool = FakePool(FakeRuntime(raises=asyncio.CancelledError()))
    with pytest.raises(asyncio.CancelledError):
        await run(pool, "return 1")
    assert pool.retired == [(pool.runtime, RetireReason.EXECUTOR_ERROR)]


async def test_stats_count_by_error_type() -> None:
    pool = FakePool()
    ex = executor(pool)
    await ex.execute(ExecutionRequest(code_base64=b64("return 1"), input={}))
    await ex.execute(ExecutionRequest(code_base64="!", input={}))
    assert (ex.stats.total, ex.stats.succeeded, ex.stats.failed) == (2, 1, 1)
    assert ex.stats.by_error_type == {"ValidationError": 1}


async def test_a_repeated_code_block_is_compiled_once() -> None:
    pool = FakePool()
    ex = executor(pool)
    for _ in range(2):
        await ex.execute(ExecutionRequest(code_base64=b64("return 1"), input={}))
    first, second = (call[0] for call in pool.runtime.calls)
    assert first is second


async def test_code_as_text_is_checked_and_run_like_base64() -> None:
    pool = FakePool()
    ex = executor(pool)
    result = await ex.execute(ExecutionRequest(None, {"a": 1}, code="return input.a"))
    assert result.ok and pool.runtime.calls[0][0].code == "return input.a"
    for code, fragment in [("   ", "the code is empty"), ("return 1;" + " " * 300, "over the limit of 200"),
                           ("const a = 1", "no return statement")]:
        refused = await ex.execute(ExecutionRequest(None, {}, code=code))
        assert refused.error is not None and fragment in refused.error.message


async def test_text_and_base64_of_the_same_characters_are_cached_apart() -> None:
    # "cmV0dXJuIDE7" is base64 of "return 1;" and, as text, an identifier without a return.
    pool = FakePool()
    ex = executor(pool)
    assert (await ex.execute(ExecutionRequest("cmV0dXJuIDE7", {}))).ok
    as_text = await ex.execute(ExecutionRequest(None, {}, code="cmV0dXJuIDE7"))
    assert as_text.error is not None and "no return statement" in as_text.error.message


def test_a_request_has_base64_or_text_exactly() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        ExecutionRequest(None, {})
    with pytest.raises(ValueError, match="exactly one"):
        ExecutionRequest(b64("return 1"), {}, code="return 1")
