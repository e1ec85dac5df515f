"""flow-codeblock: run untrusted JavaScript code blocks in pooled, sandboxed V8 runtimes,
over HTTP (`codeblock serve`) or in-process from Python:

    from flow_codeblock import Sandbox

    with Sandbox(execution_timeout_ms=2000) as sb:
        print(sb.run("return input.a + input.b", input={"a": 1, "b": 2}).value)  # 3
"""

__version__ = "0.2.0"  # the one place the version lives (pyproject.toml reads it)

from .config import ConfigError, Settings
from .errors import (
    AuthenticationError,
    CodeBlockError,
    CodeRangeError,
    CodeReferenceError,
    CodeRuntimeError,
    CodeSyntaxError,
    CodeTimeoutError,
    CodeTypeError,
    CodeURIError,
    ConcurrencyError,
    ConsoleDisabledError,
    ErrorType,
    ForbiddenError,
    InternalError,
    MemoryLimitError,
    PayloadTooLargeError,
    QuotaExceeded,
    RateLimitError,
    ResultTooLargeError,
    SecurityError,
    ServiceUnavailableError,
    ValidationError,
)
from .sandbox import LogEntry, Result, Sandbox, SandboxError, SyncSandbox, Timing

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
    "ConfigError",
    "ConsoleDisabledError",
    "ErrorType",
    "ForbiddenError",
    "InternalError",
    "LogEntry",
    "MemoryLimitError",
    "PayloadTooLargeError",
    "QuotaExceeded",
    "RateLimitError",
    "Result",
    "ResultTooLargeError",
    "Sandbox",
    "SandboxError",
    "SecurityError",
    "ServiceUnavailableError",
    "Settings",
    "SyncSandbox",
    "Timing",
    "ValidationError",
    "__version__",
]
