"""The error types a client can receive, and the exception that carries them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CodeBlockError", "ErrorType", "ExecutionFailure"]


class ErrorType(str, enum.Enum):
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
