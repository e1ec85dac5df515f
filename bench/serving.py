"""What the HTTP benchmarks share: start `codeblock serve` (or one of the Node.js +
isolated-vm peers of bench/peers/) on a free loopback port and wait until it answers, stop
it, and read the memory of its processes from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

__all__ = ["PEERS", "free_port", "peers_built", "rss_bytes", "start_peer", "start_service", "stop_service",
           "tree_rss_bytes", "worker_pids"]

PEERS = Path(__file__).resolve().parent / "peers"
# isolated-vm's native addon once `make bench` (npm ci in bench/peers) has built it.
_PEER_ADDON = PEERS / "node_modules" / "isolated-vm" / "out" / "isolated_vm.node"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service(workers: int, env: dict[str, str], log_path: str | None = None,
                  python: str = sys.executable) -> tuple[subprocess.Popen[bytes], str]:
    """Starts the service with `env` on top of this environment; returns it and its URL
    once /health answers. `python`: the interpreter whose flow_codeblock serves (another
    checkout's .venv, to compare two versions in one run)."""
    port = free_port()
    environ = {**os.environ, "LOG_LEVEL": "warning", **env}
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # serve makes its own for several workers
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 (lives with the process)
    process = subprocess.Popen([python, "-m", "flow_codeblock", "serve", "--host", "127.0.0.1", "--port",
                                str(port), "--workers", str(workers)], env=environ, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the service did not start")


def peers_built() -> bool:
    return _PEER_ADDON.is_file()


def start_peer(mode: str, workers: int, isolates: int = 4,
               log_path: str | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Starts bench/peers/server.mjs in `mode` (reuse or fresh) with the `node` on PATH
    (the one isolated-vm was built against); returns it and its URL once /health answers,
    which it does once every isolate is set up."""
    if not peers_built():
        raise RuntimeError(f"bench/peers is not built ({_PEER_ADDON} missing): `make bench` builds it")
    port = free_port()
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 (lives with the process)
    process = subprocess.Popen(["node", str(PEERS / "server.mjs"), "--mode", mode, "--port", str(port),
                                "--workers", str(workers), "--isolates", str(isolates)],
                               cwd=PEERS, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the {mode} peer did not start")


def stop_service(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def rss_bytes(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) * 1024


def worker_pids(pid: int) -> list[int]:
    """The server's worker processes (its children, without multiprocessing's tracker)."""
    return [c for c in _children(pid) if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) that `pid` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_cpu_s(pid: int) -> float:
    """CPU seconds of the server's workers: the service's own cost, without the load generator's."""
    return sum(cpu_s(worker) for worker in worker_pids(pid))


def tree_rss_bytes(pid: int) -> int:
    """RSS of `pid` and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            total += rss_bytes(current)
            stack.extend(_children(current))
        except (OSError, StopIteration, ValueError):
            continue
    return total
