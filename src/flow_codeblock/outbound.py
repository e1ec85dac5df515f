"""HTTP requests made by code blocks (fetch, axios), run in the host with httpx.

A waiting request holds no CPU and no runtime thread: the execution's runtime sits
idle until the response is delivered (runtime.py). Every connection goes through
`GuardedBackend`, which resolves the host name itself, checks every address against
the SSRF policy (netpolicy.py) and connects to the address it checked: a DNS answer
that changes between check and connect (rebinding) cannot slip through, and each
redirect hop opens its connection through the same check. TLS still verifies the
certificate against the host name (httpcore passes it as the server name).
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, Final

import httpcore
import httpx

from . import metrics
from .netpolicy import AddressPolicy, Refused

__all__ = ["FetchLimits", "Fetcher", "OutboundSession"]

log = logging.getLogger(__name__)

MAX_REDIRECTS: Final = 20  # the fetch standard's limit
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
# Hop-by-hop and framing headers are the client's business, not the code block's.
_FORBIDDEN_REQUEST_HEADERS: Final = frozenset({
    "host", "content-length", "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer",
    "proxy-authorization", "proxy-connection",
})


class FetchFailed(Exception):
    """A request that did not produce a response. `kind` says how JS reports it."""

    def __init__(self, kind: str, message: str, code: str) -> None:
        super().__init__(message)
        self.kind = kind  # security | network | timeout | too_large | limit
        self.code = code


# -- connecting to checked addresses ---------------------------------------------------


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks, then connects to the checked address (no DNS rebinding)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.resolve(host, port)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def resolve(self, host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        self._policy.check_name(host)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise httpcore.ConnectError(f"getaddrinfo ENOTFOUND {host}") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
        for address in addresses:  # every answer must pass: any of them may be used
            self._policy.check_address(host, address)
        return addresses

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise Refused("unix sockets are not reachable from code blocks")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx transport over an httpcore pool whose every connection is guarded."""

    def __init__(self, policy: AddressPolicy, max_connections: int) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=min(max_connections, 20),
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(policy),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host, port=request.url.port,
                             target=request.url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = await self._pool.handle_async_request(core_request)
        return httpx.Response(status_code=response.status, headers=response.headers,
                              stream=_ResponseStream(response.stream), extensions=response.extensions)

    async def aclose(self) -> None:
        await self._pool.aclose()


# -- the fetcher ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout_s: float
    max_response_bytes: int
    max_requests_per_execution: int
    max_concurrent: int
    # Response bytes one execution's requests may hold in the host at once (read, not
    # yet handed to JS): parallel requests would otherwise each hold up to
    # max_response_bytes outside every limit.
    max_inflight_bytes: int = 32 * 1024 * 1024


class InflightBytes:
    """One execution's response bytes held in the host, against FETCH_MAX_INFLIGHT_BYTES."""

    __slots__ = ("held", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def take(self, n: int) -> None:
        if self.held + n > self.limit:
            raise FetchFailed("too_large", f"this execution's responses would hold more than {self.limit} "
                                           "bytes in the host at once (FETCH_MAX_INFLIGHT_BYTES)", "ERR_FETCH_INFLIGHT")
        self.held += n

    def give(self, n: int) -> None:
        self.held -= n


@dataclass(frozen=True, slots=True)
class FetchSpec:
    method: str
    url: str
    headers: list[tuple[str, bytes]]  # values as the bytes sent: ByteStrings, one byte per character
    body: bytes | None
    redirect: str  # follow | error | manual

    @classmethod
    def from_js(cls, args: dict[str, Any]) -> FetchSpec:
        """Raises ValueError (UnicodeEncodeError) for a header value that is not a ByteString;
        fetch.js refuses those first, with Node's TypeError."""
        body = args.get("body")
        return cls(
            method=str(args.get("method") or "GET"),
            url=str(args["url"]),
            headers=[(str(k), str(v).encode("latin-1")) for k, v in args.get("headers") or []],
            body=base64.b64decode(body) if body is not None else None,
            redirect=str(args.get("redirect") or "follow"),
        )


class Fetcher:
    """The process's outbound HTTP client: policy, limits and metrics in one place."""

    def __init__(self, policy: AddressPolicy, limits: FetchLimits) -> None:
        self.limits = limits
        self._slots = asyncio.Semaphore(limits.max_concurrent)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(policy, max_connections=limits.max_concurrent),
            timeout=httpx.Timeout(limits.timeout_s),
            follow_redirects=False,  # each hop is checked here (and by the backend)
            trust_env=False,  # no proxies from the environment: they would bypass the policy
            # One client serves every execution: a cookie jar would hand one code block's
            # cookies (sessions) to the next. Like Node's fetch, keep none.
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, spec: FetchSpec, timeout_s: float, inflight: InflightBytes | None = None) -> dict[str, Any]:
        """Performs `spec` (following redirects as asked) within `timeout_s`; returns the
        response for JS, or raises FetchFailed. Body bytes are taken from `inflight` as
        they arrive; the caller gives them back once JS has the answer."""
        inflight = inflight if inflight is not None else InflightBytes(self.limits.max_inflight_bytes)
        started = time.perf_counter()
        outcome = "error"
        try:
            async with asyncio.timeout(timeout_s):
                if self._slots.locked():
                    log.info("outbound requests at their limit", extra={"limit": self.limits.max_concurrent})
                async with self._slots:
                    result = await self._follow(spec, inflight)
            outcome = "ok"
            return result
        except TimeoutError:
            outcome = "timeout"
            raise FetchFailed("timeout", f"no response within {round(timeout_s * 1000)} ms (FETCH_TIMEOUT_MS)",
                              "ETIMEDOUT") from None
        except FetchFailed as failure:
            outcome = failure.kind
            raise
        except Refused as refused:
            outcome = "refused"
            raise FetchFailed("security", f"Request to {spec.url} refused: {refused}", "ERR_ACCESS_DENIED") from None
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            metrics.outbound_requests_total.labels(outcome=outcome).inc()
            metrics.outbound_request_duration_seconds.observe(time.perf_counter() - started)

    async def _follow(self, spec: FetchSpec, inflight: InflightBytes) -> dict[str, Any]:
        method, url, body, headers = spec.method.upper(), spec.url, spec.body, list(spec.headers)
        for hop in range(MAX_REDIRECTS + 1):
            target = _checked_url(url)
            request = self._client.build_request(
                method, target,
                # Names as httpx encodes a str name (ASCII); values are the bytes to send.
                headers=[(k.encode("ascii"), v) for k, v in headers if k.lower() not in _FORBIDDEN_REQUEST_HEADERS],
                content=body,
            )
            if body:
                metrics.outbound_bytes_total.labels(direction="sent").inc(len(body))
            response = await self._send(request)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_STATUSES and location is not None and spec.redirect != "manual":
                    if spec.redirect == "error":
                        raise FetchFailed("network", "unexpected redirect (redirect mode is \"error\")",
                                          "ERR_REDIRECT")
                    try:
                        next_url = str(target.join(location))
                    except httpx.InvalidURL:
                        raise FetchFailed("network", f"invalid redirect location {location!r}",
                                          "ERR_INVALID_URL") from None
                    if (response.status_code == 303 and method != "HEAD") or (
                            response.status_code in (301, 302) and method == "POST"):
                        method, body = "GET", None
                        headers = [(k, v) for k, v in headers if not k.lower().startswith("content-")]
                    if httpx.URL(next_url).netloc != target.netloc:  # credentials stay with their origin
                        headers = [(k, v) for k, v in headers if k.lower() not in ("authorization", "cookie")]
                    url = next_url
                    continue
                content = await self._read_body(response, inflight)
            finally:
                await response.aclose()
            return {
                "status": response.status_code,
                "statusText": response.reason_phrase,
                "url": str(target),
                "redirected": hop > 0,
                "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in response.headers.raw],
                "body": base64.b64encode(content).decode("ascii"),
                "bodyBytes": len(content),
            }
        raise FetchFailed("network", f"redirect count exceeded ({MAX_REDIRECTS})", "ERR_TOO_MANY_REDIRECTS")

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._client.send(request, stream=True)
        except (httpcore.ConnectError, httpx.ConnectError) as exc:
            code = _error_code(str(exc))
            raise FetchFailed("network", _connect_message(code, exc, request), code) from None
        except (httpcore.TimeoutException, httpx.TimeoutException):
            raise FetchFailed("timeout", "the server did not answer in time (FETCH_TIMEOUT_MS)", "ETIMEDOUT") from None
        except (httpcore.ProtocolError, httpx.ProtocolError, httpcore.NetworkError, httpx.NetworkError) as exc:
            raise FetchFailed("network", f"{type(exc).__name__}: {exc}", "ECONNRESET") from None
        except httpx.InvalidURL as exc:  # httpx builds the next request of a redirect, and may fail to
            raise FetchFailed("network", f"invalid redirect location: {exc}", "ERR_INVALID_URL") from None

    async def _read_body(self, response: httpx.Response, inflight: InflightBytes) -> bytes:
        limit = self.limits.max_response_bytes
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit and \
                "content-encoding" not in response.headers:
            raise _too_large(limit)
        chunks: list[bytes] = []
        total = 0
        try:
            async for chunk in response.aiter_bytes():  # decoded (gzip, deflate, br): the real size
                total += len(chunk)
                if total > limit:
                    raise _too_large(limit)
                inflight.take(len(chunk))
                chunks.append(chunk)
        except BaseException as exc:
            inflight.give(sum(len(c) for c in chunks))
            if isinstance(exc, (httpcore.TimeoutException, httpx.TimeoutException)):
                raise FetchFailed("timeout", "the response body did not arrive in time (FETCH_TIMEOUT_MS)",
                                  "ETIMEDOUT") from None
            if isinstance(exc, (httpx.DecodingError, httpx.ProtocolError, httpx.NetworkError, httpcore.ProtocolError,
                                httpcore.NetworkError)):
                raise FetchFailed("network", f"the response body could not be read: {exc}", "ECONNRESET") from None
            raise
        metrics.outbound_bytes_total.labels(direction="received").inc(total)
        return b"".join(chunks)


def _too_large(limit: int) -> FetchFailed:
    return FetchFailed("too_large", f"the response body is larger than {limit} bytes (FETCH_MAX_RESPONSE_BYTES)",
                       "ERR_FETCH_RESPONSE_TOO_LARGE")


def _checked_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchFailed("network", f"invalid URL {url!r}: {exc}", "ERR_INVALID_URL") from None
    if parsed.scheme not in ("http", "https"):
        raise Refused(f"the scheme {parsed.scheme!r} is not allowed (only http and https)")
    if not parsed.host:
        raise FetchFailed("network", f"invalid URL {url!r}: no host", "ERR_INVALID_URL")
    return parsed


def _error_code(message: str) -> str:
    for code in ("ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"):
        if code in message:
            return code
    if "refused" in message.lower():
        return "ECONNREFUSED"
    if "unreachable" in message.lower():
        return "EHOSTUNREACH"
    if "certificate" in message.lower() or "ssl" in message.lower():
        return "ERR_TLS_CERT"
    return "ECONNREFUSED"


def _connect_message(code: str, exc: Exception, request: httpx.Request) -> str:
    if code == "ENOTFOUND":
        return f"getaddrinfo ENOTFOUND {request.url.host}"
    if code == "ERR_TLS_CERT":
        return f"TLS connection to {request.url.host} failed: {exc}"
    return f"connect {code} {request.url.host}:{request.url.port or (443 if request.url.scheme == 'https' else 80)}"


class OutboundSession:
    """One execution's access to the network: counts its requests against the limit."""

    def __init__(self, fetcher: Fetcher, deadline: float) -> None:
        self._fetcher = fetcher
        self._deadline = deadline
        self._count = 0
        self._inflight = InflightBytes(fetcher.limits.max_inflight_bytes)

    async def call(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        """Runs one host operation for JS; failures come back as {"error": {...}}."""
        if op != "fetch":
            return _failure("network", f"unknown host operation {op!r}", "ERR_INVALID_ARG_VALUE")
        limit = self._fetcher.limits.max_requests_per_execution
        self._count += 1
        if self._count > limit:
            metrics.outbound_requests_total.labels(outcome="limit").inc()
            return _failure("limit", f"this execution already made {limit} "
                                     "requests (FETCH_MAX_REQUESTS_PER_EXECUTION)", "ERR_FETCH_LIMIT")
        try:
            spec = FetchSpec.from_js(args)
        except (KeyError, TypeError, ValueError) as exc:
            return _failure("network", f"malformed request: {exc}", "ERR_INVALID_ARG_VALUE")
        remaining = self._deadline - asyncio.get_running_loop().time()
        timeout_s = max(0.001, min(self._fetcher.limits.timeout_s, remaining))
        try:
            answer = await self._fetcher.fetch(spec, timeout_s, self._inflight)
        except FetchFailed as failed:
            return _failure(failed.kind, str(failed), failed.code)
        # Given back as the answer leaves for JS (the runtime sends it in its next call).
        self._inflight.give(answer.pop("bodyBytes"))
        return answer


def _failure(kind: str, message: str, code: str) -> dict[str, Any]:
    return {"error": {"kind": kind, "message": message, "code": code}}
