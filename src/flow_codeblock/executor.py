"""One execution: decode, validate, wrap, lease a runtime, run with limits, release.

The executor knows nothing of HTTP; the API and the CLI both call `Executor.execute`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import functools
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from . import metrics
from .analysis import analyse, first_use
from .bundles import module_catalog
from .codeblock import CodeBlock, stray_brace_error
from .errors import CodeBlockError, ErrorType, ExecutionFailure, RetireReason
from .i18n import msg
from .outbound import Fetcher, OutboundSession
from .pool import RuntimePool
from .randomness import random_uuid
from .runtime import Runtime

__all__ = ["ExecutionLimits", "ExecutionRequest", "ExecutionResult", "Executor"]

log = logging.getLogger(__name__)
_BLOCK_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class ExecutionLimits:
    """What the executor needs of the settings (service.execution_limits builds it)."""

    max_code_length: int  # characters of decoded code
    max_input_size: int  # bytes of input JSON
    execution_timeout_ms: int  # the longest an execution may run; requests may ask for less
    acquire_timeout_ms: int  # the longest an execution waits for a runtime
    reset_timeout_ms: int
    console: Literal["true", "false", "reject"]  # ALLOW_CONSOLE

    @property
    def console_enabled(self) -> bool:
        return self.console == "true"


@dataclass(frozen=True, slots=True)
class ExecutionRequest:
    """One execution asked for: the code as base64 of its UTF-8 text (the HTTP API's
    `codebase64`) or as text (`code`, the Python API's), exactly one of the two."""

    code_base64: str | None
    input: Any
    timeout_ms: int | None = None
    code: str | None = None

    def __post_init__(self) -> None:
        if (self.code_base64 is None) == (self.code is None):
            raise ValueError("an ExecutionRequest has code_base64 or code, exactly one")


@dataclass(slots=True)
class ExecutionResult:
    execution_id: str
    ok: bool
    result_json: str | None
    error: CodeBlockError | None
    logs: list[dict[str, str]] | None
    execution_ms: float
    # Work to run after the response is sent (reset and release of the runtime).
    after: Callable[[], Awaitable[None]] | None = None
    retry_after: float | None = None
    # ms this execution spent loading modules its runtime did not have (not in
    # execution_ms); None when it loaded none.
    module_load_ms: float | None = None
    # The modules the code requires (CodeBlock.requires), for usage statistics.
    requires: tuple[str, ...] = ()


@dataclass
class ExecutionStats:
    """Counters of this process since start (for /flow/status)."""

    total: int = 0
    succeeded: int = 0
    failed: int = 0
    by_error_type: dict[str, int] = field(default_factory=dict)
    execution_ms_total: float = 0.0

    def record(self, ok: bool, error_type: str | None, execution_ms: float) -> None:
        self.total += 1
        self.execution_ms_total += execution_ms
        if ok:
            self.succeeded += 1
        else:
            self.failed += 1
            key = error_type or "unknown"
            self.by_error_type[key] = self.by_error_type.get(key, 0) + 1


class Executor:
    def __init__(self, limits: ExecutionLimits, pool: RuntimePool, fetcher: Fetcher | None = None) -> None:
        self._limits = limits
        self._pool = pool
        self._fetcher = fetcher  # None: code blocks get no network access
        self._blocks: OrderedDict[tuple[str | None, str | None], CodeBlock] = OrderedDict()
        self.stats = ExecutionStats()

    async def execute(self, request: ExecutionRequest) -> ExecutionResult:
        result = await self._execute(request)
        error_type = result.error.type.value if result.error else None
        self.stats.record(result.ok, error_type, result.execution_ms)
        _executions_counter(result.ok, error_type or "").inc()
        if result.execution_ms:
            metrics.execution_duration_seconds.observe(result.execution_ms / 1000)
        return result

    async def _execute(self, request: ExecutionRequest) -> ExecutionResult:
        execution_id = random_uuid()
        try:
            block = self._block_for(request)
            input_json = self._input_json(request.input)
            timeout_ms = self._timeout_ms(request.timeout_ms)
        except ExecutionFailure as failure:
            return _failed(execution_id, failure)

        loop = asyncio.get_running_loop()
        queued = time.perf_counter()
        try:
            runtime = await self._pool.acquire(self._limits.acquire_timeout_ms / 1000, block.modules)
        except ExecutionFailure as failure:
            return _failed(execution_id, failure)
        finally:
            metrics.execution_queue_wait_seconds.observe(time.perf_counter() - queued)
        # The deadline starts once a runtime is ours: queueing is not the code's time.
        deadline = loop.time() + timeout_ms / 1000
        try:
            host = OutboundSession(self._fetcher, deadline) if self._fetcher is not None else None
            try:
                outcome = await runtime.execute(block, input_json, deadline, timeout_ms, host)
            finally:  # bodies the code left open: cancelled, their connections closed
                if host is not None:
                    await host.aclose()
        except BaseException:
            self._pool.retire(runtime, RetireReason.EXECUTOR_ERROR)
            raise
        logs = outcome.logs if self._limits.console_enabled else None
        return ExecutionResult(
            execution_id=execution_id,
            ok=outcome.ok,
            result_json=outcome.result_json,
            error=outcome.error,
            logs=logs,
            execution_ms=outcome.execution_ms,
            after=functools.partial(self._finish, runtime, outcome.retire_reason),
            module_load_ms=outcome.module_load_ms,
            requires=block.requires,
        )

    async def validate(self, code_base64: str) -> CodeBlock:
        """Checks a code block as a stored script is checked when it is saved: base64 and
        UTF-8, size, a `return`, and V8's own compile (on a pooled runtime, nothing of the
        code runs). Raises ExecutionFailure: ValidationError, or SyntaxError in the user's
        lines. The block is cached as a posted one is, so its first call compiles nothing new."""
        block = self._block_for(ExecutionRequest(code_base64=code_base64, input={}))
        runtime = await self._pool.acquire(self._limits.acquire_timeout_ms / 1000, ())
        try:
            outcome = await runtime.compile_check(block, self._limits.reset_timeout_ms / 1000)
        except BaseException:
            self._pool.retire(runtime, RetireReason.EXECUTOR_ERROR)
            raise
        if outcome.retire_reason is not None:
            self._pool.retire(runtime, outcome.retire_reason)
        else:
            self._pool.release(runtime)
        if not outcome.ok:
            error = outcome.error or CodeBlockError(ErrorType.SYNTAX, msg("the code does not compile"))
            raise ExecutionFailure(error)
        # It compiled inside its wrapper, yet a `}` of its own closes its function early: a
        # run refuses it (the runtime sees it escape), so saving it does too, as Node would
        # reject the code alone.
        stray = stray_brace_error(block)
        if stray is not None:
            raise ExecutionFailure(stray)
        return block

    # -- validation -------------------------------------------------------------------

    def _decode(self, code_base64: str) -> str:
        try:
            raw = base64.b64decode(code_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ExecutionFailure.of(ErrorType.VALIDATION, msg("codebase64 is not valid base64")) from None
        try:
            return self._checked(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ExecutionFailure.of(ErrorType.VALIDATION, msg("the decoded code is not valid UTF-8")) from None

    def _checked(self, code: str) -> str:
        if not code.strip():
            raise ExecutionFailure.of(ErrorType.VALIDATION, msg("the code is empty"))
        if len(code) > self._limits.max_code_length:
            raise ExecutionFailure.of(
                ErrorType.VALIDATION,
                msg("the code is %(length)s characters long, over the limit of %(limit)s", length=len(code),
                    limit=self._limits.max_code_length),
            )
        return code

    def _block_for(self, request: ExecutionRequest) -> CodeBlock:
        """The validated, wrapped code block. Cached by the request's own base64 or
        text, so a repeated code block is neither decoded, hashed nor parsed again."""
        key = (request.code_base64, request.code)  # one is None: base64 and text never collide
        block = self._blocks.get(key)
        if block is not None:
            self._blocks.move_to_end(key)
            return block
        if request.code is not None:
            block = self._compile(self._checked(request.code))
        else:
            assert request.code_base64 is not None  # exactly one is set (ExecutionRequest)
            block = self._compile(self._decode(request.code_base64))
        self._blocks[key] = block
        if len(self._blocks) > _BLOCK_CACHE_SIZE:
            self._blocks.popitem(last=False)
        return block

    def _compile(self, code: str) -> CodeBlock:
        # The sha256 identifies the code in each runtime's definition cache.
        key = hashlib.sha256(code.encode()).hexdigest()
        facts = analyse(code)
        if not facts.has_return:
            raise ExecutionFailure.of(
                ErrorType.VALIDATION,
                msg("the code has no return statement: a code block must return its result, e.g. "
                    "`return { ok: true };`"),
            )
        if self._limits.console == "reject" and "console" in facts.identifiers:
            line, column = first_use(code, "console") or (1, 1)
            raise ExecutionFailure.of(ErrorType.CONSOLE_DISABLED,
                                      msg("console is disabled in code blocks here (ALLOW_CONSOLE=reject): line "
                                          "%(line)s, column %(column)s", line=line, column=column),
                                      line=line, column=column)
        catalog = module_catalog()
        named = [m for m in map(catalog.resolve, facts.modules) if m]
        named += [module for name, module in catalog.globals.items()
                  if name in facts.identifiers or name in facts.strings or name in facts.properties]
        named += [module for name, module in catalog.properties.items() if name in facts.properties]
        named += catalog.companions_of(named, facts.properties)
        modules = catalog.install_order(tuple(dict.fromkeys(named)))
        block = CodeBlock.wrap(
            facts.rewritten or code, key, is_async=facts.uses_await, stray_brace=facts.stray_brace, modules=modules
        )
        return dataclasses.replace(block, requires=_required(facts.modules))

    def _input_json(self, value: Any) -> str:
        if not isinstance(value, dict):
            raise ExecutionFailure.of(ErrorType.VALIDATION, msg("input must be a JSON object"))
        try:
            data = orjson.dumps(value)
        except (TypeError, orjson.JSONEncodeError) as exc:
            raise ExecutionFailure.of(ErrorType.VALIDATION,
                                      msg("input is not serialisable as JSON: %(reason)s", reason=str(exc))) from None
        if len(data) > self._limits.max_input_size:
            raise ExecutionFailure.of(
                ErrorType.VALIDATION,
                msg("input is %(size)s bytes of JSON, over the limit of %(limit)s", size=len(data),
                    limit=self._limits.max_input_size),
            )
        return data.decode()

    def _timeout_ms(self, requested: int | None) -> int:
        limit = self._limits.execution_timeout_ms
        if requested is None:
            return limit
        return min(requested, limit)

    # -- after the response -----------------------------------------------------------

    async def _finish(self, runtime: Runtime, retire_reason: RetireReason | None) -> None:
        started = time.perf_counter()
        if retire_reason is None:
            try:
                retire_reason = await runtime.reset(self._limits.reset_timeout_ms / 1000)
            except BaseException:
                # Cancelled mid-reset (the response's background task, at shutdown): whether
                # the runtime is clean is unknown, and one left leased would be lost to the pool.
                self._pool.retire(runtime, RetireReason.EXECUTOR_ERROR)
                raise
        if retire_reason is None:
            self._pool.release(runtime)
        else:
            self._pool.retire(runtime, retire_reason)
        if log.isEnabledFor(logging.DEBUG):
            ms = round((time.perf_counter() - started) * 1000, 3)
            log.debug("runtime reset", extra={"runtime": runtime.id, "ms": ms, "retired": retire_reason})


# The modules every runtime has (load: 'eager' in js/modules.manifest.mjs): not in the
# catalog of host-installed ones, yet what a code block may require.
_EAGER_MODULES = frozenset({"assert", "assert/strict", "buffer", "events", "process", "querystring",
                            "string_decoder", "timers", "util"})


def _required(specifiers: tuple[str, ...]) -> tuple[str, ...]:
    """The module names of `specifiers` (node:crypto is crypto, lodash/get is lodash); unknown
    ones (which fail at run time) are left out, so the statistics' names stay a known set."""
    catalog = module_catalog()
    names = []
    for specifier in specifiers:
        name = catalog.resolve(specifier) or specifier.removeprefix("node:")
        if (name in catalog.files and not name.startswith("internal:")) or name in _EAGER_MODULES:
            names.append(name)
    return tuple(dict.fromkeys(names))


@functools.cache
def _executions_counter(ok: bool, error_type: str) -> Any:
    """The labelled child of executions_total (a labels() lookup per request costs more
    than the increment)."""
    return metrics.executions_total.labels(status="success" if ok else "error", error_type=error_type)


def _failed(execution_id: str, failure: ExecutionFailure) -> ExecutionResult:
    return ExecutionResult(
        execution_id=execution_id,
        ok=False,
        result_json=None,
        error=failure.error,
        logs=None,
        execution_ms=0.0,
        retry_after=failure.retry_after,
    )
