"""Status endpoints, Prometheus metrics, and graceful shutdown of a real server process."""

from __future__ import annotations

import concurrent.futures
import json
import re
import signal
import time

import httpx

from conftest import CodeBlockClient, Server, b64, start_server


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus exposition text (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        sample, _, label_text = key.partition("{")
        if sample != name:
            continue
        got = ",".join(sorted(label_text.rstrip("}").split(","))) if label_text else ""
        if got == want:
            return float(value)
    return 0.0


def test_flow_health(server: Server) -> None:
    response = httpx.get(f"{server.url}/flow/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["pool"]["warm"] is True
    assert body["pool"]["size"] >= body["pool"]["minSize"] >= 1
    assert body["pool"]["maxSize"] >= body["pool"]["size"]
    assert body["memory"]["rss"] > 10_000_000
    assert body["uptime"] >= 0
    assert body["v8Version"].startswith("14.")


def test_flow_status_counts_executions(server: Server, cb: CodeBlockClient) -> None:
    before = httpx.get(f"{server.url}/flow/status").json()["executions"]
    cb.ok("return 1")
    cb.error("throw new TypeError('t'); return 1")
    after = httpx.get(f"{server.url}/flow/status").json()
    executions = after["executions"]
    assert executions["total"] == before["total"] + 2
    assert executions["successful"] == before["successful"] + 1
    assert executions["failed"] == before["failed"] + 1
    assert executions["byErrorType"]["TypeError"] == before["byErrorType"].get("TypeError", 0) + 1
    assert 0 < executions["successRate"] < 1
    assert executions["averageExecutionTime"] > 0
    assert after["pool"]["size"] >= 1
    assert after["startTime"].endswith("Z")


def test_metrics_exposition(server: Server, cb: CodeBlockClient) -> None:
    before = httpx.get(f"{server.url}/metrics").text
    cb.ok("return 2")
    cb.error("while (true) {} return 1", timeout=50)
    time.sleep(0.2)  # the runtime is replaced in the background
    text = httpx.get(f"{server.url}/metrics").text
    assert metric(text, "executions_total", status="success", error_type="") == \
        metric(before, "executions_total", status="success", error_type="") + 1
    assert metric(text, "executions_total", status="error", error_type="TimeoutError") == \
        metric(before, "executions_total", status="error", error_type="TimeoutError") + 1
    assert metric(text, "runtime_rebuilt_total", reason="timeout") >= 1
    assert metric(text, "pool_size") >= 1
    for name in ("execution_duration_seconds_count", "execution_queue_wait_seconds_count",
                 "health_check_duration_seconds_count", "health_check_loop_block_seconds_count",
                 "event_loop_lag_seconds_count", "pool_in_use", "pool_waiting"):
        assert f"\n{name}" in text, name
    assert 'pool_size_adjusted_total{direction="up"}' in text or "pool_size_adjusted_total" in text


def test_health_checks_run_and_are_measured(tmp_path) -> None:
    srv = start_server(str(tmp_path), health_check_interval_s=0.05, runtime_max_executions=2,
                       min_runtime_pool_size=1, runtime_pool_size=1, max_runtime_pool_size=2)
    try:
        with srv.client() as http:
            client = CodeBlockClient(http)
            for i in range(6):
                assert client.ok("return input.i", {"i": i}) == i
                time.sleep(0.1)
            text = http.get("/metrics").text
            status = http.get("/flow/status").json()
        assert metric(text, "health_check_duration_seconds_count") >= 3
        assert metric(text, "runtime_rebuilt_total", reason="executions") >= 1
        assert status["pool"]["healthChecks"] >= 3
        assert status["pool"]["rebuiltTotal"] >= 1
    finally:
        srv.stop()


def test_sigterm_drains_in_flight_requests(tmp_path) -> None:
    srv = start_server(str(tmp_path), shutdown_drain_timeout_s=10)
    try:
        with httpx.Client(base_url=srv.url, timeout=30) as http, concurrent.futures.ThreadPoolExecutor(4) as pool:
            code = b64("await new Promise(r => setTimeout(r, 700)); return input.i;")
            futures = [pool.submit(http.post, "/flow/codeblock", json={"codebase64": code, "input": {"i": i}})
                       for i in range(3)]
            time.sleep(0.3)
            srv.process.send_signal(signal.SIGTERM)
            responses = [f.result() for f in futures]
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert sorted(r.json()["result"] for r in responses) == [0, 1, 2]
        # uvicorn re-raises the signal after its graceful shutdown.
        assert srv.process.wait(timeout=20) in (0, -signal.SIGTERM)
        # Stopped: new connections are refused.
        try:
            httpx.get(f"{srv.url}/health", timeout=1)
            raise AssertionError("the server still answers after SIGTERM")
        except httpx.HTTPError:
            pass
        assert '"service stopped"' in srv.log()
    finally:
        srv.stop()


def test_metrics_aggregate_over_worker_processes(tmp_path) -> None:
    # At most one runtime per worker: an execution that waits 5 ms would otherwise grow it.
    server = start_server(str(tmp_path), workers=2, runtime_pool_size=1, min_runtime_pool_size=1,
                          max_runtime_pool_size=1)
    try:
        time.sleep(1.0)  # both workers up
        with httpx.Client(base_url=server.url, timeout=30) as http:
            client = CodeBlockClient(http)
            for i in range(20):
                assert client.ok("return input.i", {"i": i}) == i
            text = http.get("/metrics").text
        assert metric(text, "executions_total", status="success", error_type="") == 20
        assert metric(text, "pool_size") == 2  # one runtime in each of the two workers
    finally:
        server.stop()


def test_rss_backstop_sheds_idle_runtimes_and_keeps_serving(tmp_path) -> None:
    # A limit below any real process: every check finds it exceeded and sheds.
    srv = start_server(str(tmp_path), runtime_pool_size=3, min_runtime_pool_size=2, rss_limit_mb=1,
                       rss_check_interval_s=0.2)
    try:
        with srv.client() as http:
            client = CodeBlockClient(http)
            for i in range(5):
                assert client.ok("return input.i + 1", {"i": i}) == i + 1
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and '"process memory over RSS_LIMIT_MB' not in srv.log():
                time.sleep(0.1)
            time.sleep(0.5)
            for i in range(10):  # still serving, on rebuilt runtimes
                assert client.ok("return input.i * 2", {"i": i}) == i * 2
            text = http.get("/metrics").text
        assert "process memory over RSS_LIMIT_MB" in srv.log()
        exceeded = re.search(r"^rss_limit_exceeded_total ([\d.]+)", text, re.M)
        assert exceeded and float(exceeded.group(1)) >= 1
        shed = re.search(r'^runtime_rebuilt_total\{reason="rss"\} ([\d.]+)', text, re.M)
        released = re.search(r'^pool_size_adjusted_total\{direction="down"\} ([\d.]+)', text, re.M)
        assert (shed and float(shed.group(1)) >= 1) or (released and float(released.group(1)) >= 1), text
    finally:
        srv.stop()


def test_rss_backstop_retires_busy_runtimes_when_their_execution_ends(tmp_path) -> None:
    """Which runtime holds the memory cannot be told: one in use is retired too, once its
    execution has ended (the execution itself is not cut short)."""
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1,
                       rss_limit_mb=1, rss_check_interval_s=0.2)
    try:
        with srv.client() as http:
            client = CodeBlockClient(http)
            before = http.get("/flow/health").json()["pool"]["rebuiltTotal"]
            assert client.ok("await new Promise((r) => setTimeout(r, 1500)); return 'done'") == "done"
            events = [json.loads(line) for line in srv.log().splitlines() if "RSS_LIMIT_MB" in line]
            assert any(e.get("retired", 0) >= 1 for e in events), events  # the busy one: nothing else existed
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and http.get("/flow/health").json()["pool"]["rebuiltTotal"] <= before:
                time.sleep(0.05)
            assert http.get("/flow/health").json()["pool"]["rebuiltTotal"] > before
            assert client.ok("return 1") == 1
    finally:
        srv.stop()
