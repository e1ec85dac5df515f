"""Stored scripts, as Flow-CodeBlock has them (controller/script_controller.go): a code block
saved once by an API token and run by id, with no code and no token in the call.

Management (the calling token's own scripts; another token's script is 404):
POST /flow/scripts, GET /flow/scripts, GET/PUT/DELETE /flow/scripts/{id}, GET
/flow/scripts/{id}/stats. Answers are Flow-CodeBlock's: {"success", "data", "message"?,
"timestamp", "request_id"}.

Calls: GET or POST /flow/codeblock/{id} runs the current version with `input` =
{query, header, body}; the owner's rate limit and quota apply (access.py), and the script's
IP allow-list. The answer is the result itself (JSON, or text/plain for a string) with an
X-Execution-Id header; failures keep the usual error envelope.

What a call reads (the script and its owner) is cached for AUTH_CACHE_S in each process:
changes made through this process drop their entry at once, other processes and replicas
see them within AUTH_CACHE_S. The code itself is compiled once per version: the executor
caches blocks by their base64 text and each runtime its definitions by the code's hash.

Statistics are counted in memory per process and added to the database every
SCRIPT_STATS_FLUSH_S seconds (and at shutdown) with one upsert per latency bucket, so any
number of workers and replicas add up; GET .../stats first writes this process's counts.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import ipaddress
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar
from urllib.parse import parse_qsl

import orjson
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .bodies import invalid, json_body, parse_model, read_body, whole
from .envelope import Clock, envelope
from .errors import CodeBlockError, ErrorType, ExecutionFailure
from .executor import ExecutionRequest, ExecutionResult
from .i18n import Language, Message, msg
from .tokens import CachedTokens, TokenInfo

if TYPE_CHECKING:
    from .script_store import ScriptStore

__all__ = ["DEFAULT_MAX_SCRIPTS", "LATENCY_BUCKETS_MS", "NewCode", "NoSuchScript", "NoSuchVersion", "Script",
           "ScriptStats", "ScriptsAPI", "ScriptsWiring", "TooManyScripts", "Updated", "Version", "allowed",
           "parse_whitelist"]

log = logging.getLogger(__name__)

DEFAULT_MAX_SCRIPTS: Final = 50  # a token without max_scripts (Flow-CodeBlock's default)
_ID: Final = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_MAX_BODY: Final = 1024 * 1024  # a management request: code (MAX_CODE_LENGTH, as base64) and a description
_MAX_WHITELIST: Final = 100
_MAX_PAGE_SIZE: Final = 100
_SORTABLE: Final = ("updated_at", "created_at", "id", "description", "version")  # GET /flow/scripts?sort=
# Upper bounds (ms) of the latency buckets. Permanent: script_stats.bucket is an index into it.
LATENCY_BUCKETS_MS: Final = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500,
                             2000, 3000, 5000, 10000, 30000, 60000, float("inf"))

# -- values -------------------------------------------------------------------------------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_whitelist(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and CIDRs (`10.0.0.0/8`, `2001:db8::/32`); ValueError naming a bad one."""
    networks: list[Network] = []
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            raise ValueError(f"ip_whitelist: {entry!r} is not an IP address or CIDR") from None
        networks.append(_unmapped(network))
    return tuple(networks)


_MAPPED: Final = ipaddress.IPv6Network("::ffff:0:0/96")


def _unmapped(network: Network) -> Network:
    """An IPv4-mapped range (`::ffff:10.0.0.0/104`) as its IPv4 range: `allowed` compares a
    mapped client as its IPv4 address, so the entry must be one too to match it."""
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_MAPPED):
        mapped = network.network_address.ipv4_mapped
        assert mapped is not None
        return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network


def allowed(client: str | None, networks: tuple[Network, ...]) -> bool:
    """Whether `client` may call a script with the allow-list `networks` (empty: anyone).
    An IPv4-mapped IPv6 address counts as its IPv4 address."""
    if not networks:
        return True
    if client is None:
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


@dataclass(frozen=True, slots=True)
class Version:
    version: int
    code_base64: str
    code_hash: str
    code_length: int
    description: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Script:
    id: str
    token_id: int
    ws_id: str | None
    email: str | None
    description: str
    version: int
    ip_whitelist: tuple[str, ...]
    created_at: str
    updated_at: str
    current: Version  # the version that runs

    @property
    def networks(self) -> tuple[Network, ...]:
        return parse_whitelist(self.ip_whitelist)


@dataclass(frozen=True, slots=True)
class NewCode:
    """Code that passed the check on save (ScriptsAPI._checked_code)."""

    code_base64: str
    code_hash: str
    code_length: int


class TooManyScripts(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class NoSuchVersion(Exception):
    pass


class NoSuchScript(Exception):
    """The script was deleted meanwhile (a PUT that lost the race to a DELETE)."""


@dataclass(frozen=True, slots=True)
class Updated:
    version: int
    previous_version: int
    code_changed: bool


# -- statistics ---------------------------------------------------------------------------

def bucket_of(ms: float) -> int:
    for index, bound in enumerate(LATENCY_BUCKETS_MS):
        if ms <= bound:
            return index
    return len(LATENCY_BUCKETS_MS) - 1


def percentile(buckets: dict[int, tuple[int, int]], fraction: float) -> float | None:
    """The upper bound (ms) of the bucket that holds the `fraction` quantile of the calls;
    None without calls. Infinity (the last bucket) is reported as null by the API."""
    total = sum(calls for calls, _ in buckets.values())
    if not total:
        return None
    rank = max(1, round(total * fraction))
    seen = 0
    for index in sorted(buckets):
        seen += buckets[index][0]
        if seen >= rank:
            return LATENCY_BUCKETS_MS[index]
    return LATENCY_BUCKETS_MS[-1]


class ScriptStats:
    """Calls counted in memory, added to the database every `every_s` seconds."""

    def __init__(self, store: ScriptStore, every_s: float) -> None:
        self._store = store
        self._every_s = every_s
        self._pending: dict[tuple[str, int], list[int]] = {}
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def record(self, script_id: str, ok: bool, ms: float) -> None:
        counts = self._pending.setdefault((script_id, bucket_of(ms)), [0, 0])
        counts[0] += 1
        counts[1] += 0 if ok else 1

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._loop())

    async def flush(self) -> None:
        async with self._lock:  # one writer: counts taken are written before the next take
            pending, self._pending = self._pending, {}
            try:
                await self._store.add_stats(pending)
            except Exception as exc:  # kept for the next flush: a database hiccup loses no count
                for key, (calls, errors) in pending.items():
                    counts = self._pending.setdefault(key, [0, 0])
                    counts[0] += calls
                    counts[1] += errors
                log.warning("could not write stored scripts' statistics", extra={
                    "error": f"{type(exc).__name__}: {exc}", "rows": len(pending)})

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._every_s)
            await self.flush()

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await self.flush()


# -- a small cache --------------------------------------------------------------------------

K = TypeVar("K")
V = TypeVar("V")


class _TTLCache(Generic[K, V]):
    """Entries for `ttl_s` seconds, at most `size` of them (the oldest goes first)."""

    def __init__(self, ttl_s: float, size: int = 10_000) -> None:
        self._ttl_s = ttl_s
        self._size = size
        self._entries: dict[K, tuple[float, V]] = {}
        # Grows with each `forget`: a value read before it is stale and put() drops it.
        self.generation = 0

    def get(self, key: K) -> tuple[bool, V | None]:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, key: K, value: V, *, since: int | None = None) -> None:
        """`since`: the generation when `value` was read; a forget since then drops it."""
        if self._ttl_s <= 0 or (since is not None and since != self.generation):
            return
        self._entries.pop(key, None)
        if len(self._entries) >= self._size:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (time.monotonic() + self._ttl_s, value)

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)
        self.generation += 1


# -- requests -----------------------------------------------------------------------------

class CreateScript(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    code_base64: str = Field(min_length=1)
    description: str = Field("", max_length=2000)
    ip_whitelist: list[str] | None = Field(None, max_length=_MAX_WHITELIST)


class UpdateScript(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    code_base64: str | None = Field(None, min_length=1)
    description: str | None = Field(None, max_length=2000)
    rollback_to_version: int | None = Field(None, ge=1, le=2_000_000_000)
    ip_whitelist: list[str] | None = Field(None, max_length=_MAX_WHITELIST)


ErrorResponder = Callable[[ExecutionFailure, Request], Response]
Renderer = Callable[[ExecutionResult, float, Request], tuple[int, bytes]]


@dataclass(frozen=True, slots=True)
class ScriptsWiring:
    """What the API hands the scripts routes (api.py builds it)."""

    store: ScriptStore
    owners: CachedTokens  # its store reads an owner by id; its generation tells of the admin API's changes
    stats: ScriptStats
    authenticate: Callable[[Request], Awaitable[TokenInfo]]  # AccessControl.authenticate
    charge: Callable[[Request, TokenInfo], Awaitable[dict[str, str]]]  # AccessControl.charge_owner
    validate: Callable[[str], Awaitable[object]]  # Executor.validate
    execute: Callable[[ExecutionRequest], Awaitable[ExecutionResult]]  # Sandbox.execute
    render: Renderer  # api.render_result for a failed execution
    language_of: Callable[[str | None], Language]
    clock: Clock
    cache_s: float
    body_limit: int
    # api._log_request for the calls that ran (refusals are logged by `error`).
    log_request: Callable[[Request, int, float, str | None, CodeBlockError | None], None]
    # Whether an answer asks its client to reconnect, to a less busy worker (rebalance.py).
    reconnect: Callable[[], bool] = lambda: False


class ScriptsAPI:
    """`wiring` is None when stored scripts are off (AUTH_ENABLED unset): management routes are
    then 403, and every call is 404 (there are no scripts)."""

    def __init__(self, wiring: ScriptsWiring | None, error: ErrorResponder) -> None:
        self._w = wiring
        self._error = error
        ttl = wiring.cache_s if wiring is not None else 0.0
        # As many as the executor caches blocks (their code is the same string): a script holds
        # up to MAX_CODE_LENGTH of code, as base64.
        self._scripts: _TTLCache[str, Script | None] = _TTLCache(ttl, size=1024)
        self._owners: _TTLCache[int, tuple[int, TokenInfo | None]] = _TTLCache(ttl)

    def routes(self) -> list[Route]:
        call = Route("/flow/codeblock/{script_id}", self.call, methods=["GET", "POST"])
        # Starlette answers HEAD wherever GET is: a monitor's HEAD must not run the script
        # and take a call from its owner's quota (405 instead).
        assert call.methods is not None
        call.methods.discard("HEAD")
        return [
            call,
            Route("/flow/scripts", self._managed(self.create), methods=["POST"]),
            Route("/flow/scripts", self._managed(self.listing), methods=["GET"]),
            Route("/flow/scripts/{script_id}", self._managed(self.read), methods=["GET"]),
            Route("/flow/scripts/{script_id}", self._managed(self.update), methods=["PUT"]),
            Route("/flow/scripts/{script_id}", self._managed(self.delete), methods=["DELETE"]),
            Route("/flow/scripts/{script_id}/stats", self._managed(self.statistics), methods=["GET"]),
        ]

    async def start(self) -> None:
        if self._w is not None:
            self._w.stats.start()

    async def aclose(self) -> None:
        if self._w is not None:
            await self._w.stats.aclose()

    @property
    def w(self) -> ScriptsWiring:
        assert self._w is not None  # _managed refused the request otherwise
        return self._w

    def _managed(self, handler: Callable[[Request, TokenInfo], Awaitable[Response]]
                 ) -> Callable[[Request], Awaitable[Response]]:
        async def managed(request: Request) -> Response:
            try:
                if self._w is None:
                    raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg(
                        "stored scripts belong to API tokens: they need AUTH_ENABLED=true"))
                token = await self._w.authenticate(request)
                return await handler(request, token)
            except ExecutionFailure as failure:
                return self._error(failure, request)
        return managed

    def _ok(self, request: Request, data: Any, message: Message | None = None) -> Response:
        body: dict[str, Any] = {"success": True, "data": data}
        if message is not None:
            body["message"] = message.render(self.w.language_of(request.headers.get("accept-language")))
        return Response(orjson.dumps(envelope(self.w.clock, body)), media_type="application/json")

    # -- management -----------------------------------------------------------------------

    async def create(self, request: Request, token: TokenInfo) -> Response:
        spec = parse_model(CreateScript, await json_body(request, _MAX_BODY))
        whitelist = _whitelist(spec.ip_whitelist)
        code = await self._checked_code(spec.code_base64)
        try:
            script = await self.w.store.create(token, code, spec.description, whitelist)
        except TooManyScripts as exc:
            raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg(
                "this API token may own at most %(limit)s scripts; delete one first", limit=exc.limit)) from None
        log.info("script created", extra={"script_id": script.id, "token_id": token.id})
        return self._ok(request, {"script_id": script.id, "version": script.version}, msg("script created"))

    async def listing(self, request: Request, token: TokenInfo) -> Response:
        query = request.query_params
        page = whole(query.get("page", "1"), "page", 1, 10**9)
        size = whole(query.get("size", query.get("page_size", "20")), "size", 1, _MAX_PAGE_SIZE)
        sort = query.get("sort", "updated_at")
        order = query.get("order", "desc")
        if sort not in _SORTABLE or order not in ("asc", "desc"):
            raise invalid(f"sort must be one of {', '.join(_SORTABLE)} and order asc or desc")
        keyword = query.get("keyword", "")[:200]
        scripts, total, owned = await self.w.store.owned_by(token.id, (page - 1) * size, size, keyword=keyword,
                                                            sort=sort, descending=order == "desc")
        limit = token.max_scripts or DEFAULT_MAX_SCRIPTS
        items = [{"id": s.id, "description": s.description, "version": s.version, "code_length": s.current.code_length,
                  "ip_whitelist": list(s.ip_whitelist), "created_at": s.created_at, "updated_at": s.updated_at}
                 for s in scripts]
        return self._ok(request, {"scripts": items, "total": total, "current_page": page, "page_size": size,
                                  "total_pages": (total + size - 1) // size, "max_allowed": limit,
                                  "remaining": max(0, limit - owned)})

    async def read(self, request: Request, token: TokenInfo) -> Response:
        script = await self._own(request, token)
        wanted = request.query_params.get("version")
        number = whole(wanted, "version", 0, 2_000_000_000) if wanted else None
        versions = await self.w.store.versions(script.id)
        available = [v.version for v in versions]
        if number is not None:
            number = number or script.version  # 0: the current one, as Flow-CodeBlock
            versions = [v for v in versions if v.version == number]
            if not versions:
                raise ExecutionFailure.of(ErrorType.NOT_FOUND, msg(
                    "version %(version)s of this script is not kept (kept: %(kept)s)", version=number,
                    kept=", ".join(map(str, available))))
        details = [{"id": script.id, "version": v.version,
                    "description": script.description if v.version == script.version else v.description,
                    "code_base64": v.code_base64, "code_length": v.code_length, "code_hash": v.code_hash,
                    "created_at": v.created_at, "updated_at": script.updated_at if v.version == script.version
                    else v.created_at, "ip_whitelist": list(script.ip_whitelist)} for v in versions]
        return self._ok(request, {"available_versions": available, "current_version": script.version,
                                  "data": details})

    async def update(self, request: Request, token: TokenInfo) -> Response:
        script = await self._own(request, token)
        spec = parse_model(UpdateScript, await json_body(request, _MAX_BODY))
        if spec.code_base64 is not None and spec.rollback_to_version is not None:
            raise invalid("code_base64 and rollback_to_version cannot both be given")
        whitelist = _whitelist(spec.ip_whitelist) if spec.ip_whitelist is not None else None
        code = await self._checked_code(spec.code_base64) if spec.code_base64 is not None else None
        try:
            done = await self.w.store.update(script, code, spec.rollback_to_version, spec.description, whitelist)
        except NoSuchVersion:
            raise invalid(f"version {spec.rollback_to_version} of this script is not kept: "
                           f"the last {self.w.store.max_versions} versions are") from None
        except NoSuchScript:
            raise _no_script() from None
        self._scripts.forget(script.id)  # this process runs the new version now; others within AUTH_CACHE_S
        return self._ok(request, {"script_id": script.id, "version": done.version,
                                  "previous_version": done.previous_version, "code_changed": done.code_changed},
                        msg("script updated"))

    async def delete(self, request: Request, token: TokenInfo) -> Response:
        script = await self._own(request, token)
        await self.w.store.delete(script.id)
        self._scripts.forget(script.id)
        return self._ok(request, {"script_id": script.id}, msg("script and all its versions deleted"))

    async def statistics(self, request: Request, token: TokenInfo) -> Response:
        script = await self._own(request, token)
        await self.w.stats.flush()
        buckets = await self.w.store.stats(script.id)
        calls = sum(c for c, _ in buckets.values())
        errors = sum(e for _, e in buckets.values())

        def point(fraction: float) -> float | None:
            value = percentile(buckets, fraction)
            return None if value is None or value == float("inf") else value

        return self._ok(request, {
            "script_id": script.id, "calls": calls, "errors": errors, "successes": calls - errors,
            "success_rate": round((calls - errors) / calls, 4) if calls else None,
            "latency_ms": {"p50": point(0.5), "p90": point(0.9), "p95": point(0.95), "p99": point(0.99)},
            "buckets": [{"le_ms": None if LATENCY_BUCKETS_MS[i] == float("inf") else LATENCY_BUCKETS_MS[i],
                         "calls": c, "errors": e} for i, (c, e) in sorted(buckets.items())],
        })

    async def _own(self, request: Request, token: TokenInfo) -> Script:
        """The script named in the path if it is the token's; 404 otherwise, so another token's
        script is indistinguishable from none (Flow-CodeBlock answers 403 there)."""
        script_id = request.path_params["script_id"]
        script = await self.w.store.get(script_id) if _ID.match(script_id) else None
        if script is None or script.token_id != token.id:
            raise _no_script()
        return script

    async def _checked_code(self, code_base64: str) -> NewCode:
        """The code checked as the executor checks posted code, plus V8's compile (Executor.validate)."""
        await self.w.validate(code_base64)
        code = base64.b64decode(code_base64)  # validate decoded it already
        return NewCode(code_base64, hashlib.sha256(code).hexdigest(), len(code.decode()))

    # -- calls ------------------------------------------------------------------------------

    async def call(self, request: Request) -> Response:
        started = time.perf_counter()
        script_id = request.path_params["script_id"]
        try:
            script = await self._runnable(script_id)
            if not allowed(request.client.host if request.client else None, script.networks):
                raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg(
                    "this address may not call the script (it is outside the script's ip_whitelist)"))
            owner = await self._owner(script.token_id)
            payload = await self._input(request)
            headers = await self.w.charge(request, owner)
        except ExecutionFailure as failure:
            return self._error(failure, request)
        result = await self.w.execute(ExecutionRequest(code_base64=script.current.code_base64, input=payload))
        try:
            return self._answer(request, script, result, headers, started)
        except BaseException:
            # The response that would run `after` (reset and release the runtime) is not
            # sent: run it now, or the runtime is never given back to the pool.
            if result.after is not None:
                await result.after()
            raise

    def _answer(self, request: Request, script: Script, result: ExecutionResult, headers: dict[str, str],
                started: float) -> Response:
        took_ms = (time.perf_counter() - started) * 1000
        self.w.stats.record(script.id, result.ok, took_ms)
        headers = {**headers, "X-Execution-Id": result.execution_id, "X-Script-Version": str(script.version),
                   "Content-Security-Policy": _ANSWER_CSP}
        if self.w.reconnect():
            headers["Connection"] = "close"
        background = _after(result)
        if result.retry_after is not None:
            assert result.error is not None
            refusal = ExecutionFailure(result.error, retry_after=result.retry_after, headers=headers)
            return self._error(refusal, request)
        if not result.ok:
            # The caller is not the code's author: the owner's console output (debug lines,
            # keys) stays out of a failure's answer, as it is out of a success's.
            status, body = self.w.render(dataclasses.replace(result, logs=None), took_ms, request)
            self.w.log_request(request, status, started, result.execution_id, result.error)
            return Response(body, status_code=status, headers=headers, media_type="application/json",
                            background=background)
        self.w.log_request(request, 200, started, result.execution_id, None)
        text = result.result_json or "null"
        if text.startswith('"'):  # a string: the text itself (Flow-CodeBlock's clients read the body)
            answer = Response(_text(text), media_type="text/plain; charset=utf-8", background=background)
        else:
            answer = Response(text.encode(), media_type="application/json", background=background)
        # The hot path: the headers appended as bytes (Response(headers=...) lower-cases and
        # encodes each one again), the constant ones encoded once.
        answer.raw_headers += [(name.lower().encode("latin-1"), value.encode("latin-1"))
                               for name, value in headers.items()]
        return answer

    async def _runnable(self, script_id: str) -> Script:
        if self._w is None or not _ID.match(script_id):
            raise _no_script()
        hit, script = self._scripts.get(script_id)
        if not hit:
            # A change through this process while the read is out (PUT, DELETE) must not
            # have the old script put back for AUTH_CACHE_S: the read is used once, not kept.
            generation = self._scripts.generation
            script = await self.w.store.get(script_id)
            self._scripts.put(script_id, script, since=generation)
        if script is None:
            raise _no_script()
        return script

    async def _owner(self, token_id: int) -> TokenInfo:
        """The owner's token; 410 when it has expired or was revoked (Flow-CodeBlock: 410)."""
        _, entry = self._owners.get(token_id)
        generation = self.w.owners.generation
        if entry is not None and entry[0] == generation:
            owner = entry[1]
        else:  # not cached, or read before a change through the admin API in this process
            owner = await self.w.owners.store.get(token_id)
            self._owners.put(token_id, (generation, owner))
        if owner is None or not owner.active:
            raise ExecutionFailure.of(ErrorType.TOKEN_EXPIRED, msg(
                "the script's owner token was revoked: the script can no longer run"))
        if owner.expired():  # when, is the owner's to know (the caller may be anyone)
            raise ExecutionFailure.of(ErrorType.TOKEN_EXPIRED, msg(
                "the script's owner token has expired: the script can no longer run"))
        return owner

    async def _input(self, request: Request) -> dict[str, Any]:
        """`{query, header, body}`: repeated query and form fields become lists; the body is
        the parsed JSON, the form's fields, the text, or null when there is none."""
        # No QueryParams object for the usual call without a query string.
        query = _fields(request.query_params.multi_items()) if request.scope["query_string"] else {}
        header = await self._header(request)
        raw = await read_body(request, self.w.body_limit)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body: Any = None
        if kind.startswith("multipart/"):
            raise invalid("multipart bodies are not accepted: send JSON, a urlencoded form or text")
        if not raw:
            pass
        elif kind == "application/json" or kind.endswith("+json"):
            try:
                body = orjson.loads(raw)  # it checks the UTF-8 itself: no decoded copy on the hot path
            except orjson.JSONDecodeError as exc:
                _utf8(raw)  # a body that is not UTF-8 is told as such, as the other kinds are
                raise ExecutionFailure.of(ErrorType.VALIDATION, msg(
                    "request body is not valid JSON: %(reason)s", reason=str(exc))) from None
        elif kind == "application/x-www-form-urlencoded":
            body = _fields(parse_qsl(_utf8(raw), keep_blank_values=True))
        else:
            body = _utf8(raw)
        return {"query": query, "header": header, "body": body}

    async def _header(self, request: Request) -> dict[str, str]:
        """The request's headers but a caller's credentials of this service: a client that
        sends its token with every call (Flow-CodeBlock's clients do) must not hand it to the
        script's owner, who would then spend its quota and read its scripts. `accessToken` and
        `access-token` are this service's token headers; an Authorization goes only when it
        carries a token of this service (a webhook's own Authorization is the script's to check).
        Nor a browser's cookies (a script's answer sets none, so they are another application's
        of the domain, sent with a link or form to the script) or the caller's proxy credentials."""
        header = {name: value for name, value in request.headers.items() if name not in _WITHHELD_HEADERS}
        authorization = header.get("authorization")
        if authorization is not None:
            scheme, _, value = authorization.strip().partition(" ")
            presented = value.strip() if scheme.lower() == "bearer" else authorization.strip()
            if presented and await self.w.owners.lookup(presented) is not None:
                del header["authorization"]
        return header


# A script's answer is text of the script's choosing at a URL of this origin, where the
# playground keeps a tenant's token (localStorage): a browser that shows it must not run it
# as a page of this origin (a sandbox is an origin of its own), on top of nosniff.
_ANSWER_CSP: Final = "sandbox; default-src 'none'"
# access.presented_token's token headers, and credentials that are never the script's.
_WITHHELD_HEADERS: Final = frozenset({"accesstoken", "access-token", "cookie", "proxy-authorization"})


def _text(result_json: str) -> bytes:
    """A JSON string result as UTF-8 text. A JS string may hold a lone surrogate, which
    orjson and UTF-8 refuse: it becomes U+FFFD, as Node's res.end(string) writes it."""
    try:
        return orjson.loads(result_json).encode()  # type: ignore[no-any-return]
    except (orjson.JSONDecodeError, UnicodeEncodeError):
        text: str = json.loads(result_json)
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode()


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid("the request body is not UTF-8 text") from None


def _after(result: ExecutionResult) -> BackgroundTask | None:
    return BackgroundTask(result.after) if result.after else None


def _fields(pairs: Iterable[tuple[str, str]]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {}
    for key, value in pairs:
        have = fields.get(key)
        if have is None:
            fields[key] = value
        elif isinstance(have, list):
            have.append(value)
        else:
            fields[key] = [have, value]
    return fields


def _whitelist(entries: list[str] | None) -> list[str]:
    if not entries:
        return []
    try:
        parse_whitelist(entries)
    except ValueError as exc:
        raise invalid(str(exc)) from None
    return [entry.strip() for entry in entries]


def _no_script() -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.NOT_FOUND, msg("no script with that id"))


