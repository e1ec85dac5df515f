"""One V8 runtime: the bootstrapped JavaScript environment and the execution protocol.

A Runtime owns one Isolate (engine.py). It evaluates the bootstrap bundle once (which
freezes the shared realm, js/lib/internal/harden.js), then for each execution:
defines the code block (once per runtime per distinct code, only ever as a function
body: `_definition_script`), runs it, waits for it to settle when it is asynchronous,
and resets the per-execution state (js/lib/internal/per_execution.js): an
asynchronous execution in the call that takes its result, a synchronous one in a
call of its own that also drains the microtasks it left, both within the
execution's deadline. Anything that leaves the runtime in doubt (a deadline hit,
the heap limit, code that ran outside its function, a change the reset cannot undo)
marks it for retirement; the pool replaces it.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import orjson

from .bundles import ModuleCatalog
from .engine import EngineClosed, Isolate, JSResult, ResultKind
from .errors import CodeBlockError, ErrorType, RetireReason
from .randomness import random_bytes

__all__ = ["CodeBlock", "HostServices", "Outcome", "Runtime", "RuntimeOptions"]

USER_SCRIPT: Final = "codeblock.js"
_MEMORY_POLL_S: Final = 0.05
# How long past its deadline we wait for V8 to acknowledge a termination before
# treating the isolate as stuck.
_TERMINATION_GRACE_S: Final = 0.5
_MAX_DEFINED_BLOCKS: Final = 256
_NONCE_SLOT: Final = "0" * 32  # as long as a nonce, so the function's length is known in advance
_ids = itertools.count(1)
log = logging.getLogger(__name__)

_STUCK: Final = JSResult(ResultKind.TERMINATED, "the runtime did not stop at its deadline")


class _Timer:
    """The timer guarding one call into V8 (the deadline, then the grace period)."""

    __slots__ = ("handle",)
    handle: asyncio.TimerHandle


def _resolve(future: asyncio.Future[JSResult], result: JSResult) -> None:
    if not future.done():
        future.set_result(result)


_ERROR_HEAD = re.compile(r"^(?:<anonymous>|codeblock\.js):(\d+): (\w+): (.*)$")


class HostServices(Protocol):
    """What an execution may ask of the host (js/lib/internal/host.js): `op` with JSON
    `args`, answered with JSON; failures are answers of the form {"error": {...}}."""

    async def call(self, op: str, args: dict[str, Any]) -> dict[str, Any]: ...


_NO_HOST_ANSWER: Final = {"error": {"kind": "network", "message": "network access is not available here",
                                    "code": "ERR_ACCESS_DENIED"}}
_FAILED_ANSWER: Final = {"error": {"kind": "network", "message": "the host failed to perform the request",
                                   "code": "ERR_INTERNAL"}}


@dataclass(frozen=True, slots=True)
class RuntimeOptions:
    heap_limit_bytes: int
    array_buffer_limit_bytes: int
    wasm_memory_limit_bytes: int
    max_result_bytes: int
    console_enabled: bool
    console_reject: bool
    max_console_entries: int
    max_console_bytes: int
    modules: ModuleCatalog

    def bootstrap_options(self) -> str:
        return orjson.dumps({
            "modules": {"modules": self.modules.names, "aliases": self.modules.aliases},
            "console": {
                "enabled": self.console_enabled,
                "reject": self.console_reject,
                "maxEntries": self.max_console_entries,
                "maxBytes": self.max_console_bytes,
            },
            "limits": {
                "maxResultBytes": self.max_result_bytes,
                "maxArrayBufferBytes": self.array_buffer_limit_bytes,
                "maxWasmMemoryBytes": self.wasm_memory_limit_bytes,
            },
        }).decode()


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A validated code block, wrapped once and shared by every runtime."""

    code: str
    key: str  # identity of the code (sha256), the per-runtime definition cache key
    function_source: str  # `function (input, require, module, exports) {\n<code>\n}`
    function_length: int  # in UTF-16 code units, as Function.prototype.toString counts
    line_count: int
    stray_brace: tuple[int, int] | None = None  # see analysis.CodeFacts
    modules: tuple[str, ...] = ()  # npm modules to install before it runs

    @classmethod
    def wrap(
        cls, code: str, key: str, *, is_async: bool, stray_brace: tuple[int, int] | None = None,
        modules: tuple[str, ...] = (),
    ) -> CodeBlock:
        head = "async function" if is_async else "function"
        # The user's line 1 is line 2 of the script (js/lib/internal/result.js LINE_OFFSET).
        # __flowEsm carries the helpers that rewritten `import`s call (analysis.py). The
        # head line ends with a per-definition marker (_definition_script).
        source = f"{head} (input, require, module, exports, __flowEsm) {{ /*{_NONCE_SLOT}*/\n{code}\n}}"
        return cls(
            code=code,
            key=key,
            function_source=source,
            function_length=len(source.encode("utf-16-le")) // 2,
            line_count=code.count("\n") + 1,
            stray_brace=stray_brace,
            modules=modules,
        )

    def definition_script(self, nonce: str) -> str:
        """The script that hands the code block's function to JS (claim() in
        js/lib/internal/execution.js): the code is only ever compiled inside a function,
        and the label named after `nonce` makes a script in which the code closes that
        function early a syntax error before anything runs."""
        inner = self.function_source.replace(_NONCE_SLOT, nonce, 1)
        return (f"__flow.sink = function () {{ L{nonce}: {{ return {inner}; break L{nonce}; }} }};\n"
                f"//# sourceURL={USER_SCRIPT}")


@dataclass(slots=True)
class Outcome:
    """The end of one execution on a runtime."""

    ok: bool
    result_json: str | None = None
    error: CodeBlockError | None = None
    logs: list[dict[str, str]] = field(default_factory=list)
    execution_ms: float = 0.0
    retire_reason: RetireReason | None = None  # set when the runtime must not be reused


class Runtime:
    """A bootstrapped V8 runtime. One execution at a time; the pool enforces that."""

    def __init__(self, isolate: Isolate, token: str, options: RuntimeOptions) -> None:
        self.id = next(_ids)
        self._isolate = isolate
        # The per-runtime secret that every host call carries (js/lib/internal/execution.js).
        self._token = token
        self._token_js = _js_string(token)
        # run, take and reset go through this function (Isolate.call): nothing to compile.
        self._dispatch = isolate.keep("__flow.dispatch")
        self._options = options
        self._defined: dict[str, int] = {}
        self._installed: set[str] = set()  # npm modules defined in this runtime
        self._next_block_id = itertools.count(1)
        self._wake: asyncio.Event | None = None  # set by JS's notification
        self._reset_report: str | None = None  # the reset done by the call that took an async result
        now = time.monotonic()
        self.created_at = now
        self.last_used_at = now
        self.execution_count = 0
        self.error_count = 0
        self.timeout_count = 0
        self.shared_globals = 0  # own properties of the global object after bootstrap
        self.heap_baseline: int | None = None  # used heap right after bootstrap
        self.heap_used: int | None = None  # last measured
        self.heap_total: int | None = None
        self.heap_measured_at = 0.0
        self.heap_measured_executions = 0

    # -- life cycle -------------------------------------------------------------------

    @classmethod
    def create(cls, options: RuntimeOptions, loop: asyncio.AbstractEventLoop, bootstrap: str) -> Runtime:
        """Builds and bootstraps a runtime. Blocking (~18-30 ms): call it off the event loop."""
        holder: list[Runtime] = []
        isolate = Isolate(
            heap_limit_bytes=options.heap_limit_bytes,
            loop=loop,
            on_notify=lambda: holder[0]._on_notify() if holder else None,
        )
        try:
            token = secrets.token_hex(16)
            loaded = isolate.eval_blocking(bootstrap, timeout=30)
            if loaded.kind is not ResultKind.VALUE:
                raise RuntimeError(f"bootstrap failed: {loaded.kind.value}: {loaded.text}")
            init = isolate.eval_blocking(
                f"__flowInit({_js_string(token)}, {_js_string(options.bootstrap_options())})", timeout=30
            )
            if init.kind is not ResultKind.VALUE:
                raise RuntimeError(f"bootstrap init failed: {init.kind.value}: {init.text}")
            shape = orjson.loads(init.text)
        except BaseException:
            isolate.close()
            raise
        runtime = cls(isolate, token, options)
        runtime.shared_globals = int(shape["globals"])
        runtime.measure_heap(time.monotonic())
        runtime.heap_baseline = runtime.heap_used
        holder.append(runtime)
        return runtime

    def close(self) -> None:
        """Frees the isolate. Blocking: call it off the event loop."""
        self._isolate.close()

    @property
    def closed(self) -> bool:
        return self._isolate.closed

    def heap_stats(self) -> dict[str, Any]:
        """V8 heap statistics. Blocking: call it off the event loop while idle."""
        result = self._isolate.heap_stats()
        return orjson.loads(result.text) if result.text else {}

    def measure_heap(self, now: float) -> None:
        """Updates `heap_used`. Blocking: call it off the event loop while idle."""
        stats = self.heap_stats()
        self.heap_used = int(stats.get("used_heap_size", 0))
        self.heap_total = int(stats.get("total_heap_size", 0))
        self.heap_measured_at = now
        self.heap_measured_executions = self.execution_count

    # -- execution --------------------------------------------------------------------

    async def execute(
        self, block: CodeBlock, input_json: str, deadline: float, timeout_ms: int, host: HostServices | None = None
    ) -> Outcome:
        """Runs `block` with `input_json` (JSON text) until it settles or `deadline`
        (loop time) passes; `host` serves its asynchronous host calls (fetch)."""
        started = time.perf_counter()
        self._reset_report = None
        self.execution_count += 1
        self.last_used_at = time.monotonic()
        outcome = await self._execute(block, input_json, deadline, timeout_ms, host)
        outcome.execution_ms = (time.perf_counter() - started) * 1000
        if not outcome.ok:
            self.error_count += 1
            if outcome.error is not None and outcome.error.type is ErrorType.TIMEOUT:
                self.timeout_count += 1
        return outcome

    async def _execute(
        self, block: CodeBlock, input_json: str, deadline: float, timeout_ms: int, host: HostServices | None
    ) -> Outcome:
        for name in block.modules:
            if name not in self._installed:
                installed = await self._install_module(name, deadline)
                if installed is not None:
                    return self._abnormal(installed, timeout_ms)
        block_id = self._defined.get(block.key)
        claim_length = 0
        nonce = "-"
        if block_id is None:
            nonce = secrets.token_hex(16)
            defined = await self._eval_until(block.definition_script(nonce), deadline)
            if defined.kind is ResultKind.PARSE_ERROR:
                # Nothing of the script ran: V8 compiles all of it first.
                return Outcome(ok=False, error=_syntax_error(defined.text, block, nonce))
            if defined.kind is ResultKind.EXCEPTION:  # cannot happen unless code ran outside its function
                return Outcome(ok=False, error=_syntax_error(defined.text, block, nonce),
                               retire_reason=RetireReason.ESCAPED)
            if defined.kind is not ResultKind.VALUE:
                return self._abnormal(defined, timeout_ms)
            block_id = next(self._next_block_id)
            claim_length = block.function_length

        self._wake = asyncio.Event()
        try:
            entropy = random_bytes(32).hex()  # keys the JS CSPRNG (js/lib/internal/random.js)
            started = await self._call_until(
                f"run\0{self._token}\0{self._isolate.notify_ack()}\0{block_id}\0{claim_length}\0{nonce}\0"
                f"{entropy}\0{self.heap_used or 0}\0{self.heap_total or 0}\0{input_json}",
                deadline,
            )
            if started.kind is not ResultKind.VALUE:
                return self._abnormal(started, timeout_ms)
            if started.text == "X":  # the code ended its function early: it may have run outside it
                return Outcome(ok=False, error=_stray_brace_error(block) or _escape_error(),
                               retire_reason=RetireReason.ESCAPED)
            if started.text.startswith("D"):
                return Outcome(ok=False, error=_read_payload(started.text).error)
            if claim_length:
                self._defined[block.key] = block_id
            if started.text:
                return await self._settle_synchronous(_read_payload(started.text), deadline, timeout_ms)
            return await self._drive(self._wake, host, deadline, timeout_ms)
        finally:
            self._wake = None

    async def _settle_synchronous(self, outcome: Outcome, deadline: float, timeout_ms: int) -> Outcome:
        """A synchronous result is final only once the microtasks the code left have run:
        V8 runs them after the call that returned the result, and the reset call waits
        behind them. Both are charged to the execution's deadline: a flood of promise
        reactions ends in TimeoutError (and a retired runtime), not in a reset that
        burns CPU after the answer has gone."""
        result = await self._call_until(f"reset\0{self._token}\0{self._isolate.notify_ack()}", deadline)
        if result.kind is not ResultKind.VALUE:
            abnormal = self._abnormal(result, timeout_ms)
            abnormal.logs = outcome.logs
            return abnormal
        self._reset_report = result.text
        return outcome

    async def reset(self, timeout_s: float) -> RetireReason | None:
        """Puts the per-execution state back after an execution. Returns None when the
        runtime is clean again, or the reason it must be retired. An execution that
        settled was already reset within its deadline (`_settle_synchronous`, and the
        call that took an asynchronous result); this call covers the others."""
        report, self._reset_report = self._reset_report, None
        if report is None:
            deadline = asyncio.get_running_loop().time() + timeout_s
            result = await self._call_until(f"reset\0{self._token}\0{self._isolate.notify_ack()}", deadline)
            if result.kind is not ResultKind.VALUE:
                return RetireReason.after_reset(result.kind.value)
            report = result.text
        if report.startswith("clean:"):
            if len(self._defined) >= _MAX_DEFINED_BLOCKS:
                return RetireReason.CODE_CACHE_FULL
            return None
        problem = report.removeprefix("dirty:")
        reason = RetireReason.dirty(problem)
        log.warning("runtime dirty after reset", extra={"runtime": self.id, "reason": reason.value,
                                                         "detail": problem[:194]})
        return reason

    # -- internals --------------------------------------------------------------------

    async def _install_module(self, name: str, deadline: float) -> JSResult | None:
        """Defines an npm module bundle in this runtime (compiled now, run on first
        require). Returns None on success, else the failed result."""
        source = self._options.modules.source(name)
        per_execution = int(self._options.modules.is_per_execution(name))
        for step in (
            f"__flow.sink = function (module, exports, require) {{\n{source}\n}}\n//# sourceURL=module:{name}",
            f"__flow.defineModule({self._token_js}, {_js_string(name)}, {per_execution})",
        ):
            result = await self._eval_until(step, deadline)
            if result.kind is not ResultKind.VALUE:
                log.error("module install failed", extra={"js_module": name, "kind": result.kind.value,
                                                          "detail": result.text[-500:]})
                return result
        self._installed.add(name)
        return None

    def _on_notify(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _drive(self, wake: asyncio.Event, host: HostServices | None, deadline: float,
                     timeout_ms: int) -> Outcome:
        """Runs a pending execution to its end: on each notification, delivers the
        answers of finished host calls and takes what JS has for us (the settled
        payload, or new host calls, started here concurrently)."""
        calls: dict[int, asyncio.Task[dict[str, Any]]] = {}
        answers: list[bytes] = []

        def answered(call_id: int, task: asyncio.Task[dict[str, Any]]) -> None:
            calls.pop(call_id, None)
            if task.cancelled():
                return
            error = task.exception()
            if error is not None:
                log.error("host call failed", exc_info=error)
            answers.append(orjson.dumps([call_id, _FAILED_ANSWER if error is not None else task.result()]))
            wake.set()

        try:
            while True:
                stopped = await self._wait_wake(wake, deadline)
                if stopped is not None:
                    return self._abnormal(stopped, timeout_ms)
                wake.clear()
                batch = b"[" + b",".join(answers) + b"]" if answers else b""
                answers.clear()
                taken = await self._call_until(
                    f"take\0{self._token}\0{self._isolate.notify_ack()}\0{batch.decode()}", deadline
                )
                if taken.kind is not ResultKind.VALUE:
                    return self._abnormal(taken, timeout_ms)
                text = taken.text
                if text.startswith("H"):
                    for request in orjson.loads(text[1:]):
                        self._start_call(request, host, calls, answered)
                elif text:
                    # 'S<length>:<reset report><payload>': settled, and reset already.
                    colon = text.index(":")
                    end = colon + 1 + int(text[1:colon])
                    self._reset_report = text[colon + 1 : end]
                    return _read_payload(text[end:])
        finally:
            for task in calls.values():
                task.cancel()

    @staticmethod
    def _start_call(request: dict[str, Any], host: HostServices | None,
                    calls: dict[int, asyncio.Task[dict[str, Any]]], answered: Any) -> None:
        call_id, op = int(request["id"]), str(request["op"])
        if op == "cancel":
            task = calls.pop(call_id, None)
            if task is not None:
                task.cancel()
            return
        if host is None:
            coro: Any = _answer(_NO_HOST_ANSWER)
        else:
            coro = host.call(op, request.get("args") or {})
        task = asyncio.ensure_future(coro)
        calls[call_id] = task
        task.add_done_callback(functools.partial(answered, call_id))

    async def _eval_until(self, source: str, deadline: float) -> JSResult:
        """Evaluates `source`, terminating it at `deadline`. An isolate that does not
        acknowledge the termination is reported as TERMINATED (and will be retired)."""
        try:
            posted = self._isolate.eval(source)
        except EngineClosed:
            return JSResult(ResultKind.ENGINE_ERROR, "the runtime was closed")
        return await self._until(*posted, deadline)

    async def _call_until(self, message: str, deadline: float) -> JSResult:
        """Calls `__flow.dispatch` with `message`, like `_eval_until`."""
        try:
            posted = self._isolate.call(self._dispatch, message)
        except EngineClosed:
            return JSResult(ResultKind.ENGINE_ERROR, "the runtime was closed")
        return await self._until(*posted, deadline)

    async def _until(self, ticket: Any, future: asyncio.Future[JSResult], deadline: float) -> JSResult:
        # One plain timer instead of asyncio.wait_for (this is the hot path); the
        # give-up timer replaces it only once the deadline has passed.
        timer = _Timer()
        timer.handle = asyncio.get_running_loop().call_at(deadline, self._stop_at_deadline, ticket, future, timer)
        try:
            return await future
        except EngineClosed:
            return JSResult(ResultKind.ENGINE_ERROR, "the runtime was closed")
        finally:
            timer.handle.cancel()

    def _stop_at_deadline(self, ticket: Any, future: asyncio.Future[JSResult], timer: _Timer) -> None:
        """Terminates the call in flight; if V8 has not answered within the grace
        period, the call is reported stuck (and the runtime retired)."""
        self._isolate.cancel(ticket)
        timer.handle = asyncio.get_running_loop().call_later(_TERMINATION_GRACE_S, _resolve, future, _STUCK)

    async def _wait_wake(self, wake: asyncio.Event, deadline: float) -> JSResult | None:
        """Waits for a notification. Code after an `await` cannot be interrupted in
        place, so at the deadline the runtime is given up instead."""
        loop = asyncio.get_running_loop()
        while not wake.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return JSResult(ResultKind.TERMINATED, "deadline passed while pending")
            try:
                async with asyncio.timeout(min(remaining, _MEMORY_POLL_S)):
                    await wake.wait()
            except TimeoutError:
                pass
            if self._isolate.memory_limit_reached():
                return JSResult(ResultKind.OUT_OF_MEMORY, "")
        return None

    def _abnormal(self, result: JSResult, timeout_ms: int) -> Outcome:
        kind = result.kind
        if kind is ResultKind.TERMINATED:
            if self._isolate.memory_limit_reached():
                return _memory_outcome(self._options)
            return Outcome(
                ok=False,
                error=CodeBlockError(ErrorType.TIMEOUT, f"Execution timed out after {timeout_ms} ms"),
                retire_reason=RetireReason.TIMEOUT,
            )
        if kind is ResultKind.OUT_OF_MEMORY:
            return _memory_outcome(self._options)
        return Outcome(
            ok=False,
            error=CodeBlockError(ErrorType.INTERNAL, "The runtime failed unexpectedly; please retry"),
            retire_reason=RetireReason.after_engine(kind.value),
        )


async def _answer(answer: dict[str, Any]) -> dict[str, Any]:
    return answer


def _memory_outcome(options: RuntimeOptions) -> Outcome:
    limit_mb = options.heap_limit_bytes // (1024 * 1024)
    return Outcome(
        ok=False,
        error=CodeBlockError(
            ErrorType.MEMORY_LIMIT, f"Execution ran out of memory: the heap limit is {limit_mb} MB"
        ),
        retire_reason=RetireReason.MEMORY,
    )


def _js_string(text: str) -> str:
    """`text` as a JavaScript string literal (JSON is a subset of JS since ES2019)."""
    return orjson.dumps(text).decode()


def _read_payload(payload: str) -> Outcome:
    """Parses the framing of js/lib/internal/execution.js: tag, logs JSON, newline, body."""
    tag = payload[0]
    newline = payload.index("\n")
    logs = orjson.loads(payload[1:newline])
    body = payload[newline + 1 :]
    if tag == "R":
        return Outcome(ok=True, result_json=body, logs=logs)
    return Outcome(ok=False, error=CodeBlockError.from_js(orjson.loads(body)), logs=logs)  # tags E and D


def _stray_brace_error(block: CodeBlock) -> CodeBlockError | None:
    if block.stray_brace is None:
        return None
    line, column = block.stray_brace
    text = "Unexpected token '}'"
    return CodeBlockError(
        ErrorType.SYNTAX, text, line=line, column=column, name="SyntaxError",
        stack=f"SyntaxError: {text}\n    at {USER_SCRIPT}:{line}:{column}",
    )


def _escape_error() -> CodeBlockError:
    text = "Unexpected token '}'"
    return CodeBlockError(ErrorType.SYNTAX, text, name="SyntaxError", stack=f"SyntaxError: {text}")


def _syntax_error(message: str, block: CodeBlock, nonce: str) -> CodeBlockError:
    """Maps V8's compile error text to the user's line and column.

    V8 reports `<anonymous>:LINE: SyntaxError: msg`, then the source line and a
    caret line pointing at the column. A stray `}` before that point closed the
    wrapper function: report it as Node would for the code alone. So does the
    wrapper's "Undefined label" (CodeBlock.definition_script).
    """
    lines = message.split("\n")
    head = _ERROR_HEAD.match(lines[0]) if lines else None
    if head is None:
        return CodeBlockError(ErrorType.SYNTAX, message.strip() or "Invalid code", name="SyntaxError")
    script_line, name, text = int(head.group(1)), head.group(2), head.group(3)
    if nonce in text:
        # The wrapper's `break` found no label: the code closed its function early (a
        # stray `}`), or left a construct open that took the wrapper's closing brace.
        if block.stray_brace is not None:
            return _stray_brace_error(block)  # type: ignore[return-value]
        text, script_line = "Unexpected end of input", block.line_count + 2  # the wrapper's last line
    user_line = script_line - 1
    column = None
    on_wrapper = not 1 <= user_line <= block.line_count
    if on_wrapper:  # reported on a wrapper line (e.g. "Unexpected end of input")
        user_line = min(max(user_line, 1), block.line_count)
    elif len(lines) > 2 and "^" in lines[2]:
        column = lines[2].index("^") + 1
    kind = ErrorType.SYNTAX if name == "SyntaxError" else ErrorType.RUNTIME
    stray = block.stray_brace
    if stray is not None and (on_wrapper or stray <= (user_line, column or 1)):
        return _stray_brace_error(block)  # type: ignore[return-value]
    return CodeBlockError(
        kind, text, line=user_line, column=column, name=name, stack=f"{name}: {text}\n    at {USER_SCRIPT}:{user_line}:{column or 1}"
    )
