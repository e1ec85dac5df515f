"""The playground page (GET / and /playground) and its bundled assets.

Built by `make` from js/playground/ (js/build.mjs); everything is served from this
process, so the page works without any external network.
"""

from __future__ import annotations

import functools
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["routes"]

_ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
# Scripts only from this origin; CodeMirror injects its own <style> elements, hence
# 'unsafe-inline' for styles (styles cannot run code).
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@functools.cache
def _asset(name: str) -> bytes:
    path = resources.files("flow_codeblock") / "js_dist" / "playground" / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RuntimeError("the playground bundle is missing: run `make build`") from None


def _serve(name: str) -> Response:
    return Response(_asset(name), media_type=_ASSETS[name], headers={"content-security-policy": _CSP})


async def page(request: Request) -> Response:
    return _serve("index.html")


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in _ASSETS or name == "index.html":
        return Response(b"not found", status_code=404, media_type="text/plain")
    return _serve(name)


def routes() -> list[Route]:
    return [
        Route("/", page, methods=["GET"]),
        Route("/playground", page, methods=["GET"]),
        Route("/playground/{name}", asset, methods=["GET"]),
    ]
