"""Settings: one validated value object, built from keyword arguments or from the
environment (load_settings / Settings.from_env), with errors that name the setting."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .legacy_env import translate
from .netpolicy import parse_host_list

__all__ = ["PUBLISHED_LIMITS", "ConfigError", "Settings", "async_url", "get_settings", "load_settings",
           "published_limits"]

MiB = 1024 * 1024


class ConfigError(ValueError):
    """A setting has a bad value; the message names the variable and what it accepts."""


class Settings(BaseModel):
    """Every setting of the service and of a `Sandbox`, validated, immutable.

    Built from keyword arguments only: `Settings(execution_timeout_ms=2000)` reads no
    environment variable. `Settings.from_env(**overrides)` reads the environment variable
    of each setting's upper-case name (EXECUTION_TIMEOUT_MS), as the service does.
    A bad value raises pydantic's ValidationError here, ConfigError from `from_env`
    and `Settings.of`; an unknown keyword is refused (a typo must not pass silently).
    """

    # validate_default: the derived values (_derived) and validators see the defaults too.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    # HTTP server
    host: str = "0.0.0.0"
    port: int = Field(3002, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    # With several workers: a worker whose executions wait for a runtime closes up to this
    # many keep-alive connections a second (`Connection: close`), so that clients reconnect
    # to a less busy worker (rebalance.py says why); 0: never.
    rebalance_closes_per_s: float = Field(10.0, ge=0, le=10_000)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "text"] = "json"
    # `timestamp` of the answers: RFC 3339 with the zone's offset, or `local`
    # (YYYY-MM-DD HH:mm:ss, Flow-CodeBlock's; with TIMEZONE=Asia/Shanghai, its exact form).
    timestamp_format: Literal["rfc3339", "local"] = "rfc3339"
    # IANA zone for timestamps and the code blocks' own local time (Date, Intl, dayjs);
    # empty: the host's zone.
    timezone: str = Field("", description="IANA time zone, e.g. Asia/Shanghai; empty: the host's")
    # The language of the service's own messages (errors, refusals) when the request's
    # Accept-Language names none we have (i18n.py); V8's messages are never translated.
    messages_language: Literal["en", "zh-CN"] = "en"
    # POST /bench/static: the same stack returning a fixed body (the floor for bench/run.py).
    enable_bench_routes: bool = False

    # Request limits (defaults as Flow-CodeBlock)
    max_code_length: int = Field(65535, ge=1, le=10 * MiB, description="characters of decoded code")
    max_input_size: int = Field(2 * MiB, ge=2, le=256 * MiB, description="bytes of input JSON")
    max_result_size: int = Field(5 * MiB, ge=16, le=256 * MiB, description="bytes of result JSON")
    max_body_size: int | None = Field(None, ge=1024, description="bytes; default derived from the two above")
    execution_timeout_ms: int = Field(5000, ge=10, le=600_000)

    # Per-runtime memory
    runtime_memory_limit_mb: int = Field(128, ge=16, le=4096, description="V8 heap hard limit")
    array_buffer_limit_mb: int = Field(128, ge=1, le=4096, description="ArrayBuffer bytes per execution")
    # Each WebAssembly memory is charged to the ArrayBuffer budget at the size it may
    # grow to (wasm code grows it where no JS sees it): its declared maximum, else this.
    # Default: 64, or ARRAY_BUFFER_LIMIT_MB when that is lower.
    wasm_memory_limit_mb: int | None = Field(None, ge=1, le=4096,
                                             description="the most one WebAssembly memory may grow to")

    # Console capture
    # true: console output captured into `logs`; false: console calls do nothing; reject:
    # code that names `console` is refused before it runs (ConsoleDisabledError, as
    # Flow-CodeBlock does when its console is off).
    allow_console: Literal["true", "false", "reject"] = "true"
    max_console_entries: int = Field(100, ge=0, le=100_000)
    max_console_bytes: int = Field(64 * 1024, ge=0, le=16 * MiB)

    # Pool (per worker process): a small warm pool that grows on demand, because an idle
    # runtime is cheap (docs/performance.md); the maximum bounds MAX x RUNTIME_MEMORY_LIMIT_MB.
    runtime_pool_size: int = Field(4, ge=1, le=1000, description="initial runtimes")
    min_runtime_pool_size: int = Field(2, ge=1, le=1000)
    max_runtime_pool_size: int = Field(32, ge=1, le=1000)
    runtime_idle_timeout_min: float = Field(5.0, gt=0, le=24 * 60)
    # Free runtimes kept while some are parked on timers or fetch (policy.PoolPolicy); 0:
    # grow only once executions wait. With growth built at idle priority (below), a spare
    # costs requests no CPU: on bench/tail_latency.py --growth the whole window's p99 went
    # from 11-47 ms with 0 to 5.1-7.0 ms with 1 or 2 (docs/performance.md, thirteenth
    # session). The onset of a parked load (the pool still at its resting size) wants 2:
    # max latency of the other requests in that second, 5 runs each, median 70 ms with 1
    # against 29 ms with 2 (fourteenth session). Each spare is a runtime's memory, only
    # while executions are parked.
    runtime_pool_spare: int = Field(2, ge=0, le=1000)
    # Growth and replacements are built at idle priority (SCHED_IDLE), so that building
    # never takes a core from a request (pool.py); off: at normal priority, as at start-up.
    runtime_build_idle_priority: bool = True
    health_check_interval_s: float = Field(30.0, gt=0, le=3600)
    runtime_max_age_s: float = Field(3600.0, gt=0)
    runtime_max_executions: int = Field(10_000, ge=1)
    runtime_max_heap_growth_mb: int = Field(64, ge=1)
    runtime_max_error_rate: float = Field(0.5, gt=0, le=1)
    # Warm-up (pool.py, issue #24): what a new runtime loads before it serves, so that no
    # request pays for a first `require`. PRELOAD_MODULES always; then the modules recent
    # executions used, most used first, within WARMUP_BUDGET_MB of V8 heap per runtime
    # (default: lodash, dayjs, date-fns, crypto and more fit; xlsx and pinyin do not,
    # docs/performance.md "Tail latency at light load").
    preload_modules: str = Field("", description="comma-separated modules every runtime loads before it serves, "
                                                 "e.g. lodash,dayjs")
    warmup_budget_mb: int = Field(16, ge=0, le=4096, description="V8 heap MB per runtime for the modules recent "
                                                                "executions used; 0: PRELOAD_MODULES only")
    max_concurrent_executions: int = Field(200, ge=1, le=100_000, description="executions waiting for a runtime")
    acquire_timeout_ms: int = Field(5000, ge=1, le=600_000)
    reset_timeout_ms: int = Field(1000, ge=10, le=60_000)
    shutdown_drain_timeout_s: float = Field(10.0, ge=0, le=3600)
    # Memory backstop per worker process (ArrayBuffers, wasm memories and V8's own memory
    # are outside the heap limits): above it, runtimes are retired (idle ones at once,
    # busy ones when their execution ends). Unset: 80% of the machine's or container's
    # memory divided among the workers (memory_budget_mb). 0 turns it off.
    rss_limit_mb: int | None = Field(None, ge=0, le=1_048_576, description="per worker process; 0: off")
    rss_check_interval_s: float = Field(5.0, gt=0, le=3600)

    # Outbound HTTP from code blocks (fetch, axios): outbound.py, netpolicy.py
    fetch_allow_hosts: str = Field("", description="comma-separated hosts, *.suffixes, IPs or CIDRs allowed "
                                                   "despite the private-address rules")
    fetch_deny_hosts: str = Field("", description="comma-separated hosts, *.suffixes, IPs or CIDRs always refused")
    fetch_timeout_ms: int = Field(10_000, ge=1, le=600_000, description="per request, redirects included")
    fetch_max_response_bytes: int = Field(10 * MiB, ge=0, le=1024 * MiB)
    fetch_max_requests_per_execution: int = Field(50, ge=0, le=10_000)
    fetch_max_concurrent: int = Field(100, ge=1, le=10_000, description="outbound requests per process")
    fetch_max_inflight_bytes: int = Field(32 * MiB, ge=0, le=4096 * MiB,
                                          description="response bytes one execution's requests may hold in the host")
    # A response body read as a stream (Response.body, axios responseType 'stream') may run
    # past fetch_max_response_bytes up to this (Flow-CodeBlock's name and default); the
    # buffered readers (text, json, arrayBuffer, blob) keep fetch_max_response_bytes.
    max_streaming_size_mb: int = Field(100, ge=0, le=64 * 1024, description="per response body read as a stream")
    fetch_max_open_bodies: int = Field(8, ge=1, le=1000, description="response bodies one execution may hold open "
                                                                     "in the host at once")

    # Access: API tokens and rate limits (access.py), both off by default
    auth_enabled: bool = False
    auth_db_path: str = Field("codeblock-tokens.sqlite3", min_length=1,
                              description="SQLite file of API tokens (DATABASE_PATH wins when set)")
    # The database of tokens (db.py): SQLite at DATABASE_PATH (default: AUTH_DB_PATH), or the server
    # DATABASE_URL names (postgresql://user:password@host/db), which replicas share.
    database_path: str = Field("", description="SQLite file of tokens and scripts; empty: AUTH_DB_PATH")
    database_url: str = Field("", description="postgresql://user:password@host/db; empty: SQLite at DATABASE_PATH")
    # The admin API (/flow/tokens) answers only requests that carry this token; empty: it refuses all.
    admin_token: str = Field("", description="secret of the admin API (/flow/tokens); empty: admin API off")
    auth_cache_s: float = Field(5.0, ge=0, le=3600, description="how long a token lookup is reused")
    rate_limit_enabled: bool = False
    rate_limit_token_rps: float = Field(20.0, gt=0, le=1_000_000, description="sustained requests/s per token")
    rate_limit_token_burst: int = Field(40, ge=1, le=1_000_000)
    rate_limit_ip_rps: float = Field(10.0, gt=0, le=1_000_000, description="sustained requests/s per client IP")
    rate_limit_ip_burst: int = Field(20, ge=1, le=1_000_000)
    redis_url: str = Field("", description="redis://host:port/db: rate limits and count quotas shared by every "
                                           "replica")
    # With REDIS_URL, what a count quota does when Redis fails (quota.py): closed answers 503, open lets
    # the call through uncounted. Both count quota_store_errors_total.
    quota_redis_failure: Literal["open", "closed"] = "closed"
    # Usage records (usage.py): quota logs and day buckets (in TIMEZONE) of executions per token and
    # per module, buffered in memory and written every USAGE_FLUSH_S seconds and at shutdown.
    stats_retention_days: int = Field(30, ge=1, le=3660, description="days of /flow/stats/* kept")
    quota_log_retention_days: int = Field(180, ge=1, le=3660, description="days of quota logs kept")
    usage_flush_s: float = Field(2.0, gt=0, le=3600, description="seconds between writes of usage records")
    usage_buffer_max: int = Field(100_000, ge=100, le=10_000_000,
                                  description="usage records held before new ones are dropped (and counted)")
    # Stored scripts (scripts.py): versions kept per script, and how often each process adds its
    # scripts' call statistics to the database.
    max_script_versions: int = Field(5, ge=1, le=1000, description="versions kept per stored script")
    script_stats_flush_s: float = Field(10.0, gt=0, le=3600,
                                        description="seconds between writes of stored scripts' call statistics")
    # Proxies whose X-Forwarded-For names the client (per-IP limits, logs): comma-separated
    # addresses or CIDRs, '*' for any. Empty: none, the peer address is the client.
    forwarded_allow_ips: str = Field("", description="proxies trusted to name the client in X-Forwarded-For")
    # Browsers' origins allowed to call the API (Flow-CodeBlock's rules, cors.py): comma-separated,
    # exact (https://app.example.com). Requests without an Origin, and from this very host, always are.
    allowed_origins: str = Field("", description="comma-separated origins allowed to call from a browser")

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Settings from keyword arguments alone (no environment), raising ConfigError
        with every bad value named, as the service reports its environment's."""
        return _validated(values)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from the environment (plus `overrides`, which win): load_settings."""
        return load_settings(**overrides)

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value:
            async_url(value, "")  # raises ValueError naming what it accepts
        return value

    @field_validator("admin_token")
    @classmethod
    def _admin_token(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("must be at least 16 characters (it guards every token)")
        return value

    @property
    def database(self) -> str:
        """The SQLAlchemy asyncio URL of the service's database (db.py)."""
        return async_url(self.database_url, self.database_path or self.auth_db_path)

    @field_validator("allow_console", mode="before")
    @classmethod
    def _allow_console(cls, value: object) -> object:
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return "true"
        if text in ("false", "0", "no", "off"):
            return "false"
        return text

    @property
    def console_enabled(self) -> bool:
        return self.allow_console == "true"

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)") from None
        return value

    @field_validator("preload_modules")
    @classmethod
    def _preload_modules(cls, value: str) -> str:
        preload_names(value)  # raises ValueError naming the bad entry
        return value

    @property
    def preload(self) -> tuple[str, ...]:
        """PRELOAD_MODULES as installable module names, each after what it requires."""
        return preload_names(self.preload_modules)

    @field_validator("fetch_allow_hosts", "fetch_deny_hosts")
    @classmethod
    def _host_list(cls, value: str) -> str:
        parse_host_list(value.split(","))  # raises ValueError naming the bad entry
        return value

    @model_validator(mode="after")
    def _derived(self) -> Settings:
        if self.min_runtime_pool_size > self.max_runtime_pool_size:
            raise ValueError(
                f"MIN_RUNTIME_POOL_SIZE ({self.min_runtime_pool_size}) is above "
                f"MAX_RUNTIME_POOL_SIZE ({self.max_runtime_pool_size})"
            )
        if self.wasm_memory_limit_mb is None:
            object.__setattr__(self, "wasm_memory_limit_mb", min(64, self.array_buffer_limit_mb))
        elif self.wasm_memory_limit_mb > self.array_buffer_limit_mb:
            raise ValueError(
                f"WASM_MEMORY_LIMIT_MB ({self.wasm_memory_limit_mb}) is above ARRAY_BUFFER_LIMIT_MB "
                f"({self.array_buffer_limit_mb}), whose budget its memories are charged to"
            )
        if self.max_body_size is None:
            # base64 of the longest code (4 bytes per character at worst) plus the input.
            body = self.max_input_size + (self.max_code_length * 4 * 4) // 3 + 64 * 1024
            object.__setattr__(self, "max_body_size", body)
        return self

    @property
    def allowed_origin_set(self) -> frozenset[str]:
        return frozenset(o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip())

    @property
    def wasm_limit_mb(self) -> int:
        assert self.wasm_memory_limit_mb is not None  # derived in _derived
        return self.wasm_memory_limit_mb

    @property
    def body_limit(self) -> int:
        assert self.max_body_size is not None
        return self.max_body_size


# The settings GET /flow/limits publishes, in this order, under their camelCase names
# (the API adds the effective rssLimitMb). Clients read them: names and order stay.
PUBLISHED_LIMITS: Final = (
    "max_code_length", "max_input_size", "max_result_size", "max_body_size", "execution_timeout_ms",
    "runtime_memory_limit_mb", "array_buffer_limit_mb", "allow_console", "max_console_entries", "max_console_bytes",
    "runtime_pool_size", "min_runtime_pool_size", "max_runtime_pool_size", "runtime_idle_timeout_min",
    "health_check_interval_s", "max_concurrent_executions", "acquire_timeout_ms", "fetch_timeout_ms",
    "fetch_max_response_bytes", "fetch_max_requests_per_execution", "fetch_max_concurrent",
    "fetch_max_inflight_bytes", "wasm_memory_limit_mb", "max_streaming_size_mb", "fetch_max_open_bodies",
)


def published_limits(settings: Settings) -> dict[str, object]:
    """The PUBLISHED_LIMITS of `settings` by camelCase name (max_body_size -> maxBodySize)."""
    return {_camel_case(name): getattr(settings, name) for name in PUBLISHED_LIMITS}


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def async_url(database_url: str, sqlite_path: str) -> str:
    """The SQLAlchemy URL with an asyncio driver: DATABASE_URL as given (postgresql:// and
    sqlite:// get asyncpg and aiosqlite; an explicit +driver is kept), else the SQLite file.
    Text only, here rather than in db.py: every worker validates its settings, and only one
    with a database may import SQLAlchemy (issue #20)."""
    if not database_url:
        return f"sqlite+aiosqlite:///{sqlite_path}"
    scheme, sep, rest = database_url.partition("://")
    if not sep:
        raise ValueError("must be a URL such as postgresql://user:password@host/db or sqlite:///path")
    drivers = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}
    if "+" in scheme:
        return database_url
    if scheme not in drivers:
        raise ValueError(f"unsupported database {scheme!r}: postgresql:// or sqlite://")
    return f"{drivers[scheme]}://{rest}"


def load_settings(**overrides: object) -> Settings:
    """Reads the environment (plus `overrides`), raising ConfigError on a bad value.
    Each setting comes from the variable of its name in any case (EXECUTION_TIMEOUT_MS);
    Flow-CodeBlock's names for our settings are read too (legacy_env.py); ours win."""
    return _validated({**_environment(os.environ), **overrides})


def _environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The settings the environment sets: Flow-CodeBlock's translated names, then ours."""
    fields = Settings.model_fields
    values = {name.lower(): value for name, value in translate(environ).items()}
    values.update((name.lower(), value) for name, value in environ.items() if name.lower() in fields)
    return {name: value for name, value in values.items() if name in fields}


def _validated(values: dict[str, Any]) -> Settings:
    """Settings(**values), whatever their types, or ConfigError naming each bad value."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "SETTINGS"
            problems.append(f"{name}: {err['msg']} (got {err.get('input')!r})")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None


def preload_names(text: str) -> tuple[str, ...]:
    """The modules of a PRELOAD_MODULES value (comma-separated names as code blocks require
    them: lodash, dayjs/plugin/utc, crypto), resolved and in install order. ValueError for
    a name that is not a module the host installs."""
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    if not entries:
        return ()
    from .bundles import module_catalog  # the built bundles: read only when modules are named

    catalog = module_catalog()
    names = []
    for entry in entries:
        name = catalog.resolve(entry)
        if name is None or name.startswith("internal:"):
            raise ValueError(f"{entry!r} is not a module to preload: name one of {', '.join(catalog.requirable)} "
                             "(the core modules not listed, such as util or events, are in every runtime already)")
        names.append(name)
    return catalog.install_order(tuple(dict.fromkeys(names)))


def memory_budget_mb() -> int:
    """The memory this process tree may use: the cgroup's limit (a container's), else
    the machine's physical memory."""
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as fh:
                text = fh.read().strip()
        except OSError:
            continue
        if text.isdigit():
            return min(int(text), physical) // MiB
    return physical // MiB


def effective_rss_limit_mb(settings: Settings) -> int:
    """RSS_LIMIT_MB, or when unset 80% of memory_budget_mb() shared by the workers; 0: off."""
    if settings.rss_limit_mb is not None:
        return settings.rss_limit_mb
    return max(256, memory_budget_mb() * 8 // 10 // settings.workers)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
