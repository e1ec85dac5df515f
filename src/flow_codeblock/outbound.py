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
import zlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, Final

import brotli  # type: ignore[import-untyped]
import httpcore
import httpx

from . import metrics
from .bridge import HOST_OPS
from .netpolicy import AddressPolicy, Refused

__all__ = ["FetchLimits", "Fetcher", "OpenBody", "OutboundSession"]

log = logging.getLogger(__name__)

MAX_REDIRECTS: Final = 20  # the fetch standard's limit
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
# Statuses whose responses have no body (fetch standard "null body status"): JS's body is null.
_NULL_BODY_STATUSES: Final = frozenset({101, 103, 204, 205, 304})
# The most body bytes one answer carries to JS (the first with the headers, then each
# fetch.read): what a streaming body holds in the host is about this much per open body.
CHUNK_BYTES: Final = 64 * 1024
# How long fetch waits past the headers for the first chunk to ride along with them; a body
# slower than that is read by the first fetch.read (fetch resolves at the headers, as Node's).
_FIRST_CHUNK_WAIT_S: Final = 0.05
_FETCH, _FETCH_READ, _FETCH_CLOSE = HOST_OPS["fetch"], HOST_OPS["fetchRead"], HOST_OPS["fetchClose"]
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
    # What a body read as a stream (Response.body) may total (MAX_STREAMING_SIZE_MB); the
    # buffered readers (text, json, arrayBuffer, blob) keep max_response_bytes.
    max_streaming_bytes: int = 100 * 1024 * 1024
    # Bodies one execution may hold open in the host at once (each holds a connection
    # and up to about two CHUNK_BYTES).
    max_open_bodies: int = 8


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

    async def fetch(self, spec: FetchSpec, timeout_s: float,
                    inflight: InflightBytes | None = None) -> tuple[dict[str, Any], OpenBody | None]:
        """Performs `spec` (following redirects as asked) within `timeout_s`; returns the
        response for JS with the first CHUNK_BYTES of its body, and the rest of the body
        still open (None when the answer holds all of it), or raises FetchFailed. The
        answer's body bytes are taken from `inflight`; the caller gives them back once JS
        has the answer, and closes the open body."""
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

    async def _follow(self, spec: FetchSpec, inflight: InflightBytes) -> tuple[dict[str, Any], OpenBody | None]:
        method, url, body, headers = spec.method.upper(), spec.url, spec.body, list(spec.headers)
        for hop in range(MAX_REDIRECTS + 1):
            target = _checked_url(url)
            sent = [(k.encode("ascii"), v) for k, v in headers if k.lower() not in _FORBIDDEN_REQUEST_HEADERS]
            request = self._client.build_request(
                method, target,
                # Names as httpx encodes a str name (ASCII); values are the bytes to send.
                headers=[*sent, *_accept_encoding(target, headers)],
                content=body,
            )
            if body:
                metrics.outbound_bytes_total.labels(direction="sent").inc(len(body))
            response = await self._send(request)
            opened: OpenBody | None = None
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
                    await response.aclose()
                    continue
                answer = {
                    "status": response.status_code,
                    "statusText": response.reason_phrase,
                    "url": str(target),
                    "redirected": hop > 0,
                    "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in response.headers.raw],
                }
                if method == "HEAD" or response.status_code in _NULL_BODY_STATUSES:
                    await response.aclose()
                    return {**answer, "body": None, "bodyBytes": 0, "done": True}, None
                opened = OpenBody(response, self.limits, inflight)
                # No more than FETCH_MAX_RESPONSE_BYTES: a body over it is never whole in JS,
                # so text() and the other buffered reads meet the limit at their next read.
                first_read = opened.prefetch(min(CHUNK_BYTES, max(1, self.limits.max_response_bytes)),
                                             self.limits.max_streaming_bytes)
                done, _ = await asyncio.wait({first_read}, timeout=_FIRST_CHUNK_WAIT_S)
                first = b""
                if first_read in done:
                    opened.take_prefetch()
                    try:
                        first = first_read.result()
                    except FetchFailed as broken:  # the response came: its body fails when read, as in undici
                        return {**answer, "body": "", "bodyBytes": 0, "done": True,
                                "bodyError": {"kind": broken.kind, "message": str(broken), "code": broken.code}}, None
                inflight.take(len(first))
            except BaseException:
                await (opened.aclose() if opened is not None else response.aclose())  # a prefetch stops too
                raise
            return {
                **answer, "body": base64.b64encode(first).decode("ascii"), "bodyBytes": len(first),
                "done": opened.finished,
            }, None if opened.finished else opened
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


def _accept_encoding(target: httpx.URL, headers: list[tuple[str, bytes]]) -> list[tuple[bytes, bytes]]:
    """Node's fetch (undici) when the code sets none: br only over https, identity for a
    range request (httpx's default would offer br everywhere)."""
    names = {name.lower() for name, _ in headers}
    if "accept-encoding" in names:
        return []
    if "range" in names:
        return [(b"accept-encoding", b"identity")]
    return [(b"accept-encoding", b"br, gzip, deflate" if target.scheme == "https" else b"gzip, deflate")]


def _too_large(limit: int, whole: bool = True) -> FetchFailed:
    """`whole`: a buffered read's limit; else a stream's."""
    message = (f"the response body is larger than {limit} bytes (FETCH_MAX_RESPONSE_BYTES)" if whole
               else f"the response body is larger than {limit} bytes (MAX_STREAMING_SIZE_MB)")
    return FetchFailed("too_large", message, "ERR_FETCH_RESPONSE_TOO_LARGE")


# -- response bodies read chunk by chunk -----------------------------------------------


class _Decoder:
    """gzip / deflate decoding with bounded output: zlib's max_length keeps what does not
    fit in `unconsumed_tail`, so a small compressed chunk cannot expand into a huge one
    in the host (httpx's own decoders inflate a whole network read at once)."""

    window = 0  # zlib's 32 KiB window is not counted against FETCH_MAX_INFLIGHT_BYTES

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._first = True  # deflate: a zlib stream, or (as servers also send) raw deflate
        self._input = b""

    def feed(self, data: bytes) -> None:
        self._input += data

    @property
    def pending(self) -> bool:
        """Whether output may still come (zlib can hold some back when max_length cut it)."""
        return bool(self._input) or not self._zlib.eof

    def take(self, limit: int) -> bytes:
        if not self._input:
            return b""
        try:
            out = self._zlib.decompress(self._input, limit)
        except zlib.error:
            if self._gzip or not self._first:
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(self._input, limit)
        self._first = False
        self._input = self._zlib.unconsumed_tail
        if self._zlib.eof:
            self._input = b""  # trailing bytes after the stream: ignored, as httpx and undici do
        return out


class _BrotliDecoder:
    """br, bounded as _Decoder is: brotli's output_buffer_limit stops a step near `limit`
    bytes (its buffer grows in blocks, so a step may overshoot: the excess is kept for the
    next take), and the rest of the stream comes out of the next steps, with no new input
    until the decompressor takes it. Unlike zlib's 32 KiB, the decompressor's ring buffer is
    as large as the window the stream declares (`window`, up to 16 MiB), whatever the body's
    size: OpenBody counts it against FETCH_MAX_INFLIGHT_BYTES."""

    def __init__(self) -> None:
        self._brotli = brotli.Decompressor()
        self._input = b""
        self._output = b""
        self._started = False
        self.window = 0  # known from the stream's first byte

    def feed(self, data: bytes) -> None:
        if data and not self._started:
            self._started = True
            self.window = _brotli_window(data[0])
        self._input += data

    @property
    def pending(self) -> bool:
        return bool(self._input) or bool(self._output) or not self._brotli.is_finished()

    def take(self, limit: int) -> bytes:
        if not self._output:
            self._output = self._step(limit)
        out, self._output = self._output[:limit], self._output[limit:]
        return out

    def _step(self, limit: int) -> bytes:
        if self._brotli.is_finished():
            self._input = b""  # trailing bytes after the stream: ignored, as for gzip
            return b""
        if self._input and self._brotli.can_accept_more_data():
            data, self._input = self._input, b""
            return self._brotli.process(data, output_buffer_limit=limit)  # type: ignore[no-any-return]
        return self._brotli.process(b"", output_buffer_limit=limit)  # type: ignore[no-any-return]


def _brotli_window(first: int) -> int:
    """The window a brotli stream declares in its first bits (RFC 7932, 9.1), which its
    decoder may allocate as it starts; 0 for a large window, which the decoder refuses."""
    if not first & 1:
        return 1 << 16
    if n := (first >> 1) & 7:
        return 1 << (17 + n)
    m = (first >> 4) & 7
    if m == 1:
        return 0
    return 1 << (8 + m) if m else 1 << 17


def _decoder_for(encoding: str | None) -> _Decoder | _BrotliDecoder | None:
    name = (encoding or "").strip().lower()
    if name == "br":
        return _BrotliDecoder()
    return _Decoder(name) if name in ("gzip", "x-gzip", "deflate") else None


class OpenBody:
    """A response body still in the host. JS pulls it in chunks of at most CHUNK_BYTES
    (fetch.read): the host holds one network read plus one chunk per open body, whatever
    the body's size. Closing it (fetch.close, or the execution's end) closes the
    connection, which the server sees."""

    def __init__(self, response: httpx.Response, limits: FetchLimits, inflight: InflightBytes | None = None) -> None:
        self._response = response
        self._limits = limits
        self._inflight = inflight
        self._held = 0  # taken from `inflight` while the body is open: a brotli window
        self._raw = response.aiter_raw()
        self._decoder = _decoder_for(response.headers.get("content-encoding"))
        self._input = b""  # undecoded bytes not yet handed out (identity bodies)
        declared = response.headers.get("content-length")
        self.declared = int(declared) if declared is not None and declared.isdigit() else None
        self._raw_total = 0
        self._eof = False
        self.total = 0  # decoded bytes handed out
        self.finished = False
        self.closed = False
        self._reader: asyncio.Task[Any] | None = None
        self._prefetch: asyncio.Task[bytes] | None = None

    def prefetch(self, size: int, limit: int) -> asyncio.Task[bytes]:
        """Starts reading the first chunk; the next read() takes its result."""
        task = asyncio.ensure_future(self._read_chunk(size, limit, whole=False))
        task.add_done_callback(_retrieved)
        self._prefetch = task
        return task

    def take_prefetch(self) -> None:
        """The prefetched chunk was handed over with the headers."""
        self._prefetch = None

    async def read(self, size: int, limit: int, whole: bool = False) -> bytes:
        """Up to `size` decoded bytes, b"" at the end. Raises FetchFailed when the body
        passes `limit` or breaks; `whole` (a buffered read) also when its declared length
        is over `limit` (a stream may stop before it)."""
        if self._prefetch is not None:  # the first chunk, read under the streaming limit (it may be all)
            prefetched, self._prefetch = self._prefetch, None
            out = await prefetched
            if self.total > limit:
                await self.aclose()
                raise _too_large(limit, whole)
            return out
        if self.closed:
            raise FetchFailed("terminated", "the body was closed", "ERR_BODY_CLOSED")
        if whole and self._decoder is None and self.declared is not None and self.declared > limit:
            await self.aclose()
            raise _too_large(limit, whole)
        return await self._read_chunk(size, limit, whole)

    async def _read_chunk(self, size: int, limit: int, whole: bool) -> bytes:
        self._reader = asyncio.current_task()
        try:
            out = await self._next(size)
        except (httpcore.TimeoutException, httpx.TimeoutException):
            await self.aclose()
            raise FetchFailed("terminated", "the response body did not arrive in time (FETCH_TIMEOUT_MS)",
                              "UND_ERR_BODY_TIMEOUT") from None
        except (zlib.error, brotli.error, httpx.DecodingError) as exc:
            await self.aclose()
            raise FetchFailed("terminated", f"the response body could not be decoded: {exc}",
                              "Z_DATA_ERROR") from None
        except (httpx.ProtocolError, httpx.NetworkError, httpcore.ProtocolError, httpcore.NetworkError,
                httpx.StreamError):
            await self.aclose()
            raise FetchFailed("terminated", "other side closed", "UND_ERR_SOCKET") from None
        except FetchFailed:  # the window over FETCH_MAX_INFLIGHT_BYTES
            await self.aclose()
            raise
        finally:
            self._reader = None
        self.total += len(out)
        if self.total > limit:
            await self.aclose()
            raise _too_large(limit, whole)
        metrics.outbound_bytes_total.labels(direction="received").inc(len(out))
        if not out or self._complete():
            self.finished = True
            await self.aclose()
        return out

    async def _next(self, size: int) -> bytes:
        while True:
            if self._decoder is not None:
                out = self._decoder.take(size)
                if out:
                    return out
            elif self._input:
                out, self._input = self._input[:size], self._input[size:]
                return out
            if self._eof:
                return b""
            raw = await anext(self._raw, None)
            if raw is None:
                self._eof = True
                continue
            self._raw_total += len(raw)
            if self._decoder is not None:
                self._decoder.feed(raw)
                self._hold(self._decoder.window)
            else:
                self._input = raw

    def _hold(self, size: int) -> None:
        """Counts `size` bytes that the open body keeps in the host (raises FetchFailed
        past FETCH_MAX_INFLIGHT_BYTES), before the decoder allocates them."""
        if self._inflight is not None and size > self._held:
            self._inflight.take(size - self._held)
            self._held = size

    def _complete(self) -> bool:
        """Whether nothing is left, known without waiting on the network: all the
        declared bytes arrived and none wait to be handed out."""
        pending = self._decoder.pending if self._decoder is not None else bool(self._input)
        return self.declared is not None and self._raw_total >= self.declared and not pending

    async def aclose(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._inflight is not None and self._held:
            self._inflight.give(self._held)
            self._held = 0
        self._decoder = None  # a brotli decoder's window goes now, not when the body object does
        reader = self._reader
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()  # a read in flight stops; closing under it is httpcore's usual cancel path
        await self._response.aclose()


def _retrieved(task: asyncio.Task[bytes]) -> None:
    """A prefetch nobody awaited (the body was closed first): its outcome is not an error."""
    if not task.cancelled():
        task.exception()


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
    """One execution's access to the network: counts its requests against the limit and
    holds its open response bodies, all closed when the execution ends (aclose)."""

    def __init__(self, fetcher: Fetcher, deadline: float) -> None:
        self._fetcher = fetcher
        self._deadline = deadline
        self._count = 0
        self._inflight = InflightBytes(fetcher.limits.max_inflight_bytes)
        self._bodies: dict[int, OpenBody] = {}
        self._opening = 0  # requests under way, each of which may leave a body open
        self._next_body = 1

    async def call(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        """Runs one host operation for JS; failures come back as {"error": {...}}."""
        if op == _FETCH:
            return await self._fetch(args)
        if op == _FETCH_READ:
            return await self._read(args)
        if op == _FETCH_CLOSE:
            body = self._bodies.pop(_body_id(args), None)
            if body is not None:
                await body.aclose()
            return {}
        return _failure("network", f"unknown host operation {op!r}", "ERR_INVALID_ARG_VALUE")

    async def aclose(self) -> None:
        """The execution ended: every body it left open is cancelled, its connection closed."""
        bodies, self._bodies = list(self._bodies.values()), {}
        for body in bodies:
            await body.aclose()
        if bodies:
            log.info("response bodies closed at the end of the execution", extra={"count": len(bodies)})

    def _timeout_s(self) -> float:
        remaining = self._deadline - asyncio.get_running_loop().time()
        return max(0.001, min(self._fetcher.limits.timeout_s, remaining))

    async def _fetch(self, args: dict[str, Any]) -> dict[str, Any]:
        limits = self._fetcher.limits
        self._count += 1
        if self._count > limits.max_requests_per_execution:
            metrics.outbound_requests_total.labels(outcome="limit").inc()
            return _failure("limit", f"this execution already made {limits.max_requests_per_execution} "
                                     "requests (FETCH_MAX_REQUESTS_PER_EXECUTION)", "ERR_FETCH_LIMIT")
        if len(self._bodies) + self._opening >= limits.max_open_bodies:
            return _failure("limit", f"this execution already has {limits.max_open_bodies} response bodies open "
                                     "(FETCH_MAX_OPEN_BODIES): read or cancel one first", "ERR_FETCH_OPEN_BODIES")
        try:
            spec = FetchSpec.from_js(args)
        except (KeyError, TypeError, ValueError) as exc:
            return _failure("network", f"malformed request: {exc}", "ERR_INVALID_ARG_VALUE")
        self._opening += 1
        try:
            answer, body = await self._fetcher.fetch(spec, self._timeout_s(), self._inflight)
        except FetchFailed as failed:
            return _failure(failed.kind, str(failed), failed.code)
        finally:
            self._opening -= 1
        if body is not None:
            answer["stream"] = self._next_body
            self._bodies[self._next_body] = body
            self._next_body += 1
        # Given back as the answer leaves for JS (the runtime sends it in its next call).
        self._inflight.give(answer.pop("bodyBytes"))
        return answer

    async def _read(self, args: dict[str, Any]) -> dict[str, Any]:
        """The next chunk of open body `id`. `buffered` (text(), json(), ...) holds the
        body to FETCH_MAX_RESPONSE_BYTES, a stream read to MAX_STREAMING_SIZE_MB."""
        body_id = _body_id(args)
        body = self._bodies.get(body_id)
        if body is None:
            return _failure("terminated", "the body is not open", "ERR_BODY_CLOSED")
        limits = self._fetcher.limits
        buffered = bool(args.get("buffered"))
        limit = limits.max_response_bytes if buffered else limits.max_streaming_bytes
        try:
            # Each read waits FETCH_TIMEOUT_MS at most; the execution's own deadline ends
            # it otherwise (and aclose closes the body).
            async with asyncio.timeout(limits.timeout_s):
                chunk = await body.read(CHUNK_BYTES, limit, whole=buffered)
            self._inflight.take(len(chunk))
        except TimeoutError:
            await body.aclose()
            self._bodies.pop(body_id, None)
            return _failure("terminated", "the response body did not arrive in time (FETCH_TIMEOUT_MS)",
                            "UND_ERR_BODY_TIMEOUT")
        except FetchFailed as failed:
            await body.aclose()
            self._bodies.pop(body_id, None)
            return _failure(failed.kind, str(failed), failed.code)
        if body.finished:
            self._bodies.pop(body_id, None)
        self._inflight.give(len(chunk))  # as the answer leaves for JS
        return {"chunk": base64.b64encode(chunk).decode("ascii"), "done": body.finished}


def _body_id(args: dict[str, Any]) -> int:
    try:
        return int(args.get("id", 0))
    except (TypeError, ValueError):
        return 0


def _failure(kind: str, message: str, code: str) -> dict[str, Any]:
    return {"error": {"kind": kind, "message": message, "code": code}}
