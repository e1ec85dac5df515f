"""Flow-CodeBlock's environment variables, so that its deployments' env files keep
working: the names it reads (renoelis/JS-go-executor, config/config.go) that mean a
setting of ours under another name or unit, translated; and the names that have no
effect here, which `codeblock config` names in a warning. Variables with the same
name and meaning (EXECUTION_TIMEOUT_MS, MAX_CODE_LENGTH, RUNTIME_POOL_SIZE, ...) need
nothing: README "Migrating from Flow-CodeBlock" lists them with the defaults that differ.
Our own variable wins when both are set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

__all__ = ["IGNORED", "translate", "unused"]

_MIB = 1024 * 1024
# What ALLOW_PRIVATE_IP=true allows (private and loopback; not link-local, where cloud
# metadata lives); ENABLE_SSRF_PROTECTION=false allows everything.
_PRIVATE = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,fc00::/7,::1/128"
_EVERYTHING = "0.0.0.0/0,::/0"


def _true(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes", "on")


def _false(value: str) -> bool:
    return value.strip().lower() in ("false", "0", "no", "off")


def _mb(value: str) -> str:
    return str(int(float(value) * _MIB))


def _seconds_to_ms(value: str) -> str:
    return str(int(float(value) * 1000))


# Flow-CodeBlock's name -> (our setting, conversion of its value; None: not applicable).
_TRANSLATED: dict[str, tuple[str, Callable[[str], str | None]]] = {
    "HEALTH_CHECK_INTERVAL_SECONDS": ("HEALTH_CHECK_INTERVAL_S", str),
    "RUNTIME_POOL_ACQUIRE_TIMEOUT_SEC": ("ACQUIRE_TIMEOUT_MS", _seconds_to_ms),
    "CONCURRENCY_WAIT_TIMEOUT_SEC": ("ACQUIRE_TIMEOUT_MS", _seconds_to_ms),
    "MAX_ERROR_RATE_THRESHOLD": ("RUNTIME_MAX_ERROR_RATE", str),
    "MAX_RESPONSE_SIZE_MB": ("FETCH_MAX_RESPONSE_BYTES", _mb),
    "MAX_REQUEST_BODY_MB": ("MAX_BODY_SIZE", _mb),
    "ENABLE_SSRF_PROTECTION": ("FETCH_ALLOW_HOSTS", lambda v: _EVERYTHING if _false(v) else None),
    "ALLOW_PRIVATE_IP": ("FETCH_ALLOW_HOSTS", lambda v: _PRIVATE if _true(v) else None),
}

# Read by Flow-CodeBlock, with no effect here (a feature this service does differently or
# not at all): named by `codeblock config`.
IGNORED = frozenset({
    "ENVIRONMENT", "GIN_MODE", "ENABLE_PPROF", "CODE_CACHE_SIZE", "SLOW_EXECUTION_THRESHOLD_MS",
    "CIRCUIT_BREAKER_ENABLED", "CIRCUIT_BREAKER_MIN_REQUESTS", "CIRCUIT_BREAKER_FAILURE_RATIO",
    "CIRCUIT_BREAKER_TIMEOUT_SEC", "CIRCUIT_BREAKER_MAX_REQUESTS", "ENABLE_JS_MEMORY_LIMIT", "JS_MEMORY_LIMIT_MB",
    "MIN_ERROR_COUNT_FOR_CHECK", "MIN_EXECUTION_COUNT_FOR_STATS", "LONG_RUNNING_THRESHOLD_MINUTES",
    "POOL_EXPANSION_THRESHOLD_PERCENT", "MAX_RUNTIME_REUSE_COUNT", "GC_TRIGGER_INTERVAL",
    "FETCH_RESPONSE_READ_TIMEOUT_MS", "MAX_BLOB_FILE_SIZE_MB", "FORMDATA_BUFFER_SIZE", "MAX_FILE_SIZE_MB",
    "MAX_BUFFERED_FORMDATA_MB", "MAX_STREAMING_FORMDATA_MB", "REQUEST_STREAM_BUFFER_LIMIT_MB",
    "MAX_FORMDATA_SIZE_MB", "FORMDATA_STREAMING_THRESHOLD_MB", "ENABLE_CHUNKED_UPLOAD", "HTTP_MAX_IDLE_CONNS",
    "HTTP_MAX_IDLE_CONNS_PER_HOST", "HTTP_MAX_CONNS_PER_HOST", "HTTP_IDLE_CONN_TIMEOUT_SEC", "HTTP_DIAL_TIMEOUT_SEC",
    "HTTP_KEEP_ALIVE_SEC", "HTTP_TLS_HANDSHAKE_TIMEOUT_SEC", "HTTP_EXPECT_CONTINUE_TIMEOUT_SEC", "HTTP_FORCE_HTTP2",
    "HTTP_RESPONSE_BODY_IDLE_TIMEOUT_SEC", "IP_RATE_LIMIT_PRE_AUTH", "IP_RATE_LIMIT_PRE_AUTH_BURST",
    "IP_RATE_LIMIT_POST_AUTH", "IP_RATE_LIMIT_POST_AUTH_BURST", "IP_RATE_LIMIT_GLOBAL", "IP_RATE_LIMIT_GLOBAL_BURST",
    "DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_NAME", "DB_MAX_OPEN_CONNS", "DB_MAX_IDLE_CONNS",
    "DB_CONN_MAX_LIFETIME_MIN", "DB_CONN_MAX_IDLE_TIME_MIN", "REDIS_POOL_SIZE", "REDIS_MIN_IDLE_CONNS",
    "REDIS_DIAL_TIMEOUT_SEC", "REDIS_READ_TIMEOUT_SEC", "REDIS_WRITE_TIMEOUT_SEC", "REDIS_MAX_RETRIES",
    "TOKEN_CACHE_HOT_SIZE", "TOKEN_CACHE_HOT_TTL_MINUTES", "TOKEN_CACHE_REDIS_TTL_MINUTES", "CACHE_WRITE_POOL_WORKERS",
    "CACHE_WRITE_POOL_QUEUE_SIZE", "CACHE_WRITE_POOL_SUBMIT_TIMEOUT_MS", "RATE_LIMIT_HOT_SIZE",
    "RATE_LIMIT_REDIS_TTL_MINUTES", "RATE_LIMIT_BATCH_SIZE", "QUOTA_CLEANUP_ENABLED", "QUOTA_CLEANUP_RETENTION_DAYS",
    "QUOTA_CLEANUP_INTERVAL_HOURS", "QUOTA_CLEANUP_BATCH_SIZE", "QUOTA_SYNC_QUEUE_SIZE", "QUOTA_LOG_QUEUE_SIZE",
    "QUOTA_SYNC_BATCH_SIZE", "QUOTA_SYNC_INTERVAL_MS", "XLSX_MAX_SNAPSHOT_SIZE_MB", "XLSX_MAX_ROWS", "XLSX_MAX_COLS",
    "TEST_TOOL_API_URL", "TEST_TOOL_LOGO_URL", "CUSTOM_LOGO_URL", "CUSTOM_LOGO_PATH", "TEST_TOOL_AI_URL",
    "TEST_TOOL_HELP_URL", "TEST_TOOL_API_DOC_URL", "TEST_TOOL_GUIDE_URL", "TEST_TOOL_EXAMPLE_URL",
    "TEST_TOOL_APPLY_URL",
    "TOKEN_VERIFY_ENABLED", "PAGE_SESSION_ENABLED", "PAGE_SESSION_TTL_MIN", "PAGE_SESSION_SECRET", "EMAIL_WEBHOOK_URL",
    "EMAIL_WEBHOOK_TIMEOUT_SEC", "TOKEN_VERIFY_CODE_LENGTH", "TOKEN_VERIFY_CODE_EXPIRY_SEC",
    "TOKEN_VERIFY_MAX_ATTEMPTS", "TOKEN_VERIFY_COOLDOWN_SEC", "TOKEN_VERIFY_RATE_LIMIT_EMAIL",
    "TOKEN_VERIFY_RATE_LIMIT_IP", "MAX_SCRIPT_VERSIONS", "SCRIPT_CACHE_TTL", "SCRIPT_CACHE_PREFIX",
    "SCRIPT_EXEC_IP_RATE_LIMIT", "SCRIPT_EXEC_IP_RATE_LIMIT_BURST", "TOKEN_EXPIRED_SCRIPT_RETENTION_DAYS",
    "STATS_ORPHAN_RETENTION_DAYS", "STATS_MAX_RETENTION_DAYS", "SCRIPT_CLEANUP_ENABLED",
    "SCRIPT_CLEANUP_INTERVAL_HOURS",
    "SCRIPT_CLEANUP_TIMEOUT_SEC", "ADMIN_TOKEN", "BUFFER_MAX_PRACTICAL_LENGTH", "BUFFER_MAX_SAFE_INTEGER",
    "BUFFER_MAX_STRING_LENGTH", "BUFFER_MMAP_CLEANUP_INTERVAL", "BUFFER_MMAP_LEAK_TIMEOUT",
    "BUFFER_MMAP_CLEANUP_BATCH_SIZE",
})


def translate(environ: Mapping[str, str]) -> dict[str, str]:
    """Our settings (as environment variable names) that Flow-CodeBlock's variables in
    `environ` imply, where ours are not set themselves."""
    out: dict[str, str] = {}
    for theirs, (ours, convert) in _TRANSLATED.items():
        if theirs in environ and ours not in environ and ours not in out:
            try:
                value = convert(environ[theirs])
            except ValueError:
                value = environ[theirs]  # passed on as is: our validation names the problem
            if value is not None:
                out[ours] = value
    if "REDIS_URL" not in environ and environ.get("REDIS_HOST") and not _false(environ.get("REDIS_ENABLED", "true")):
        password = environ.get("REDIS_PASSWORD", "")
        auth = f":{quote(password, safe='')}@" if password else ""
        port, db = environ.get("REDIS_PORT", "6379"), environ.get("REDIS_DB", "0")
        out["REDIS_URL"] = f"redis://{auth}{environ['REDIS_HOST']}:{port}/{db}"
    return out


def unused(environ: Mapping[str, str]) -> list[str]:
    """Flow-CodeBlock's variables set in `environ` that have no effect here."""
    return sorted(name for name in environ if name in IGNORED)
