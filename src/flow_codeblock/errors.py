"""The failure vocabulary: what a client is told, and why a runtime is retired.

    ErrorType                the `error.type` of an answer (permanent values)
    ├── CodeBlockError       the `error` object of a failed answer, of one ErrorType;
    │   │                    an exception, which the Python API raises (Sandbox.run)
    │   ├── a subclass per ErrorType, named after it (ValidationError, MemoryLimitError,
    │   │   ...; with `Code` before the names Python builds in: CodeSyntaxError,
    │   │   CodeReferenceError, CodeTypeError, CodeRangeError, CodeURIError,
    │   │   CodeRuntimeError, CodeTimeoutError)
    │   └── ExecutionFailure the exception that ends a request with a CodeBlockError
    RetireReason             why a runtime is taken out of service (never shown to a
    │                        client; the `reason` label of runtime_rebuilt_total)
    ├── execution            escaped, timeout, memory, engine_*, executor_error
    ├── reset                reset_*, code_cache_full, dirty, dirty_<category>
    └── pool                 error_rate, heap_growth, executions, age, rss
"""

from __future__ import annotations

import builtins
import enum
import re
from typing import Any, ClassVar, Final, Self, cast

from .i18n import DEFAULT_LANGUAGE, Message, recognise

__all__ = [
    "AuthenticationError",
    "CodeBlockError",
    "CodeRangeError",
    "CodeReferenceError",
    "CodeRuntimeError",
    "CodeSyntaxError",
    "CodeTimeoutError",
    "CodeTypeError",
    "CodeURIError",
    "ConcurrencyError",
    "ConsoleDisabledError",
    "ErrorType",
    "ExecutionFailure",
    "ForbiddenError",
    "InternalError",
    "MemoryLimitError",
    "NotFoundError",
    "PayloadTooLargeError",
    "QuotaExceeded",
    "RateLimitError",
    "ResultTooLargeError",
    "RetireReason",
    "SecurityError",
    "ServiceUnavailableError",
    "TokenExpiredError",
    "ValidationError",
]


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
    NOT_FOUND = "NotFoundError"  # the admin API: no such token (Flow-CodeBlock's ErrorTypeNotFound)
    TOKEN_EXPIRED = "TokenExpiredError"  # a stored script's owner token expired or was revoked (410)
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
    ErrorType.NOT_FOUND: 404,
    ErrorType.TOKEN_EXPIRED: 410,
    ErrorType.INTERNAL: 500,
}

_KNOWN = {t.value: t for t in ErrorType}


class CodeBlockError(Exception):
    """A failed execution: the `error` object of a failed answer (`to_dict`), and the
    exception `Sandbox.run` raises.

    Every instance is of the subclass of its `type`: `CodeBlockError(ErrorType.TIMEOUT,
    ...)` is a `CodeTimeoutError`, so callers catch the kinds they handle
    (`except CodeTimeoutError`) or all of them (`except CodeBlockError`).

    Attributes:
        type: the ErrorType (the answer's `error.type`).
        message: the message in English, V8's own for errors the code threw.
        template: the service's own message as a `Message`, which `to_dict(language)`
            and `translated(language)` render in another language; None for V8's
            messages and the code's own, which stay as written.
        line: 1-based line in the submitted code, when known.
        column: 1-based column in the submitted code, when known.
        stack: the stack trace, with frames of the submitted code only.
        name: the JavaScript error's `name` (e.g. `TypeError`, or a custom class's).
        code: the thrown error's string `code` property (e.g. `ERR_INVALID_ARG_TYPE`).
        extra: further fields of the answer's `error` object.
    """

    error_type: ClassVar[ErrorType | None] = None  # the ErrorType a subclass stands for

    def __new__(cls, type: ErrorType, message: str | Message, *args: Any, **kwargs: Any) -> Self:
        # The base class builds the subclass of `type` (a subtype of cls: Self holds).
        kind = cast("builtins.type[Self]", _CLASSES.get(type, cls)) if cls is CodeBlockError else cls
        return super().__new__(kind)

    def __init__(self, type: ErrorType, message: str | Message, line: int | None = None, column: int | None = None,
                 stack: str | None = None, name: str | None = None, code: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        template = message if isinstance(message, Message) else None
        text = message.render() if isinstance(message, Message) else message
        super().__init__(type, text)  # args: what pickling rebuilds it from (Celery sends errors)
        self.type = type
        self.message = text
        self.template = template
        self.line = line
        self.column = column
        self.stack = stack
        self.name = name
        self.code = code
        self.extra = extra if extra is not None else {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.error_type is not None:
            _CLASSES[cls.error_type] = cls

    def __str__(self) -> str:
        where = f" (line {self.line}, column {self.column})" if self.line is not None else ""
        return f"{self.message}{where}"

    def __eq__(self, other: object) -> bool:
        # Equal by value, as the error object it is (two answers with the same error).
        if not isinstance(other, CodeBlockError):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields()[:-1])  # `extra`, a dict, left out: equal errors still hash alike

    def _fields(self) -> tuple[Any, ...]:
        return (self.type, self.message, self.line, self.column, self.stack, self.name, self.code, self.extra)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.type.value!r}, {self.message!r}, line={self.line}, column={self.column})"

    @classmethod
    def from_js(cls, record: dict[str, Any]) -> CodeBlockError:
        """Builds the error from the record the JS layer produced (see js/lib/internal/result.js)."""
        kind = _KNOWN.get(str(record.get("type")), ErrorType.RUNTIME)
        text = str(record.get("message", ""))
        return cls(
            type=kind,
            message=_recognised(record, kind, text) or text,
            line=record.get("line"),
            column=record.get("column"),
            stack=record.get("stack"),
            name=record.get("name"),
            code=record.get("code"),
        )

    def message_in(self, language: str) -> str:
        """The message in `language` ("en", "zh-CN"): the service's own are translated,
        V8's and the code's own are returned as written."""
        if self.template is None or language == DEFAULT_LANGUAGE:
            return self.message
        return self.template.render(language)

    def _stack_in(self, language: str) -> str | None:
        # The stack's first line repeats the message ("SecurityError: ..."): the same language.
        header = f"{self.name}: {self.message}"
        if self.stack is None or self.template is None or not self.stack.startswith(header):
            return self.stack
        return f"{self.name}: {self.message_in(language)}{self.stack[len(header):]}"

    def translated(self, language: str) -> CodeBlockError:
        """This error with its message in `language` (itself when nothing changes)."""
        text = self.message_in(language)
        if text == self.message:
            return self
        copy = CodeBlockError(self.type, text, self.line, self.column, self._stack_in(language), self.name,
                              self.code, dict(self.extra))
        copy.template = self.template
        return copy

    def to_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The answer's `error` object: type and message (in `language` when the service
        wrote it), then the fields that are set."""
        out: dict[str, Any] = {"type": self.type.value, "message": self.message_in(language)}
        for key in ("line", "column", "name", "code", "stack"):
            value = self._stack_in(language) if key == "stack" else getattr(self, key)
            if value is not None:
                out[key] = value
        out.update(self.extra)
        return out


def _recognised(record: dict[str, Any], kind: ErrorType, text: str) -> Message | None:
    # The JS layer's own messages, by code first (process.exit's RuntimeError), then type.
    code = record.get("code")
    return (recognise(code, text) if isinstance(code, str) else None) or recognise(kind.value, text)


_CLASSES: dict[ErrorType, type[CodeBlockError]] = {}  # filled by CodeBlockError.__init_subclass__


class ValidationError(CodeBlockError):
    """The request was refused before running: empty code, no `return`, code or input over its limit,
    input not a JSON object."""

    error_type = ErrorType.VALIDATION


class SecurityError(CodeBlockError):
    """The code did what code blocks may not: `eval`/`new Function`, a forbidden module, a refused address."""

    error_type = ErrorType.SECURITY


class CodeSyntaxError(CodeBlockError):
    """The code does not parse (JavaScript's SyntaxError)."""

    error_type = ErrorType.SYNTAX


class CodeReferenceError(CodeBlockError):
    """The code threw a JavaScript ReferenceError (e.g. an undefined name)."""

    error_type = ErrorType.REFERENCE


class CodeTypeError(CodeBlockError):
    """The code threw a JavaScript TypeError (including a result that cannot be serialised to JSON)."""

    error_type = ErrorType.TYPE


class CodeRangeError(CodeBlockError):
    """The code threw a JavaScript RangeError."""

    error_type = ErrorType.RANGE


class CodeURIError(CodeBlockError):
    """The code threw a JavaScript URIError."""

    error_type = ErrorType.URI


class CodeRuntimeError(CodeBlockError):
    """The code threw anything else: an `Error`, a custom class (see `name`), a string, an object."""

    error_type = ErrorType.RUNTIME


class CodeTimeoutError(CodeBlockError):
    """The execution passed its timeout, including code after `await` and in timers."""

    error_type = ErrorType.TIMEOUT


class MemoryLimitError(CodeBlockError):
    """The runtime's V8 heap limit or the execution's ArrayBuffer budget was exceeded."""

    error_type = ErrorType.MEMORY_LIMIT


class ResultTooLargeError(CodeBlockError):
    """The result's JSON is over MAX_RESULT_SIZE bytes, or nested too deep."""

    error_type = ErrorType.RESULT_TOO_LARGE


class ConcurrencyError(CodeBlockError):
    """No runtime became free in time (ACQUIRE_TIMEOUT_MS), or too many executions wait."""

    error_type = ErrorType.CONCURRENCY


class ConsoleDisabledError(CodeBlockError):
    """ALLOW_CONSOLE is `reject` and the code uses `console`."""

    error_type = ErrorType.CONSOLE_DISABLED


class ServiceUnavailableError(CodeBlockError):
    """The sandbox or service is shutting down."""

    error_type = ErrorType.SERVICE_UNAVAILABLE


class InternalError(CodeBlockError):
    """A fault of the sandbox itself, never of the code: retrying may succeed."""

    error_type = ErrorType.INTERNAL


class AuthenticationError(CodeBlockError):
    """HTTP only: no or an unknown API token."""

    error_type = ErrorType.AUTHENTICATION


class ForbiddenError(CodeBlockError):
    """HTTP only: a revoked token, or a browser origin not allowed."""

    error_type = ErrorType.FORBIDDEN


class RateLimitError(CodeBlockError):
    """HTTP only: a rate limit was reached."""

    error_type = ErrorType.RATE_LIMIT


class PayloadTooLargeError(CodeBlockError):
    """HTTP only: the request body is over MAX_BODY_SIZE."""

    error_type = ErrorType.PAYLOAD_TOO_LARGE


class QuotaExceeded(CodeBlockError):
    """HTTP only: a token's quota is used up."""

    error_type = ErrorType.QUOTA_EXCEEDED


class NotFoundError(CodeBlockError):
    """HTTP only: the admin API names a token that does not exist (or was deleted)."""

    error_type = ErrorType.NOT_FOUND


class TokenExpiredError(CodeBlockError):
    """HTTP only: a stored script's owner token has expired or was revoked (410 Gone)."""

    error_type = ErrorType.TOKEN_EXPIRED


class ExecutionFailure(Exception):
    """Raised inside the service to end a request with a documented error."""

    def __init__(self, error: CodeBlockError, *, retry_after: float | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{error.type.value}: {error.message}")
        self.error = error
        self.retry_after = retry_after
        self.headers = headers or {}  # extra response headers (X-RateLimit-*)

    @classmethod
    def of(cls, kind: ErrorType, message: str | Message, **kwargs: Any) -> ExecutionFailure:
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
