"""The failure vocabulary: what a client is told, and why a runtime is retired.

    ErrorType                the `error.type` of an answer (permanent values)
    ├── CodeBlockError       the `error` object of a failed answer, of one ErrorType
    │   └── ExecutionFailure the exception that ends a request with a CodeBlockError
    RetireReason             why a runtime is taken out of service (never shown to a
    │                        client; the `reason` label of runtime_rebuilt_total)
    ├── execution            escaped, timeout, memory, engine_*, executor_error
    ├── reset                reset_*, code_cache_full, dirty, dirty_<category>
    └── pool                 error_rate, heap_growth, executions, age, rss
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["CodeBlockError", "ErrorType", "ExecutionFailure", "RetireReason"]


class ErrorType(enum.StrEnum):
    """The `error.type` of an answer. The values are permanent: clients branch on them
    (Flow-CodeBlock's names where it has one; README lists them side by side)."""

    VALIDATION = "ValidationError"
    SECURITY = "SecurityError"
    SYNTAX = "SyntaxError"
    REFERENCE = "ReferenceError"
    TYPE = "TypeError"
    RANGE = "RangeError"
    URI = "URIError"
    RUNTIME = "RuntimeError"
    TIMEOUT = "TimeoutError"
    MEMORY_LIMIT = "MemoryLimitError"
    RESULT_TOO_LARGE = "ResultTooLargeError"
    CONCURRENCY = "ConcurrencyError"
    AUTHENTICATION = "AuthenticationError"
    FORBIDDEN = "ForbiddenError"
    RATE_LIMIT = "RateLimitError"
    PAYLOAD_TOO_LARGE = "PayloadTooLargeError"
    CONSOLE_DISABLED = "ConsoleDisabledError"  # ALLOW_CONSOLE=reject and the code uses console
    SERVICE_UNAVAILABLE = "ServiceUnavailableError"  # shutting down
    QUOTA_EXCEEDED = "QuotaExceeded"  # a token's quota is used up (stored scripts and quotas)
    INTERNAL = "InternalError"

    @property
    def http_status(self) -> int:
        return _STATUS.get(self, 400)


_STATUS = {
    ErrorType.CONCURRENCY: 429,
    ErrorType.AUTHENTICATION: 401,
    ErrorType.FORBIDDEN: 403,
    ErrorType.RATE_LIMIT: 429,
    ErrorType.PAYLOAD_TOO_LARGE: 413,
    ErrorType.SERVICE_UNAVAILABLE: 503,
    ErrorType.QUOTA_EXCEEDED: 429,
    ErrorType.INTERNAL: 500,
}

_KNOWN = {t.value: t for t in ErrorType}


@dataclass(frozen=True, slots=True)
class CodeBlockError:
    """The `error` object of a failure response."""

    type: ErrorType
    message: str
    line: int | None = None
    column: int | None = None
    stack: str | None = None
    name: str | None = None
    code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_js(cls, record: dict[str, Any]) -> CodeBlockError:
        """Builds the error from the record the JS layer produced (see js/lib/internal/result.js)."""
        kind = _KNOWN.get(str(record.get("type")), ErrorType.RUNTIME)
        return cls(
            type=kind,
            message=str(record.get("message", "")),
            line=record.get("line"),
            column=record.get("column"),
            stack=record.get("stack"),
            name=record.get("name"),
            code=record.get("code"),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type.value, "message": self.message}
        for key in ("line", "column", "name", "code", "stack"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out.update(self.extra)
        return out


class ExecutionFailure(Exception):
    """Raised inside the service to end a request with a documented error."""

    def __init__(self, error: CodeBlockError, *, retry_after: float | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{error.type.value}: {error.message}")
        self.error = error
        self.retry_after = retry_after
        self.headers = headers or {}  # extra response headers (X-RateLimit-*)

    @classmethod
    def of(cls, kind: ErrorType, message: str, **kwargs: Any) -> ExecutionFailure:
        retry_after = kwargs.pop("retry_after", None)
        headers = kwargs.pop("headers", None)
        return cls(CodeBlockError(kind, message, **kwargs), retry_after=retry_after, headers=headers)


class RetireReason(enum.StrEnum):
    """Why a runtime must not be reused. The values are the `reason` label of
    runtime_rebuilt_total: a bounded set, so the metric's cardinality is too."""

    # The execution left the runtime in doubt (runtime.py).
    ESCAPED = "escaped"  # the code ran outside its function
    TIMEOUT = "timeout"
    MEMORY = "memory"
    ENGINE_EXCEPTION = "engine_exception"
    ENGINE_PARSE_ERROR = "engine_parse_error"
    ENGINE_ERROR = "engine_engine_error"
    EXECUTOR_ERROR = "executor_error"  # the host failed mid-execution (executor.py)
    # The reset after an execution failed or found what it cannot undo (runtime.py).
    RESET_EXCEPTION = "reset_exception"
    RESET_PARSE_ERROR = "reset_parse_error"
    RESET_OUT_OF_MEMORY = "reset_out_of_memory"
    RESET_TERMINATED = "reset_terminated"
    RESET_ENGINE_ERROR = "reset_engine_error"
    CODE_CACHE_FULL = "code_cache_full"
    DIRTY = "dirty"  # a reason the JS reset gave that no category below matches
    DIRTY_GLOBAL = "dirty_global"
    DIRTY_SHARED_OBJECT = "dirty_shared_object"
    DIRTY_NOT_FROZEN = "dirty_not_frozen"
    DIRTY_SHARED_BUFFER = "dirty_shared_buffer"
    # The pool's rules (policy.py) and its memory backstop (service.py).
    ERROR_RATE = "error_rate"
    HEAP_GROWTH = "heap_growth"
    EXECUTIONS = "executions"
    AGE = "age"
    RSS = "rss"

    @classmethod
    def after_engine(cls, kind: str) -> RetireReason:
        """An execution's call into V8 ended abnormally with the engine result `kind`."""
        return _ENGINE.get(kind, cls.ENGINE_ERROR)

    @classmethod
    def after_reset(cls, kind: str) -> RetireReason:
        """The reset call ended abnormally with the engine result `kind`."""
        return _RESET.get(kind, cls.RESET_ENGINE_ERROR)

    @classmethod
    def dirty(cls, problem: str) -> RetireReason:
        """The category of what the JS reset could not undo (its 'dirty:<problem>'
        report, js/lib/internal/per_execution.js and harden.js), DIRTY if none matches."""
        for pattern, reason in _DIRTY_CATEGORIES:
            if pattern.search(problem):
                return reason
        return cls.DIRTY


_ENGINE: Final = {
    "exception": RetireReason.ENGINE_EXCEPTION,
    "parse_error": RetireReason.ENGINE_PARSE_ERROR,
    "engine_error": RetireReason.ENGINE_ERROR,
}
_RESET: Final = {
    "exception": RetireReason.RESET_EXCEPTION,
    "parse_error": RetireReason.RESET_PARSE_ERROR,
    "out_of_memory": RetireReason.RESET_OUT_OF_MEMORY,
    "terminated": RetireReason.RESET_TERMINATED,
    "engine_error": RetireReason.RESET_ENGINE_ERROR,
}
# The problems the JS reset names, by category. Searched anywhere in the text: the JS
# may throw them as strings or wrap them in an Error ("Error: ...").
_DIRTY_CATEGORIES: Final = (
    (re.compile(r"\bthe global object\b|\bglobal \S.* cannot be (?:deleted|put back)"), RetireReason.DIRTY_GLOBAL),
    (re.compile(r"\ba shared object was changed\b"), RetireReason.DIRTY_SHARED_OBJECT),
    (re.compile(r"\ba shared object is not frozen\b"), RetireReason.DIRTY_NOT_FROZEN),
    (re.compile(r"\ba shared ArrayBuffer was detached or resized\b"), RetireReason.DIRTY_SHARED_BUFFER),
)
