"""HTTP API (ASGI, Starlette): request parsing, response shaping, status codes.

Contract (DESIGN.md section 3, compatible with Flow-CodeBlock clients):
POST /flow/codeblock {"input": {...}, "codebase64": "..."} (alias codeBase64,
optional "timeout" in ms) -> {"success", "result" | "error", "executionId",
"timing": {"executionTime", "totalTime", ...}, "timestamp", "request_id", "logs"?};
every answer carries the same envelope (envelope.py).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import time
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import orjson
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import __version__, metrics, playground
from .access import AccessControl, AccessSettings, presented_token
from .admin import AdminAPI
from .bodies import read_body
from .config import Settings, get_settings, published_limits
from .cors import CrossOrigin
from .engine import v8_version
from .envelope import Clock, current_request_id, envelope, request_id_var, timing
from .errors import CodeBlockError, ErrorType, ExecutionFailure
from .executor import ExecutionRequest, ExecutionResult
from .i18n import DEFAULT_LANGUAGE, Language, Message, msg, negotiate
from .logs import configure_logging
from .openapi import openapi_spec
from .quota import Quotas
from .randomness import random_bytes
from .rebalance import Rebalancer
from .sandbox import Sandbox
from .scripts import ScriptsAPI, ScriptStats, ScriptsWiring
from .service import rss_bytes, tune_gc
from .tokens import CachedTokens, TokenInfo
from .usage import UsageRecorder
from .usage_api import UsageAPI

if TYPE_CHECKING:
    from .db import Database
    from .script_store import ScriptStore
    from .token_store import TokenStore
    from .usage_store import UsageStore

__all__ = ["create_app", "render_result"]

log = logging.getLogger("flow_codeblock.api")
# The owner of the stored script a request calls (set when its quota is charged), for usage statistics.
_script_owner: ContextVar[int | None] = ContextVar("script_owner", default=None)
request_log = logging.getLogger("flow_codeblock.request")


class JSONBytes(Response):
    media_type = "application/json"


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class RequestContext:
    """ASGI middleware: a request ID (the client's X-Request-ID when it is sane, else
    a new one) on the response, in its body (`request_id`) and in the request's log
    line, plus security headers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"")
        sane = 0 < len(incoming) <= 128 and incoming.isascii()
        request_id = incoming.decode("latin-1") if sane else random_bytes(16).hex()
        token = request_id_var.set(request_id)

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode("latin-1")),
                                      *_SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)


def render_result(result: ExecutionResult, total_ms: float, clock: Clock,
                  language: Language = DEFAULT_LANGUAGE) -> tuple[int, bytes]:
    """The response status and body of an execution (shared by the API and the CLI), the
    service's own messages in `language`."""
    body: dict[str, Any]
    if result.ok:
        body = {
            "success": True,
            # Passed through as produced by JSON.stringify in V8, never re-encoded.
            "result": orjson.Fragment(result.result_json or "null"),
        }
        status = 200
    else:
        error = result.error or CodeBlockError(ErrorType.INTERNAL, msg("unknown failure"))
        body = {"success": False, "error": error.to_dict(language)}
        status = error.type.http_status
    body["executionId"] = result.execution_id
    body["timing"] = timing(result.execution_ms, total_ms, result.module_load_ms)
    envelope(clock, body)
    if result.logs is not None:
        body["logs"] = result.logs
    return status, orjson.dumps(body)


def failure_body(error: CodeBlockError, total_ms: float, clock: Clock, language: Language = DEFAULT_LANGUAGE) -> bytes:
    """The body of an answer refused before any execution began."""
    return orjson.dumps(envelope(clock, {"success": False, "error": error.to_dict(language),
                                         "timing": timing(0, total_ms)}))


def _error_response(failure: ExecutionFailure, started: float, clock: Clock, language: Language,
                    headers: dict[str, str] | None = None) -> Response:
    body = failure_body(failure.error, (time.perf_counter() - started) * 1000, clock, language)
    headers = {**(headers or {}), **failure.headers}
    if failure.retry_after:
        headers["Retry-After"] = str(max(1, math.ceil(failure.retry_after)))
    if failure.error.type is ErrorType.AUTHENTICATION:
        headers["WWW-Authenticate"] = 'Bearer realm="flow-codeblock"'
    return JSONBytes(body, status_code=failure.error.type.http_status, headers=headers)


def _invalid(message: Message) -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.VALIDATION, message)


def parse_request(body: bytes) -> ExecutionRequest:
    """Validates the request fields (types and presence; the executor checks content)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _invalid(msg("request body is not valid JSON: %(reason)s", reason=str(exc))) from None
    if not isinstance(data, dict):
        raise _invalid(msg("request body must be a JSON object"))
    code = data.get("codebase64", data.get("codeBase64"))
    if code is None:
        raise _invalid(msg("missing field: codebase64 (base64 of the JavaScript code)"))
    if not isinstance(code, str):
        raise _invalid(msg("codebase64 must be a string"))
    if data.get("input") is None:  # as Flow-CodeBlock: `input` is required ({} for none)
        raise _invalid(msg("missing field: input (the code block's input, a JSON object; send {} for none)"))
    payload = data["input"]
    timeout = data.get("timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise _invalid(msg("timeout must be a positive number of milliseconds"))
        timeout = max(1, int(timeout))
    return ExecutionRequest(code_base64=code, input=payload, timeout_ms=timeout)


def access_settings(settings: Settings) -> AccessSettings:
    return AccessSettings(
        auth_enabled=settings.auth_enabled, auth_db_path=settings.auth_db_path, auth_cache_s=settings.auth_cache_s,
        rate_limit_enabled=settings.rate_limit_enabled, redis_url=settings.redis_url,
        token_rps=settings.rate_limit_token_rps, token_burst=settings.rate_limit_token_burst,
        ip_rps=settings.rate_limit_ip_rps, ip_burst=settings.rate_limit_ip_burst, database_url=settings.database,
    )


def uses_database(settings: Settings) -> bool:
    """Only auth and the admin API need the database: without them the service never opens it."""
    return settings.auth_enabled or bool(settings.admin_token)


@dataclass(frozen=True, slots=True)
class Stores:
    """The database and what is kept in it (open_stores)."""

    database: Database
    tokens: TokenStore
    usage: UsageStore
    scripts: ScriptStore


def open_stores(settings: Settings) -> Stores | None:
    """The database's stores when the settings need them (uses_database), else None. SQLAlchemy
    and Alembic are imported here and nowhere else on the way to a running service: they cost
    a worker ~30 MB of RSS, which a service without a database does not pay (issue #20)."""
    if not uses_database(settings):
        return None
    from .db import Database
    from .script_store import ScriptStore
    from .token_store import TokenStore
    from .usage_store import UsageStore

    database = Database(settings.database)
    return Stores(database, TokenStore(database), UsageStore(database),
                  ScriptStore(database, settings.max_script_versions))


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    sandbox = Sandbox(settings)  # the Python API's object: one path for both
    clock = Clock(settings.timestamp_format, settings.timezone)
    stores = open_stores(settings)
    database = stores.database if stores is not None else None
    tokens = CachedTokens(stores.tokens, settings.auth_cache_s) if stores is not None else None
    # Usage records: in memory on the request's path, written in the background (usage.py).
    usage = UsageRecorder(stores.usage if stores is not None else None, settings.timezone,
                          flush_s=settings.usage_flush_s, stats_days=settings.stats_retention_days,
                          log_days=settings.quota_log_retention_days, max_buffer=settings.usage_buffer_max)
    quotas = (Quotas(tokens.store, settings.redis_url, settings.quota_redis_failure, usage)
              if tokens is not None else None)
    access = AccessControl(access_settings(settings), tokens, quotas)

    # One worker has no other to send a client to.
    rebalancer = Rebalancer(settings.rebalance_closes_per_s if settings.workers > 1 else 0)

    def reconnect() -> bool:
        """Whether this answer asks its client to reconnect (rebalance.py). One worker (the
        default): no look at the pool on every request."""
        return rebalancer.enabled and rebalancer.close_now(sandbox.service.pool.waiting)

    def language_of(accept_language: str | None) -> Language:
        # The client's Accept-Language when it names a language we have, else MESSAGES_LANGUAGE.
        return negotiate(accept_language, settings.messages_language)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if database is not None:
            await database.upgrade()  # a no-op when `codeblock serve` or `codeblock db upgrade` did it
        await sandbox.start()
        await scripts_api.start()
        usage.start()
        tune_gc()  # this process is the service: its GC is ours to tune
        log.info("service ready", extra={"version": __version__, "pool": settings.runtime_pool_size})
        try:
            yield
        finally:
            await scripts_api.aclose()  # its last statistics, before the database closes
            await sandbox.close()
            await access.aclose()  # its quota write-backs end before the last usage flush
            await usage.aclose()
            if database is not None:
                await database.aclose()
            metrics.mark_process_dead(os.getpid())
            log.info("service stopped")

    async def codeblock(request: Request) -> Response:
        started = time.perf_counter()
        headers: dict[str, str] = {}
        language = language_of(request.headers.get("accept-language"))
        try:
            headers = await access.check(request)
            execution = parse_request(await read_body(request, settings.body_limit))
        except ExecutionFailure as failure:
            _log_request(request, failure.error.type.http_status, started, None, failure.error)
            return _error_response(failure, started, clock, language, headers)
        result = await sandbox.execute(execution)
        if reconnect():  # a refusal too: its retry had better go to another worker
            headers = {**headers, "connection": "close"}
        if result.retry_after is not None:
            assert result.error is not None  # a retry_after comes with its failure (executor._failed)
            refusal = ExecutionFailure(result.error, retry_after=result.retry_after)
            _log_request(request, 429, started, result.execution_id, result.error)
            return _error_response(refusal, started, clock, language, headers)
        caller = getattr(request.state, "token", None)  # AccessControl's, with auth on
        usage.executed(caller.id if caller is not None else None, result.requires, result.ok)
        status, body = render_result(result, (time.perf_counter() - started) * 1000, clock, language)
        _log_request(request, status, started, result.execution_id, result.error)
        background = BackgroundTask(result.after) if result.after else None
        return JSONBytes(body, status_code=status, headers=headers or None, background=background)

    async def health(request: Request) -> Response:
        """Liveness, in Flow-CodeBlock's shape (probes read `data.status`); no work done."""
        return JSONBytes(orjson.dumps(envelope(clock, {
            "success": True,
            "data": {"status": "healthy", "service": "flow-codeblock", "version": __version__, "pid": os.getpid()},
        })))

    def pool_info() -> dict[str, Any]:
        stats = sandbox.service.pool.stats()
        return {
            "size": stats.size,
            "available": stats.idle,
            "inUse": stats.in_use,
            "waiting": stats.waiting,
            "creating": stats.creating,
            "minSize": stats.min_size,
            "maxSize": stats.max_size,
            "rebuiltTotal": stats.rebuilt_total,
            "healthChecks": stats.checks_total,
        }

    async def flow_health(request: Request) -> Response:
        """Readiness: 200 while the pool can serve (it was filled to its minimum before
        the server started listening; a runtime being rebuilt after a timeout must not
        take the whole replica out of its Service), else 503."""
        info = pool_info()
        warm = info["size"] - info["creating"] >= 1 and not sandbox.service.pool.closing
        body = {
            "status": "healthy" if warm else "warming",
            "timestamp": clock.now(),
            "uptime": round(sandbox.service.uptime_s, 3),
            "pid": os.getpid(),
            "version": __version__,
            "v8Version": v8_version(),
            "pool": {**info, "warm": warm},
            "memory": {"rss": rss_bytes(), "runtimeHeapLimit": settings.runtime_memory_limit_mb * 1024 * 1024},
        }
        return JSONBytes(orjson.dumps(body), status_code=200 if warm else 503)

    async def flow_status(request: Request) -> Response:
        try:
            await access.check(request)
        except ExecutionFailure as failure:
            return _error_response(failure, time.perf_counter(), clock,
                                   language_of(request.headers.get("accept-language")))
        stats = sandbox.service.executor.stats
        body = {
            "status": "running",
            "timestamp": clock.now(),
            "startTime": datetime.fromtimestamp(sandbox.service.started_at, UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "uptime": round(sandbox.service.uptime_s, 3),
            "pid": os.getpid(),
            "executions": {
                "total": stats.total,
                "successful": stats.succeeded,
                "failed": stats.failed,
                "successRate": round(stats.succeeded / stats.total, 4) if stats.total else None,
                "averageExecutionTime": round(stats.execution_ms_total / stats.total, 3) if stats.total else None,
                "byErrorType": stats.by_error_type,
            },
            "pool": {**pool_info(), **warm_info()},
            "memory": {"rss": rss_bytes()},
        }
        return JSONBytes(orjson.dumps(body))

    def warm_info() -> dict[str, Any]:
        """Module-aware acquires and warm-up (pool.py): how often a runtime with the block's
        modules was free, what a runtime built now would load, and the heap measured per module."""
        pool = sandbox.service.pool
        return {"warmHits": pool.warm_hits, "coldPicks": pool.cold_picks, "warmModules": list(pool.warm_modules()),
                "moduleHeapBytes": dict(pool.module_costs)}

    async def prometheus(request: Request) -> Response:
        return Response(metrics.render(), media_type=metrics.CONTENT_TYPE_LATEST)

    async def limits(request: Request) -> Response:
        return JSONBytes(orjson.dumps({**published_limits(settings), "rssLimitMb": sandbox.service.rss_limit_mb}))

    spec = orjson.dumps(openapi_spec())

    async def openapi_json(request: Request) -> Response:
        return JSONBytes(spec)

    async def bench_static(request: Request) -> Response:
        # Reads and parses the body like /flow/codeblock, then answers a fixed result.
        parse_request(await read_body(request, settings.body_limit))
        return JSONBytes(b'{"success":true,"result":42}')

    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", extra={"path": loggable_path(request.url.path)})
        failure = ExecutionFailure.of(ErrorType.INTERNAL, msg("internal error in the service; please retry"))
        return _error_response(failure, time.perf_counter(), clock, language_of(request.headers.get("accept-language")))

    def admin_error(failure: ExecutionFailure, request: Request) -> Response:
        _log_request(request, failure.error.type.http_status, time.perf_counter(), None, failure.error)
        return _error_response(failure, time.perf_counter(), clock, language_of(request.headers.get("accept-language")))

    async def charge_owner(request: Request, owner: TokenInfo) -> dict[str, str]:
        headers = await access.charge_owner(request, owner)
        _script_owner.set(owner.id)  # this request's context: execute_for_owner reads it
        return headers

    async def execute_for_owner(execution: ExecutionRequest) -> ExecutionResult:
        """A stored script's execution, counted in the usage statistics as its owner's."""
        result = await sandbox.execute(execution)
        usage.executed(_script_owner.get(), result.requires, result.ok)
        return result

    def scripts_wiring() -> ScriptsWiring | None:
        """Stored scripts belong to API tokens: they need auth on (and so the database)."""
        if not settings.auth_enabled or stores is None or tokens is None:
            return None
        store = stores.scripts
        return ScriptsWiring(
            store=store, owners=tokens, stats=ScriptStats(store, settings.script_stats_flush_s),
            authenticate=access.authenticate, charge=charge_owner,
            validate=lambda code: sandbox.service.executor.validate(code), execute=execute_for_owner,
            clock=clock, language_of=language_of, cache_s=settings.auth_cache_s,
            body_limit=settings.body_limit, log_request=_log_request, reconnect=reconnect,
            render=lambda result, total_ms, request: render_result(
                result, total_ms, clock, language_of(request.headers.get("accept-language"))))

    admin = AdminAPI(tokens, settings.admin_token, clock, settings.timezone, presented_token,
                     admin_error, language_of, quotas)
    admin_routes = [*admin.routes(), *UsageAPI(admin, tokens, usage, quotas).routes()]
    scripts_api = ScriptsAPI(scripts_wiring(), admin_error)
    bench_routes = [Route("/bench/static", bench_static, methods=["POST"])] if settings.enable_bench_routes else []
    app = Starlette(
        routes=[
            *bench_routes,
            # The hot routes first: Starlette tries the routes in order, one regex each.
            Route("/flow/codeblock", codeblock, methods=["POST"]),
            *scripts_api.routes(),  # its call route first
            *admin_routes,
            Route("/health", health, methods=["GET"]),
            Route("/flow/limits", limits, methods=["GET"]),
            Route("/flow/health", flow_health, methods=["GET"]),
            Route("/flow/status", flow_status, methods=["GET"]),
            Route("/metrics", prometheus, methods=["GET"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            *playground.routes(),
        ],
        lifespan=lifespan,
        exception_handlers={Exception: internal_error},
    )
    # Outermost last: the request ID first, then cross-origin rules, then compression.
    app.add_middleware(GZipMiddleware, minimum_size=500)

    def cross_origin_refusal(origin: str, accept_language: str | None) -> bytes:
        error = CodeBlockError(ErrorType.FORBIDDEN, msg("cross-origin request from %(origin)s refused: this service "
                                                        "answers server-side callers, its own host and ALLOWED_ORIGINS",
                                                        origin=origin))
        return failure_body(error, 0.0, clock, language_of(accept_language))

    app.add_middleware(CrossOrigin, allowed=settings.allowed_origin_set, refusal=cross_origin_refusal)
    app.add_middleware(RequestContext)
    return app


_TOKEN_IN_PATH: Final = re.compile(r"^(/flow/tokens/)([^/]+)")


def loggable_path(path: str) -> str:
    """`path` as logs may carry it: the admin API names a token in its path
    (/flow/tokens/:token), and a log line keeps only its hint (the first 10 characters,
    as the admin API lists it)."""
    return _TOKEN_IN_PATH.sub(lambda m: f"{m.group(1)}{m.group(2)[:10]}...", path, count=1)


def _log_request(
    request: Request, status: int, started: float, execution_id: str | None, error: CodeBlockError | None
) -> None:
    if not request_log.isEnabledFor(logging.INFO):
        return
    request_log.info(
        "request",
        extra={
            "requestId": current_request_id(),
            "method": request.method,
            "path": loggable_path(request.scope["path"]),
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 3),
            "executionId": execution_id,
            "errorType": error.type.value if error else None,
        },
    )
