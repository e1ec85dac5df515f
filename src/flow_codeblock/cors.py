"""Cross-origin requests, by Flow-CodeBlock's rules (ALLOWED_ORIGINS):

- no `Origin` header (server-side callers): allowed, no CORS headers;
- an origin of this very host (`http(s)://<Host>`, the playground), or one listed in
  ALLOWED_ORIGINS exactly: allowed, echoed with credentials; a preflight `OPTIONS`
  answers 204;
- any other origin: 403 with a JSON error, preflight included.

Starlette's CORSMiddleware cannot express the last rule (it lets the request through
without CORS headers, leaving the refusal to the browser) nor the same-host one, so the
rules are written out here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CrossOrigin"]

_ALLOW_METHODS = b"GET, POST, PUT, DELETE, OPTIONS"
_ALLOW_HEADERS = (b"Origin, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, "
                  b"accessToken, access-token, X-Request-ID")


class CrossOrigin:
    def __init__(self, app: Any, allowed: frozenset[str], refusal: Callable[[str, str | None], bytes]) -> None:
        self.app = app
        self.allowed = allowed
        self.refusal = refusal  # (origin, Accept-Language) -> the JSON body of the 403

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        origin = headers.get(b"origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        text = origin.decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1")
        if text not in self.allowed and text not in (f"http://{host}", f"https://{host}"):
            body = self.refusal(text, _text(headers.get(b"accept-language")))
            await _answer(send, 403, [(b"content-type", b"application/json")], body)
            return
        cors = [(b"access-control-allow-origin", origin), (b"access-control-allow-methods", _ALLOW_METHODS),
                (b"access-control-allow-headers", _ALLOW_HEADERS), (b"access-control-allow-credentials", b"true"),
                (b"access-control-expose-headers", b"X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, "
                                                   b"X-RateLimit-Reset, Retry-After"),
                (b"vary", b"Origin")]
        if scope["method"] == "OPTIONS":
            await _answer(send, 204, cors, b"")
            return

        async def send_with_cors(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *cors]
            await send(message)

        await self.app(scope, receive, send_with_cors)


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


async def _answer(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
