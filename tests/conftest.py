"""Shared fixtures: real service processes on real sockets, and a client for them."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from http_target import HttpTarget


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A `codeblock serve` process on 127.0.0.1 with its own settings."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: str

    def client(self, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            return fh.read()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(tmp_dir: str, *, workers: int = 1, **env: Any) -> Server:
    port = free_port()
    log_path = os.path.join(tmp_dir, f"server-{port}.log")
    environ = {**os.environ, "LOG_FORMAT": "json", **{k.upper(): str(v) for k, v in env.items()}}
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # serve makes its own for several workers
    log_file = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "flow_codeblock", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env=environ,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"server did not become healthy:\n{server.log()}")


def b64(code: str) -> str:
    return base64.b64encode(code.encode()).decode()


class CodeBlockClient:
    """Posts code blocks to a server and returns (status, body)."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def run(self, code: str, input: Any = None, timeout: int | None = None, **extra: Any) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {"codebase64": b64(code), "input": {} if input is None else input, **extra}
        if timeout is not None:
            body["timeout"] = timeout
        response = self.http.post("/flow/codeblock", json=body)
        return response.status_code, response.json()

    def ok(self, code: str, input: Any = None, **kwargs: Any) -> Any:
        status, body = self.run(code, input, **kwargs)
        assert status == 200 and body["success"] is True, body
        return body["result"]

    def error(self, code: str, input: Any = None, **kwargs: Any) -> dict[str, Any]:
        status, body = self.run(code, input, **kwargs)
        assert body["success"] is False, body
        assert status == body_status(body), (status, body)
        return body["error"]


def body_status(body: dict[str, Any]) -> int:
    return {"ConcurrencyError": 429, "PayloadTooLargeError": 413, "InternalError": 500}.get(body["error"]["type"], 400)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The default service: two runtimes, a short timeout so limit tests are quick."""
    srv = start_server(str(tmp_path_factory.mktemp("server")), runtime_pool_size=2, execution_timeout_ms=2000)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def single_runtime_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One runtime only: consecutive executions are guaranteed to share it.

    The timeout is generous because the memory-limit tests run here: filling a 128 MB heap
    takes ~1.9 s on a busy 2-core CI machine, and they must end in MemoryLimitError, not race
    the clock. Timeout tests pass their own short `timeout`."""
    srv = start_server(str(tmp_path_factory.mktemp("single")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1, execution_timeout_ms=20_000)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def target() -> Iterator[HttpTarget]:
    """A real HTTP server on 127.0.0.1 for fetch and axios tests (tests/http_target.py)."""
    with HttpTarget() as t:
        yield t


@pytest.fixture(scope="session")
def cb(server: Server) -> Iterator[CodeBlockClient]:
    with server.client() as http:
        yield CodeBlockClient(http)


@pytest.fixture(scope="session")
def cb1(single_runtime_server: Server) -> Iterator[CodeBlockClient]:
    with single_runtime_server.client() as http:
        yield CodeBlockClient(http)
