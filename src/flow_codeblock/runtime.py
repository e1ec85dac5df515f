"""One V8 runtime: the bootstrapped JavaScript environment and the execution protocol.

A Runtime owns one Isolate (engine.py). It evaluates the bootstrap bundle once (which
freezes the shared realm, js/lib/internal/harden.js), then for each execution:
defines the code block (once per runtime per distinct code, only ever as a function
body: codeblock.py), runs it, waits for it to settle when it is asynchronous,
and resets the per-execution state (js/lib/internal/per_execution.js): an
asynchronous execution in the call that takes its result, a synchronous one in a
call of its own that also drains the microtasks it left, both within the
execution's deadline. Anything that leaves the runtime in doubt (a deadline hit,
the heap limit, code that ran outside its function, a change the reset cannot undo)
marks it for retirement; the pool replaces it. The messages it exchanges with the
JS layer are bridge.py's; `outcome_of` turns whatever the engine answered into the
execution's Outcome.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import orjson

from . import bridge
from .bridge import Escaped, HostCalls, Payload, PayloadTag, Pending, Report, Settled
from .bundles import ModuleCatalog
from .codeblock import CodeBlock, escape_error, stray_brace_error, syntax_error
from .engine import EngineClosed, Isolate, JSResult, ResultKind
from .errors import CodeBlockError, ErrorType, RetireReason
from .i18n import msg
from .randomness import random_bytes

__all__ = ["Attempt", "HostServices", "Outcome", "Runtime", "RuntimeFactory", "RuntimeOptions", "outcome_of"]

_MEMORY_POLL_S: Final = 0.05
# How long a pending execution may take to notify before it counts as parked (waiting on
# timers or host calls, which grows the pool): an `await` on microtasks alone settles
# within the run call, and its notification crosses threads in well under this.
_PARK_GRACE_S: Final = 0.002
# How long past its deadline we wait for V8 to acknowledge a termination before
# treating the isolate as stuck.
_TERMINATION_GRACE_S: Final = 0.5
_MAX_DEFINED_BLOCKS: Final = 256
# The longest a request may spend installing the modules its code block names, on top
# of its own timeout (which starts once they are loaded): the bundles are ours, so a
# load that takes longer is a fault of the service, not of the code.
_MODULE_LOAD_TIMEOUT_S: Final = 30.0
_ids = itertools.count(1)
log = logging.getLogger(__name__)

_STUCK: Final = JSResult(ResultKind.TERMINATED, "the runtime did not stop at its deadline")
_CLOSED: Final = JSResult(ResultKind.ENGINE_ERROR, "the runtime was closed")
_BEHIND_MICROTASKS: Final = JSResult(ResultKind.TERMINATED, "the deadline passed in the microtasks after run")
# A call posted to V8 (Isolate.call's ticket and future), or its answer when it could not be.
Posted = tuple[Any, "asyncio.Future[JSResult]"] | JSResult


class _Timer:
    """The timer guarding one call into V8 (the deadline, then the grace period)."""

    __slots__ = ("handle",)
    handle: asyncio.TimerHandle


def _resolve(future: asyncio.Future[JSResult], result: JSResult) -> None:
    if not future.done():
        future.set_result(result)


def _abandon(isolate: Isolate, posted: Posted) -> None:
    """A posted call whose answer no one will wait for: stopped unless it has answered
    (only when its runtime is retired), its answer dropped when it comes."""
    if isinstance(posted, JSResult) or posted[1].done():
        return
    ticket, future = posted
    isolate.cancel(ticket)
    future.add_done_callback(_drop_answer)


def _drop_answer(future: asyncio.Future[JSResult]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: EngineClosed when the runtime closes first is expected


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


@dataclass(slots=True)
class Outcome:
    """The end of one execution on a runtime."""

    ok: bool
    result_json: str | None = None
    error: CodeBlockError | None = None
    logs: list[dict[str, str]] = field(default_factory=list)
    execution_ms: float = 0.0  # the code's own time: module loads excluded (module_load_ms)
    retire_reason: RetireReason | None = None  # set when the runtime must not be reused
    # Time this execution spent installing modules the runtime did not have yet; None when
    # it installed none (its runtime had them: warm-up or an earlier execution).
    module_load_ms: float | None = None


class Runtime:
    """A bootstrapped V8 runtime. One execution at a time; the pool enforces that."""

    def __init__(self, isolate: Isolate, token: str, options: RuntimeOptions) -> None:
        self.id = next(_ids)
        self._isolate = isolate
        # The per-runtime secret that every host call carries (js/lib/internal/execution.js).
        self._token = token
        # run, take and reset go through this function (Isolate.call): nothing to compile.
        self._dispatch = isolate.keep(bridge.DISPATCH)
        self._options = options
        self._defined: dict[str, int] = {}
        self._installed: set[str] = set()  # npm modules defined in this runtime (see `modules`)
        self._load_ms = 0.0  # module installs of the execution in progress
        self._next_block_id = itertools.count(1)
        self._wake: asyncio.Event | None = None  # set by JS's notification
        self._reset_report: bridge.Report | None = None  # the reset done by the call that took an async result
        now = time.monotonic()
        self.created_at = now
        self.last_used_at = now
        self.execution_count = 0
        self.error_count = 0
        self.timeout_count = 0
        self.shared_globals = 0  # own properties of the global object after bootstrap
        self.heap_baseline: int | None = None  # used heap right after bootstrap
        self.heap_used: int | None = None  # last measured
        # True while an execution waits on host calls or timers, using no CPU: what the
        # pool's growth rule counts (policy.py). `on_parked` runs when it becomes true.
        self.parked = False
        self.on_parked: Callable[[], None] | None = None
        self.heap_total: int | None = None
        self.heap_measured_at = 0.0
        self.heap_measured_executions = 0
        self.collected_executions = 0  # execution_count at the last full GC

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
            init = isolate.eval_blocking(bridge.init_script(token, options.bootstrap_options()), timeout=30)
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

    def promote(self) -> bool:
        """A runtime built in the background (engine.enter_background) is about to serve:
        its isolate's thread gets a serving thread's priority. False if the kernel refused."""
        return self._isolate.promote()

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

    @property
    def modules(self) -> frozenset[str]:
        """The host-installed modules this runtime has loaded (the pool's module-aware
        acquire reads it through `has_modules`)."""
        return frozenset(self._installed)

    def has_modules(self, names: tuple[str, ...]) -> bool:
        """Whether every module of `names` is loaded here (no install on the request path)."""
        return self._installed.issuperset(names)

    async def warm(self, names: tuple[str, ...], timeout_s: float) -> bool:
        """Loads `names` (each after what it requires) before the runtime serves: installs
        each bundle, which evaluates and hardens a shared module (modules.js defineModule),
        then runs one internal block that requires the per-execution ones, so their
        factories are compiled, and resets the runtime as after any execution: their
        instances were that block's own and are gone. Not counted as an execution.
        Returns False when the runtime must not be used (a step failed or the reset
        found it dirty): the caller discards it."""
        catalog = self._options.modules
        order = tuple(n for n in catalog.install_order(names) if n not in self._installed)
        if not order:
            return True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        required = [n for n in order if catalog.is_per_execution(n) and not n.startswith("internal:")]
        body = "".join(f"require({orjson.dumps(n).decode()});" for n in required) + "return 0"
        block = CodeBlock.wrap(body, "warm:" + ",".join(order), is_async=False, modules=order)
        self._reset_report = None
        outcome = await self._execute(block, "{}", deadline, int(timeout_s * 1000), None)
        self._load_ms = 0.0
        if not outcome.ok or outcome.retire_reason is not None:
            log.error("module warm-up failed", extra={"runtime": self.id, "js_modules": list(order),
                                                      "error": str(outcome.error)})
            return False
        return await self.reset(max(deadline - loop.time(), 0.1)) is None

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
        self._load_ms = 0.0
        outcome = self._unless_out_of_memory(await self._execute(block, input_json, deadline, timeout_ms, host),
                                             block, timeout_ms)
        loaded_ms, self._load_ms = self._load_ms, 0.0
        outcome.execution_ms = (time.perf_counter() - started) * 1000 - loaded_ms
        if loaded_ms:
            outcome.module_load_ms = loaded_ms
        if not outcome.ok:
            self.error_count += 1
            if outcome.error is not None and outcome.error.type is ErrorType.TIMEOUT:
                self.timeout_count += 1
        return outcome

    async def _execute(
        self, block: CodeBlock, input_json: str, deadline: float, timeout_ms: int, host: HostServices | None
    ) -> Outcome:
        if not self.has_modules(block.modules):
            # Loads are the service's work, not the code's: they have their own limit and
            # the code's deadline moves by the time they took.
            loop = asyncio.get_running_loop()
            loading = loop.time()
            load_deadline = max(deadline, loading + _MODULE_LOAD_TIMEOUT_S)
            for name in block.modules:
                if name not in self._installed:
                    installed = await self._install_module(name, load_deadline)
                    if installed is not None:
                        self._load_ms = (loop.time() - loading) * 1000
                        return self._outcome(installed, block, timeout_ms)
            took = loop.time() - loading
            self._load_ms = took * 1000
            deadline += took
        block_id = self._defined.get(block.key)
        claim_length = 0
        nonce = "-"
        if block_id is None:
            nonce = secrets.token_hex(16)
            defined = await self._eval_until(block.definition_script(nonce), deadline)
            if defined.kind is not ResultKind.VALUE:
                return self._outcome(defined, block, timeout_ms, nonce=nonce, defining=True)
            block_id = next(self._next_block_id)
            claim_length = block.function_length

        self._wake = asyncio.Event()
        run_message = bridge.encode_run(bridge.RunCall(
            token=self._token, ack=self._isolate.notify_ack(), id=block_id, claim_length=claim_length,
            nonce=nonce, entropy=random_bytes(32).hex(),  # keys the JS CSPRNG (js/lib/internal/random.js)
            heap_used=self.heap_used or 0, heap_total=self.heap_total or 0,
            modules=block.module_list if claim_length else "", input_json=input_json,
        ))
        # finish goes with run, before run answers: V8's thread runs it right after run's
        # microtask checkpoint (js/lib/internal/execution.js finish), and the event loop
        # wakes once for both; an execution that settles there costs one round trip
        # between the threads, not two.
        run, finish = self._post_pair(run_message, bridge.encode_finish(bridge.FinishCall(token=self._token, ack=0)))
        try:
            started = await self._wait_answer(run, deadline)
            if started.kind is not ResultKind.VALUE:
                return self._outcome(started, block, timeout_ms)
            reply = bridge.decode_run_reply(started.text)
            if isinstance(reply, Escaped):
                return self._outcome(reply, block, timeout_ms)
            undefined = isinstance(reply, Payload) and reply.tag is PayloadTag.UNDEFINED_BLOCK
            if claim_length and not undefined:
                self._defined[block.key] = block_id
            # Not there by the deadline, V8 is still in the microtasks the code left (a flood
            # of promise reactions, or the code after an `await`): the execution's timeout at
            # once, without the grace period. Waiting would let a flood fill the heap, and a
            # cancelled finish that never started cannot answer.
            finished = await self._wait_answer(finish, deadline, grace=False)
            if isinstance(reply, Pending):
                return await self._after_pending(finished, host, block, deadline, timeout_ms)
            return self._after_synchronous(self._outcome(reply, block, timeout_ms), finished, block, timeout_ms)
        finally:
            self._wake = None
            # Unless it answered: the runtime is being retired (or a bug raised), and
            # nothing may run in it any more.
            _abandon(self._isolate, finish)

    async def compile_check(self, block: CodeBlock, timeout_s: float) -> Outcome:
        """Compiles `block` without running any of it (a stored script's check when it is
        saved): V8 parses the definition script, whose outer function is never called.
        The definition left for claim() is dropped: a run defines its block again under a
        nonce of its own. Not ok: the SyntaxError in the user's lines (or the retire reason
        when the engine failed)."""
        nonce = secrets.token_hex(16)
        deadline = asyncio.get_running_loop().time() + timeout_s
        defined = await self._eval_until(block.definition_script(nonce), deadline)
        if defined.kind is not ResultKind.VALUE:
            return self._outcome(defined, block, int(timeout_s * 1000), nonce=nonce, defining=True)
        dropped = await self._eval_until(f"{bridge.HOST_OBJECT}.sink = null", deadline)
        if dropped.kind is not ResultKind.VALUE:
            return self._outcome(dropped, block, int(timeout_s * 1000))
        return Outcome(ok=True)

    def _after_synchronous(self, outcome: Outcome, finished: JSResult, block: CodeBlock,
                           timeout_ms: int) -> Outcome:
        """A synchronous result is final only once the microtasks the code left have run:
        V8 runs them after the call that returned the result, and finish, the reset
        here, runs behind them. Both are charged to the execution's deadline: a flood of
        promise reactions ends in TimeoutError (and a retired runtime), not in a reset
        that burns CPU after the answer has gone."""
        if finished.kind is not ResultKind.VALUE:
            abnormal = self._outcome(finished, block, timeout_ms)
            abnormal.logs = outcome.logs
            return abnormal
        report = bridge.decode_finish_reply(finished.text)
        if not isinstance(report, Report):
            raise bridge.BridgeError("finish: no reset report after a synchronous execution")
        self._reset_report = report
        return outcome

    def _unless_out_of_memory(self, outcome: Outcome, block: CodeBlock, timeout_ms: int) -> Outcome:
        """Microtasks the code left after its result can reach the heap limit: V8 stops
        them and the reset then finds the runtime clean, but the limit was this
        execution's, and the isolate keeps the flag that it was reached. An execution
        that ended without retiring its runtime fails then with MemoryLimitError, and
        the runtime is retired."""
        if outcome.retire_reason is not None or not self._isolate.memory_limit_reached():
            return outcome
        failed = self._outcome(JSResult(ResultKind.OUT_OF_MEMORY, ""), block, timeout_ms)
        failed.logs = outcome.logs
        return failed

    async def _after_pending(self, finished: JSResult, host: HostServices | None, block: CodeBlock,
                             deadline: float, timeout_ms: int) -> Outcome:
        """An asynchronous execution: settled in run's microtask checkpoint (finish took
        its payload and reset the runtime), or driven on from the doorbell."""
        if finished.kind is not ResultKind.VALUE:
            return self._outcome(finished, block, timeout_ms)
        reply = bridge.decode_finish_reply(finished.text)
        if isinstance(reply, Settled):
            self._reset_report = reply.report
            return self._outcome(reply.payload, block, timeout_ms)
        if not isinstance(reply, Pending):
            raise bridge.BridgeError("finish: neither settled nor pending after run said pending")
        assert self._wake is not None
        return await self._drive(self._wake, host, block, deadline, timeout_ms)

    async def reset(self, timeout_s: float) -> RetireReason | None:
        """Puts the per-execution state back after an execution. Returns None when the
        runtime is clean again, or the reason it must be retired. An execution that
        settled was already reset within its deadline (`_after_synchronous`, and the
        call that took an asynchronous result); this call covers the others."""
        report, self._reset_report = self._reset_report, None
        if self._isolate.memory_limit_reached():
            # The isolate's flag that the heap limit was reached never clears; an execution
            # that reached it was retired already (MemoryLimitError), and no other may inherit it.
            return RetireReason.MEMORY
        if report is None:
            result = await self._call_reset(asyncio.get_running_loop().time() + timeout_s)
            if result.kind is not ResultKind.VALUE:
                return RetireReason.after_reset(result.kind.value)
            report = bridge.decode_report(result.text)
        if report.clean:
            if len(self._defined) >= _MAX_DEFINED_BLOCKS:
                return RetireReason.CODE_CACHE_FULL
            if self._isolate.garbage_pressure():
                # Before the next execution, not during it: it would be charged for this garbage.
                await asyncio.to_thread(self._collect_garbage, "pressure")
            return None
        reason = RetireReason.dirty(report.detail)
        log.warning("runtime dirty after reset", extra={"runtime": self.id, "reason": reason.value,
                                                         "detail": report.detail[:194]})
        return reason

    def collect_garbage(self) -> None:
        """A full GC now (blocking: call it off the event loop, on an idle runtime). The pool
        runs it once it is quiet (pool.py): V8 would shrink an idle heap itself, but its
        memory reducer is a delayed task, which an isolate that waits for work never runs."""
        self._collect_garbage("quiet")

    def _collect_garbage(self, reason: str) -> None:
        started = time.perf_counter()
        self.collected_executions = self.execution_count
        self.heap_used = self._isolate.collect_garbage()
        log.debug("full gc", extra={"runtime": self.id, "reason": reason, "heap_used": self.heap_used,
                                    "ms": round((time.perf_counter() - started) * 1000, 3)})

    async def _call_reset(self, deadline: float) -> JSResult:
        return await self._call_until(
            bridge.encode_reset(bridge.ResetCall(token=self._token, ack=self._isolate.notify_ack())), deadline
        )

    # -- internals --------------------------------------------------------------------

    async def _install_module(self, name: str, deadline: float) -> JSResult | None:
        """Defines an npm module bundle in this runtime (compiled now, run on first
        require). Returns None on success, else the failed result."""
        source = self._options.modules.source(name)
        per_execution = self._options.modules.is_per_execution(name)
        for step in (
            bridge.sink_script(f"function (module, exports, require) {{\n{source}\n}}", f"module:{name}"),
            bridge.define_module_script(self._token, name, per_execution=per_execution),
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

    async def _drive(self, wake: asyncio.Event, host: HostServices | None, block: CodeBlock, deadline: float,
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
            answers.append(bridge.encode_answer(call_id, _FAILED_ANSWER if error is not None else task.result()))
            wake.set()

        try:
            while True:
                stopped = await self._park(wake, deadline)
                if stopped is not None:
                    return self._outcome(stopped, block, timeout_ms)
                wake.clear()
                batch = bridge.encode_answers(answers)
                answers.clear()
                taken = await self._call_until(bridge.encode_take(
                    bridge.TakeCall(token=self._token, ack=self._isolate.notify_ack(), answers_json=batch)
                ), deadline)
                if taken.kind is not ResultKind.VALUE:
                    return self._outcome(taken, block, timeout_ms)
                reply = bridge.decode_take_reply(taken.text)
                if isinstance(reply, HostCalls):
                    for request in reply.calls:
                        self._start_call(request, host, calls, answered)
                elif isinstance(reply, Settled):  # settled, and reset already
                    self._reset_report = reply.report
                    return self._outcome(reply.payload, block, timeout_ms)
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
            return _CLOSED
        return await self._until(*posted, deadline)

    async def _call_until(self, message: str, deadline: float) -> JSResult:
        """Calls `__flow.dispatch` with `message`, like `_eval_until`."""
        try:
            posted = self._isolate.call(self._dispatch, message)
        except EngineClosed:
            return _CLOSED
        return await self._until(*posted, deadline)

    def _post_pair(self, first: str, second: str) -> tuple[Posted, Posted]:
        """Posts two calls of `__flow.dispatch`, the second right behind the first
        (engine.py Isolate.call_pair), without waiting for V8."""
        try:
            return self._isolate.call_pair(self._dispatch, first, second)
        except EngineClosed:
            return _CLOSED, _CLOSED

    async def _wait_answer(self, posted: Posted, deadline: float, *, grace: bool = True) -> JSResult:
        """The answer to a posted call, terminating it at `deadline` (like `_eval_until`)."""
        if isinstance(posted, JSResult):
            return posted
        return await self._until(*posted, deadline, grace)

    async def _until(self, ticket: Any, future: asyncio.Future[JSResult], deadline: float,
                     grace: bool = True) -> JSResult:
        # One plain timer instead of asyncio.wait_for (this is the hot path); the
        # give-up timer replaces it only once the deadline has passed.
        timer = _Timer()
        timer.handle = asyncio.get_running_loop().call_at(deadline, self._stop_at_deadline, ticket, future, timer,
                                                          grace)
        try:
            return await future
        except EngineClosed:
            return _CLOSED
        finally:
            timer.handle.cancel()

    def _stop_at_deadline(self, ticket: Any, future: asyncio.Future[JSResult], timer: _Timer, grace: bool) -> None:
        """Terminates the call in flight; if V8 has not answered within the grace
        period (none for finish, see _execute), the call is reported stuck (and
        the runtime retired)."""
        self._isolate.cancel(ticket)
        if not grace:
            _resolve(future, _BEHIND_MICROTASKS)
            return
        timer.handle = asyncio.get_running_loop().call_later(_TERMINATION_GRACE_S, _resolve, future, _STUCK)

    async def _park(self, wake: asyncio.Event, deadline: float) -> JSResult | None:
        """Waits for JS's next notification, counted as parked (`on_parked`) only once it
        has not come within _PARK_GRACE_S: a block that awaits nothing but microtasks is
        computing, and more runtimes would not serve it sooner."""
        if not wake.is_set():
            with suppress(TimeoutError):
                async with asyncio.timeout(min(_PARK_GRACE_S, max(0.0, deadline - asyncio.get_running_loop().time()))):
                    await wake.wait()
        if wake.is_set():
            return None
        self.parked = True
        if self.on_parked is not None:
            self.on_parked()
        try:
            return await self._wait_wake(wake, deadline)
        finally:
            self.parked = False

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

    def _outcome(self, answer: Answer, block: CodeBlock, timeout_ms: int, *, nonce: str = "-",
                 defining: bool = False) -> Outcome:
        memory_hit = isinstance(answer, JSResult) and self._isolate.memory_limit_reached()
        return outcome_of(answer, Attempt(block, nonce, timeout_ms, self._options.heap_limit_bytes),
                          memory_hit=memory_hit, defining=defining)


@dataclass(frozen=True, slots=True)
class RuntimeFactory:
    """Creates bootstrapped runtimes on `loop`; calling it is the pool's (blocking) factory."""

    options: RuntimeOptions
    loop: asyncio.AbstractEventLoop
    bootstrap: str

    def __call__(self) -> Runtime:
        return Runtime.create(self.options, self.loop, self.bootstrap)

    async def create(self) -> Runtime:
        """One runtime, created off the event loop (creation blocks for ~20-30 ms)."""
        return await asyncio.to_thread(self)

    @asynccontextmanager
    async def runtime(self) -> AsyncIterator[Runtime]:
        """One runtime, closed (off the event loop) when the block ends."""
        runtime = await self.create()
        try:
            yield runtime
        finally:
            await asyncio.to_thread(runtime.close)


async def _answer(answer: dict[str, Any]) -> dict[str, Any]:
    return answer


Answer = JSResult | Payload | Escaped  # what the engine answered to a step of an execution


@dataclass(frozen=True, slots=True)
class Attempt:
    """The execution an answer belongs to, as mapping the answer needs it."""

    block: CodeBlock
    nonce: str  # of the block's definition, '-' when it was defined before
    timeout_ms: int
    heap_limit_bytes: int


def outcome_of(answer: Answer, attempt: Attempt, *, memory_hit: bool, defining: bool = False) -> Outcome:
    """The one mapping from what the engine answered to the execution's outcome: a
    payload, the escape of code from its function, or a call that did not return a
    value (`defining`: the script that defines the code block). `memory_hit` says
    whether the isolate reached its heap limit."""
    if isinstance(answer, Payload):
        if answer.tag is PayloadTag.RESULT:
            return Outcome(ok=True, result_json=answer.body, logs=answer.logs)
        return Outcome(ok=False, error=CodeBlockError.from_js(answer.error_record()), logs=answer.logs)
    if isinstance(answer, Escaped):
        return Outcome(ok=False, error=stray_brace_error(attempt.block) or escape_error(),
                       retire_reason=RetireReason.ESCAPED)
    kind = answer.kind
    if defining and kind is ResultKind.PARSE_ERROR:  # nothing of the script ran: V8 compiles all of it first
        return Outcome(ok=False, error=syntax_error(answer.text, attempt.block, attempt.nonce))
    if defining and kind is ResultKind.EXCEPTION:  # cannot happen unless code ran outside its function
        return Outcome(ok=False, error=syntax_error(answer.text, attempt.block, attempt.nonce),
                       retire_reason=RetireReason.ESCAPED)
    if kind is ResultKind.OUT_OF_MEMORY or (kind is ResultKind.TERMINATED and memory_hit):
        limit_mb = attempt.heap_limit_bytes // (1024 * 1024)
        message = msg("Execution ran out of memory: the heap limit is %(limit)s MB", limit=limit_mb)
        return Outcome(ok=False, error=CodeBlockError(ErrorType.MEMORY_LIMIT, message),
                       retire_reason=RetireReason.MEMORY)
    if kind is ResultKind.TERMINATED:
        return Outcome(
            ok=False,
            error=CodeBlockError(ErrorType.TIMEOUT, msg("Execution timed out after %(ms)s ms", ms=attempt.timeout_ms)),
            retire_reason=RetireReason.TIMEOUT,
        )
    return Outcome(
        ok=False,
        error=CodeBlockError(ErrorType.INTERNAL, msg("The runtime failed unexpectedly; please retry")),
        retire_reason=RetireReason.after_engine(kind.value),
    )
