"""runtime.py: outcome_of, the one mapping from what the engine answered to an
execution's Outcome, with constructed answers (no V8); then the execution protocol
with a real runtime from flow_codeblock.testing."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator

import pytest

from flow_codeblock.bridge import Escaped, Payload, PayloadTag
from flow_codeblock.codeblock import CodeBlock, escape_error, stray_brace_error, syntax_error
from flow_codeblock.engine import JSResult, ResultKind
from flow_codeblock.errors import CodeBlockError, ErrorType, RetireReason
from flow_codeblock.runtime import Attempt, Outcome, Runtime, outcome_of
from flow_codeblock.testing import runtime_factory

NONCE = "5f" * 16
MiB = 1024 * 1024
LOGS = [{"level": "log", "message": "hi"}]


def block(code: str, *, is_async: bool = False, stray_brace: tuple[int, int] | None = None) -> CodeBlock:
    key = hashlib.sha256(f"{is_async}:{code}".encode()).hexdigest()
    return CodeBlock.wrap(code, key, is_async=is_async, stray_brace=stray_brace)


def attempt(code: str = "return 1", *, stray_brace: tuple[int, int] | None = None, timeout_ms: int = 1500,
            heap_limit_bytes: int = 64 * MiB) -> Attempt:
    return Attempt(block(code, stray_brace=stray_brace), NONCE, timeout_ms, heap_limit_bytes)


def v8_syntax_error(script_line: int, message: str, source: str, caret_column: int) -> str:
    """V8's compile error text for a definition script (as in test_codeblock.py)."""
    return f"<anonymous>:{script_line}: SyntaxError: {message}\n{source}\n{' ' * (caret_column - 1)}^\n"


# -- outcome_of: payloads ---------------------------------------------------------------


def test_a_result_payload_is_a_success_with_its_json_and_logs() -> None:
    outcome = outcome_of(Payload(PayloadTag.RESULT, LOGS, '{"a":1}'), attempt(), memory_hit=False)
    assert outcome == Outcome(ok=True, result_json='{"a":1}', logs=LOGS)


@pytest.mark.parametrize("tag", [PayloadTag.ERROR, PayloadTag.UNDEFINED_BLOCK])
def test_an_error_payload_is_the_js_error_record_and_keeps_the_runtime(tag: PayloadTag) -> None:
    record = '{"type":"TypeError","message":"bad","line":2,"column":7,"name":"TypeError","stack":"TypeError: bad"}'
    outcome = outcome_of(Payload(tag, LOGS, record), attempt(), memory_hit=False)
    assert not outcome.ok and outcome.logs == LOGS and outcome.retire_reason is None
    assert outcome.error == CodeBlockError(ErrorType.TYPE, "bad", line=2, column=7, stack="TypeError: bad",
                                           name="TypeError")


def test_an_error_payload_of_an_unknown_type_is_a_runtime_error() -> None:
    record = '{"type":"MyError","message":"no","code":"E_MINE"}'
    outcome = outcome_of(Payload(PayloadTag.ERROR, [], record), attempt(), memory_hit=True)
    assert outcome.error == CodeBlockError(ErrorType.RUNTIME, "no", code="E_MINE")
    assert outcome.retire_reason is None  # a payload is a finished execution, whatever the heap did


# -- outcome_of: code that ran outside its function -------------------------------------------


def test_an_escape_is_a_syntax_error_at_the_stray_brace_and_retires_the_runtime() -> None:
    escaped = attempt("}; globalThis.x = 1; {", stray_brace=(1, 1))
    outcome = outcome_of(Escaped(), escaped, memory_hit=False)
    assert not outcome.ok and outcome.retire_reason is RetireReason.ESCAPED
    assert outcome.error == stray_brace_error(escaped.block)
    assert outcome.error is not None and (outcome.error.line, outcome.error.column) == (1, 1)


def test_an_escape_the_parse_did_not_locate_is_the_generic_syntax_error() -> None:
    outcome = outcome_of(Escaped(), attempt(), memory_hit=False)
    assert outcome.error == escape_error() and outcome.retire_reason is RetireReason.ESCAPED
    assert outcome.error.type is ErrorType.SYNTAX and outcome.error.line is None


# -- outcome_of: the definition script ----------------------------------------------------------


def test_a_parse_error_while_defining_is_the_users_syntax_error_and_keeps_the_runtime() -> None:
    compile_error = v8_syntax_error(3, "Unexpected token ')'", "return (1))", 11)
    answer = JSResult(ResultKind.PARSE_ERROR, compile_error)
    defined = attempt("const a = 1;\nreturn (1))")
    outcome = outcome_of(answer, defined, memory_hit=False, defining=True)
    assert outcome.error == syntax_error(compile_error, defined.block, NONCE)
    assert outcome.error.type is ErrorType.SYNTAX and outcome.error.line == 2
    assert outcome.retire_reason is None


def test_an_exception_while_defining_means_code_ran_outside_its_function() -> None:
    answer = JSResult(ResultKind.EXCEPTION, "<anonymous>:2: Error: boom")
    defined = attempt()
    outcome = outcome_of(answer, defined, memory_hit=False, defining=True)
    assert outcome.error == syntax_error(answer.text, defined.block, NONCE)
    assert outcome.retire_reason is RetireReason.ESCAPED


@pytest.mark.parametrize(("kind", "reason"), [
    (ResultKind.PARSE_ERROR, RetireReason.ENGINE_PARSE_ERROR),
    (ResultKind.EXCEPTION, RetireReason.ENGINE_EXCEPTION),
    (ResultKind.ENGINE_ERROR, RetireReason.ENGINE_ERROR),
])
def test_an_engine_failure_outside_the_definition_is_internal_and_retires(kind: ResultKind,
                                                                           reason: RetireReason) -> None:
    outcome = outcome_of(JSResult(kind, "detail"), attempt(), memory_hit=False)
    assert outcome.error == CodeBlockError(ErrorType.INTERNAL, "The runtime failed unexpectedly; please retry")
    assert not outcome.ok and outcome.retire_reason is reason


def test_an_engine_error_while_defining_is_internal_too() -> None:
    outcome = outcome_of(JSResult(ResultKind.ENGINE_ERROR, "closed"), attempt(), memory_hit=False, defining=True)
    assert outcome.error is not None and outcome.error.type is ErrorType.INTERNAL
    assert outcome.retire_reason is RetireReason.ENGINE_ERROR


# -- outcome_of: limits ---------------------------------------------------------------------------


@pytest.mark.parametrize("defining", [False, True])
def test_out_of_memory_names_the_heap_limit_and_retires(defining: bool) -> None:
    outcome = outcome_of(JSResult(ResultKind.OUT_OF_MEMORY, ""), attempt(heap_limit_bytes=48 * MiB),
                         memory_hit=False, defining=defining)
    assert outcome.error == CodeBlockError(ErrorType.MEMORY_LIMIT,
                                           "Execution ran out of memory: the heap limit is 48 MB")
    assert outcome.retire_reason is RetireReason.MEMORY


def test_a_termination_after_the_heap_limit_was_hit_is_out_of_memory() -> None:
    outcome = outcome_of(JSResult(ResultKind.TERMINATED, ""), attempt(heap_limit_bytes=128 * MiB), memory_hit=True)
    assert outcome.error is not None and outcome.error.type is ErrorType.MEMORY_LIMIT
    assert "128 MB" in outcome.error.message and outcome.retire_reason is RetireReason.MEMORY


def test_a_termination_is_a_timeout_that_names_the_limit_and_retires() -> None:
    outcome = outcome_of(JSResult(ResultKind.TERMINATED, "deadline passed while pending"), attempt(timeout_ms=750),
                         memory_hit=False)
    assert outcome.error == CodeBlockError(ErrorType.TIMEOUT, "Execution timed out after 750 ms")
    assert not outcome.ok and outcome.retire_reason is RetireReason.TIMEOUT


# -- the protocol, with a real runtime -----------------------------------------------------------


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with runtime_factory().runtime() as created:
        yield created


async def execute(runtime: Runtime, code: str, input_json: str = "{}", *, is_async: bool = False,
                  timeout_s: float = 5.0) -> Outcome:
    deadline = asyncio.get_running_loop().time() + timeout_s
    return await runtime.execute(block(code, is_async=is_async), input_json, deadline, int(timeout_s * 1000))


async def test_a_synchronous_result_and_a_clean_reset(runtime: Runtime) -> None:
    outcome = await execute(runtime, "console.log('n is', input.n); return { twice: input.n * 2 }", '{"n": 21}')
    assert outcome.ok and outcome.result_json == '{"twice":42}' and outcome.retire_reason is None
    assert [entry["message"] for entry in outcome.logs] == ["n is 21"]
    assert await runtime.reset(1.0) is None
    assert runtime.execution_count == 1 and runtime.error_count == 0


async def test_a_runtime_whose_isolate_reached_its_heap_limit_is_never_reset_for_reuse(
        runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The isolate's flag never clears: whatever the reset would find, the runtime goes."""
    assert (await execute(runtime, "return 1")).ok
    monkeypatch.setattr(runtime._isolate, "memory_limit_reached", lambda: True)
    assert await runtime.reset(1.0) is RetireReason.MEMORY


async def test_an_asynchronous_result_settles_through_take(runtime: Runtime) -> None:
    code = "await new Promise((r) => setTimeout(r, 5)); return [input.s, await Promise.resolve(2)]"
    outcome = await execute(runtime, code, '{"s": "x"}', is_async=True)
    assert outcome.ok and outcome.result_json == '["x",2]'
    assert await runtime.reset(1.0) is None


async def test_a_defined_block_runs_again_with_new_input(runtime: Runtime) -> None:
    for n in (1, 2):
        outcome = await execute(runtime, "return input.n + 1", f'{{"n": {n}}}')
        assert outcome.result_json == str(n + 1)
        assert await runtime.reset(1.0) is None


async def test_a_thrown_error_has_the_users_line_and_column(runtime: Runtime) -> None:
    outcome = await execute(runtime, "const a = 1;\n  throw new TypeError('bad ' + a);")
    assert not outcome.ok and outcome.retire_reason is None
    assert outcome.error is not None
    assert (outcome.error.type, outcome.error.name, outcome.error.message) == (ErrorType.TYPE, "TypeError", "bad 1")
    assert (outcome.error.line, outcome.error.column) == (2, 9)  # where the error was made, as in Node's stack
    assert runtime.error_count == 1
    assert await runtime.reset(1.0) is None


async def test_a_syntax_error_is_the_users_and_the_runtime_stays(runtime: Runtime) -> None:
    outcome = await execute(runtime, "const a = 1;\nreturn (a))")
    assert outcome.error is not None and outcome.error.type is ErrorType.SYNTAX
    assert outcome.error.line == 2 and outcome.retire_reason is None
    assert await runtime.reset(1.0) is None
    assert (await execute(runtime, "return 'still here'")).result_json == '"still here"'


async def test_a_synchronous_loop_is_terminated_at_its_deadline_and_retires_the_runtime(runtime: Runtime) -> None:
    outcome = await execute(runtime, "while (true) {}", timeout_s=0.2)
    assert outcome.error == CodeBlockError(ErrorType.TIMEOUT, "Execution timed out after 200 ms")
    assert outcome.retire_reason is RetireReason.TIMEOUT
    assert runtime.timeout_count == 1


async def test_a_pending_execution_is_given_up_at_its_deadline(runtime: Runtime) -> None:
    outcome = await execute(runtime, "await new Promise(() => {}); return 1", is_async=True, timeout_s=0.2)
    assert outcome.error is not None and outcome.error.type is ErrorType.TIMEOUT
    assert outcome.retire_reason is RetireReason.TIMEOUT
