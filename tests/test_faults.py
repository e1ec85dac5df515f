"""Faults of the process kind: a worker process killed (SIGKILL) while it runs
requests. Its in-flight requests get an error at once (not a hang), the supervisor
starts a new worker, and the service goes on answering."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import sys
import time
from pathlib import Path

import httpx

from conftest import b64, start_server

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import serving

SLOW = "await new Promise(r => setTimeout(r, 1500)); return input.i"


def _workers(pid: int) -> set[int]:
    return set(serving.worker_pids(pid))


def _sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def _post(url: str, i: int) -> tuple[str, object, float]:
    started = time.monotonic()
    try:
        response = httpx.post(f"{url}/flow/codeblock", json={"codebase64": b64(SLOW), "input": {"i": i}}, timeout=15)
        return "ok" if response.status_code == 200 else f"http {response.status_code}", response.json().get("result"), \
            time.monotonic() - started
    except httpx.TimeoutException:
        return "hang", None, time.monotonic() - started
    except httpx.HTTPError as exc:
        return "error", type(exc).__name__, time.monotonic() - started


def test_a_killed_worker_is_replaced_and_its_requests_fail_fast(tmp_path: Path) -> None:
    srv = start_server(str(tmp_path), workers=2, runtime_pool_size=2)
    try:
        deadline = time.monotonic() + 20
        while len(_workers(srv.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = _workers(srv.process.pid)
        assert len(workers) == 2, workers
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            pending = [pool.submit(_post, srv.url, i) for i in range(8)]
            time.sleep(0.6)  # all eight are executing, spread over both workers
            victim = max(workers, key=_sockets)  # the one holding the client connections
            os.kill(victim, signal.SIGKILL)
            outcomes = [p.result() for p in pending]
        kinds = [o[0] for o in outcomes]
        assert "hang" not in kinds, outcomes
        # Those on the killed worker (which may be all: one worker can accept them all) fail.
        assert all(k in ("ok", "error") for k in kinds) and "error" in kinds, outcomes
        assert all(o[2] < 5 for o in outcomes), outcomes  # the failures were immediate, not timeouts
        assert [o[1] for o in outcomes if o[0] == "ok"] == [i for i, o in enumerate(outcomes) if o[0] == "ok"]

        # A new worker takes the dead one's place.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            current = _workers(srv.process.pid)
            if len(current) == 2 and victim not in current:
                break
            time.sleep(0.2)
        assert len(current) == 2 and victim not in current, current
        with httpx.Client(base_url=srv.url, timeout=15) as http:
            for i in range(20):
                body = http.post("/flow/codeblock",
                                 json={"codebase64": b64("return input.i * 3"), "input": {"i": i}}).json()
                assert body["result"] == i * 3
        assert srv.process.poll() is None
    finally:
        srv.stop()
