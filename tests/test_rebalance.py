"""Rebalancing across workers (rebalance.py) on a real server: `codeblock serve` with two
uvicorn workers, raw keep-alive sockets. A worker whose executions queue answers with
`Connection: close` and then closes the socket; a quiet service keeps its connections."""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from conftest import b64, start_server

SLOW = "const end = Date.now() + 300; while (Date.now() < end) {} return 1"


def exchange(address: tuple[str, int], code: str, requests: int = 1) -> list[tuple[str, bool]]:
    """Sends `requests` POSTs one after another on one keep-alive connection (as long as the
    server keeps it); returns each answer's head and whether the server closed the socket
    right after it."""
    body = json.dumps({"codebase64": b64(code), "input": {}}).encode()
    request = (f"POST /flow/codeblock HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    answers: list[tuple[str, bool]] = []
    with socket.create_connection(address, timeout=20) as sock:
        for _ in range(requests):
            sock.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:")))
            while len(rest) < length:
                rest += sock.recv(65536)
            sock.settimeout(0.5)
            try:
                closed = sock.recv(1) == b""
            except TimeoutError:
                closed = False
            sock.settimeout(20)
            answers.append((head.decode("latin-1").lower(), closed))
            if closed:
                break
    return answers


def test_a_worker_with_queued_executions_closes_some_connections(tmp_path: Path) -> None:
    server = start_server(str(tmp_path), workers=2, runtime_pool_size=1, min_runtime_pool_size=1,
                          max_runtime_pool_size=1)
    try:
        parts = urlsplit(server.url)
        address = (parts.hostname or "127.0.0.1", parts.port or 80)
        # Eight connections with a 300 ms block each, one runtime per worker: executions queue.
        with ThreadPoolExecutor(8) as pool:
            busy = [answer for answers in pool.map(lambda _: exchange(address, SLOW), range(8)) for answer in answers]
        assert all(head.startswith("http/1.1 200") for head, _ in busy)
        closing = [closed for head, closed in busy if "connection: close" in head]
        assert closing and all(closing)  # told to close, and closed by the server
        # Nothing waits: three answers on one connection, none closing it.
        quiet = exchange(address, "return 2", requests=3)
        assert [("connection: close" in head, closed) for head, closed in quiet] == [(False, False)] * 3
    finally:
        server.stop()
