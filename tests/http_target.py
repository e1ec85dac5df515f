"""A real HTTP server on 127.0.0.1 for fetch and axios tests (threaded stdlib server).

Routes:
  /json                    {"hello": "world", "n": 1}
  /echo                    the request: method, path, query, headers, body (text and base64)
  /status/<code>           that status with a small JSON body
  /redirect/<n>            n redirects (302) ending at /json
  /goto?url=U&status=S     one redirect to U (status S, default 302)
  /slow?ms=N               answers after N ms
  /bytes?n=N&hold=K&ms=M   N bytes of 'x'; with hold, K of them, then M ms of silence, then the rest
  /gzip                    a gzip-encoded JSON body
  /cookies                 two Set-Cookie headers
  /multipart               the parts of a multipart/form-data body
  /text                    text/plain in UTF-8 with a BOM-free multilingual string
  /xlsx?rows=N             flow_codeblock.testing.sample_xlsx(N)
  /reply?json=B            the JSON given base64url-encoded in B (a JWKS for jose's createRemoteJWKSet)
  /stream?n=N&chunk=C&ms=M&tag=T
                           N bytes (a repeating 0..255 pattern, Content-Length N) in chunks of C bytes
                           with M ms between chunks; `stream_outcomes[T]` becomes "complete" or
                           "closed" (the client closed the connection before the end)
  /csv?rows=N&tag=T        a CSV (chunked, no Content-Length): header id,name,amount, then N rows
  /broken?n=N&cut=K        declares N bytes, sends K, then closes the connection
  /deflate?n=N             N bytes of '0' deflate-encoded (a zlib stream): a small body that inflates large
  /brotli[?n=N]            a brotli-encoded JSON body; with n, N bytes of '0' (inflates large);
                           with bad=1, a body that is not brotli; with lgwin=W (and n), encoded
                           quickly with that window (24: a 16 MiB ring buffer in its decoder)
  /empty/<code>            that status (204, 304) with no body
  /collect?tag=T           POST: records the body (text) in `collected[T]`, answers {"received": bytes}
  /outcome?tag=T           {"outcome": stream_outcomes[T] or null}: what /stream?tag=T saw so far
  /gated?tag=T             the headers at once, the body ("opened") only after /open?tag=T (5 s at most)
  /open?tag=T              opens /gated?tag=T's body
"""

from __future__ import annotations

import base64
import contextlib
import email.parser
import email.policy
import functools
import gzip
import json
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import brotli  # type: ignore[import-untyped]


class HttpTarget:
    def __init__(self) -> None:
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests = 0
        self.stream_outcomes: dict[str, str] = {}
        self.collected: dict[str, list[str]] = {}
        self.gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HttpTarget:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def enter(self) -> None:
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def wait_outcome(self, tag: str, timeout_s: float = 10.0) -> str | None:
        """The outcome of /stream?tag=`tag` once the server knows it (None if not by then)."""
        stop = time.monotonic() + timeout_s
        while time.monotonic() < stop:
            if tag in self.stream_outcomes:
                return self.stream_outcomes[tag]
            time.sleep(0.02)
        return self.stream_outcomes.get(tag)

    def reset_counters(self) -> None:
        with self._lock:
            self.max_in_flight = 0
            self.requests = 0


def _handler(target: HttpTarget) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def handle(self) -> None:
            # the client gave up (timeouts and aborts are under test)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                super().handle()

        def _send(self, status: int, body: bytes, content_type: str = "application/json",
                  headers: list[tuple[str, str]] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers or []:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> None:
            self._send(status, json.dumps(data).encode(), headers=headers)

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":  # Node streams a form so
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                    pass
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _route(self) -> None:
            target.enter()
            try:
                self._dispatch()
            finally:
                target.leave()

        def _dispatch(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            path = url.path
            body = self._body()
            if path == "/json":
                self._json(200, {"hello": "world", "n": 1})
            elif path == "/reply":
                self._json(200, json.loads(base64.urlsafe_b64decode(query["json"] + "==")))
            elif path == "/echo":
                self._json(200, {
                    "method": self.command, "path": path, "query": query,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "text": body.decode("utf-8", errors="replace"), "base64": base64.b64encode(body).decode(),
                })
            elif path.startswith("/status/"):
                code = int(path.rsplit("/", 1)[1])
                self._json(code, {"status": code})
            elif path.startswith("/redirect/"):
                left = int(path.rsplit("/", 1)[1])
                location = "/json" if left <= 1 else f"/redirect/{left - 1}"
                self._send(302, b"", headers=[("Location", location)])
            elif path == "/goto":
                self._send(int(query.get("status", 302)), b"", headers=[("Location", query["url"])])
            elif path == "/slow":
                time.sleep(int(query.get("ms", 1000)) / 1000)
                self._json(200, {"slept": int(query.get("ms", 1000))})
            elif path == "/bytes" and "hold" in query:
                n, hold = int(query["n"]), int(query["hold"])
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(n))
                self.end_headers()
                self.wfile.write(b"x" * hold)
                self.wfile.flush()
                time.sleep(int(query.get("ms", 500)) / 1000)
                self.wfile.write(b"x" * (n - hold))
            elif path == "/bytes":
                self._send(200, b"x" * int(query["n"]), "application/octet-stream")
            elif path == "/gzip":
                self._send(200, gzip.compress(json.dumps({"compressed": True}).encode()),
                           headers=[("Content-Encoding", "gzip")])
            elif path == "/cookies":
                self._send(200, b"{}", headers=[("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2")])
            elif path == "/multipart":
                self._json(200, _parts(self.headers.get("Content-Type", ""), body))
            elif path == "/text":
                self._send(200, "héllo wörld ✓ 你好".encode(), "text/plain; charset=utf-8")
            elif path == "/xlsx":
                from flow_codeblock.testing import sample_xlsx

                self._send(200, sample_xlsx(int(query["rows"])), "application/vnd.openxmlformats-officedocument."
                           "spreadsheetml.sheet")
            elif path == "/stream":
                self._stream(int(query["n"]), int(query.get("chunk", 65536)), int(query.get("ms", 0)),
                             query.get("tag", ""))
            elif path == "/csv":
                self._csv(int(query["rows"]))
            elif path == "/broken":
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", query["n"])
                self.end_headers()
                self.wfile.write(b"y" * int(query["cut"]))
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
            elif path == "/deflate":
                self._send(200, zlib.compress(b"0" * int(query["n"]), 9), "text/plain",
                           headers=[("Content-Encoding", "deflate")])
            elif path == "/brotli":
                if "bad" in query:
                    plain = b"this is not brotli at all" * 4
                else:
                    plain = b"0" * int(query["n"]) if "n" in query else json.dumps({"compressed": "br"}).encode()
                encoded = (_brotli_quick(int(query["n"]), int(query["lgwin"])) if "lgwin" in query
                           else brotli.compress(plain, quality=11))
                self._send(200, plain if "bad" in query else encoded,
                           "text/plain" if "n" in query else "application/json",
                           headers=[("Content-Encoding", "br")])
            elif path.startswith("/empty/"):
                self.send_response(int(path.rsplit("/", 1)[1]))
                self.end_headers()
            elif path in ("/gated", "/open"):
                with target._lock:
                    gate = target.gates.setdefault(query.get("tag", ""), threading.Event())
                if path == "/open":
                    gate.set()
                    self._json(200, {"opened": True})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "6")
                self.end_headers()
                self.wfile.flush()
                gate.wait(5)
                self.wfile.write(b"opened")
            elif path == "/outcome":
                self._json(200, {"outcome": target.stream_outcomes.get(query.get("tag", ""))})
            elif path == "/collect":
                with target._lock:
                    target.collected.setdefault(query.get("tag", ""), []).append(body.decode())
                self._json(200, {"received": len(body)})
            else:
                self._json(404, {"error": "not found"})

        def _stream(self, n: int, chunk: int, ms: int, tag: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            pattern = bytes(range(256)) * (chunk // 256 + 1)
            sent = 0
            try:
                while sent < n:
                    size = min(chunk, n - sent)
                    self.wfile.write(pattern[:size])
                    self.wfile.flush()
                    sent += size
                    if ms:
                        time.sleep(ms / 1000)
            except (BrokenPipeError, ConnectionResetError):
                target.stream_outcomes[tag] = "closed"
                self.close_connection = True
                return
            target.stream_outcomes[tag] = "complete"

        def _csv(self, rows: int) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            lines = ["id,name,amount\n"] + [f"{i},name-{i},{i * 3 % 1000}.5\n" for i in range(1, rows + 1)]
            for start in range(0, len(lines), 500):  # chunks that cut rows in two, as a network does
                data = "".join(lines[start:start + 500]).encode()
                for piece in (data[:len(data) // 3], data[len(data) // 3:]):
                    if piece:
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _route

    return Handler


@functools.cache
def _brotli_quick(n: int, lgwin: int) -> bytes:
    """n bytes of '0' in brotli with window `lgwin`, at a quality that takes milliseconds."""
    return bytes(brotli.compress(b"0" * n, quality=4, lgwin=lgwin))


def _parts(content_type: str, body: bytes) -> list[dict[str, Any]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True) or b""
        parts.append({
            "name": part.get_param("name", header="content-disposition"),
            "filename": part.get_filename(),
            "type": part.get_content_type() if part.get("Content-Type") else None,
            "text": payload.decode("utf-8", errors="replace"),
        })
    return parts
