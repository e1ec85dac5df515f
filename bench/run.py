"""The service's HTTP benchmark (`make bench`): what the service serves against what
its HTTP stack alone serves, and against the Node.js + isolated-vm services a user would
build instead (bench/peers/, issue #20), on this machine, in one run.

Starts `codeblock serve` on a free loopback port (2 workers: both cores) and both peers
(bench/peers/server.mjs: 2 cluster workers x 4 isolates; `reuse`: one context per isolate
reused across requests, no isolation; `fresh`: a context per request, isolated), and
drives each with autocannon (bench/http_load.mjs) at 100 connections, interleaved: every
round loads each service once, forward then backward (ABC CBA ABC), and each figure is
the median over the rounds:
- static_rps: POST /bench/static, the same server, framework and body parsing
  answering a fixed JSON body (the floor of the HTTP stack);
- codeblock_rps: POST /flow/codeblock with the reference mix (Flow-CodeBlock's:
  arithmetic, string template, array sum/average, JSON transform, math; plus one
  lodash and one dayjs snippet);
- vs_ivm_reuse, vs_ivm_fresh: our codeblock rps over each peer's on the same mix, with
  each side's rps, p50 and p99 (issue #20's goal: >= 0.5 and >= 10);
- auth_on_rps, auth_on_vs_off: the same mix on a second service with AUTH_ENABLED and an
  API token (a cached token lookup per request), and its rps over codeblock_rps;
- engine_overhead_us: in this process, the median cost the service adds around one
  V8 call: a full execution on a warm runtime (run + reset) minus a bare call of
  stock mini-racer.
rps_ratio (codeblock over static) is informational only: its old target is withdrawn.
The load generator shares the 2 cores with the services, so absolute figures
understate them; the ratios are the figures to compare across runs.

    .venv/bin/python bench/run.py [--seconds 8] [--rounds 3] [--connections 100] [--no-peers]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx

import serving
from compare import Summary, interleaved, rps_ratio, summarise, vs_line
from harness import Baseline, Bench

ROOT = Path(__file__).resolve().parent.parent

MIX = [
    ("arithmetic", "return input.a * input.b + input.c / 2;"),
    ("template", "return `Hello, ${input.name}! You have ${input.count} new messages.`;"),
    ("array", "const s = input.values.reduce((a, b) => a + b, 0); return { sum: s, avg: s / input.values.length };"),
    ("transform", "return input.users.map(u => ({ id: u.id, fullName: u.first + ' ' + u.last, adult: u.age >= 18 }));"),
    ("math", "return { sqrt: Math.sqrt(input.a), pow: Math.pow(input.a, 3), round: Math.round(input.c * 100) / 100 };"),
    ("lodash", "const _ = require('lodash');"
               " return _.sortBy(_.filter(input.users, u => u.age > 20), 'age').map(u => u.id);"),
    ("dayjs", "const dayjs = require('dayjs'); return dayjs(input.date).add(7, 'day').format('YYYY-MM-DD');"),
]
QUIET_S = 3.0  # after the load, before the second reading of each worker's RSS
INPUT = {
    "a": 12, "b": 7, "c": 3.14159, "name": "Ada", "count": 5, "values": list(range(20)), "date": "2024-05-01",
    "users": [{"id": i, "first": f"F{i}", "last": f"L{i}", "age": 15 + i * 3} for i in range(8)],
}


def load(url: str, bodies: list[str], connections: int, seconds: int, headers: dict[str, str] | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(bodies, fh)
    try:
        out = subprocess.run(
            ["node", str(ROOT / "bench" / "http_load.mjs"), url, fh.name, str(connections), str(seconds),
             json.dumps(headers or {})],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        )
    finally:
        os.unlink(fh.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


def engine_overhead_us(samples: int = 3000) -> tuple[float, float, float]:
    """(bare stock mini-racer eval, our engine eval, full execution incl. reset), medians in us."""
    from py_mini_racer import MiniRacer

    from flow_codeblock.codeblock import CodeBlock
    from flow_codeblock.testing import runtime_factory, start_engine

    settings = start_engine()
    stock = MiniRacer()
    bare = []
    for _ in range(samples):
        started = time.perf_counter()
        stock.eval("1 + 1")
        bare.append((time.perf_counter() - started) * 1e6)

    async def ours() -> tuple[list[float], list[float]]:
        loop = asyncio.get_running_loop()
        block = CodeBlock.wrap("return 1 + 1", "k", is_async=False)
        evals, executions = [], []
        async with runtime_factory(settings).runtime() as runtime:
            for _ in range(samples):
                started = time.perf_counter()
                _, future = runtime._isolate.eval("1 + 1")
                await future
                evals.append((time.perf_counter() - started) * 1e6)
                started = time.perf_counter()
                assert (await runtime.execute(block, "{}", loop.time() + 5, 5000)).ok
                assert await runtime.reset(1.0) is None
                executions.append((time.perf_counter() - started) * 1e6)
        return evals, executions

    evals, executions = asyncio.run(ours())
    stock.close()
    return statistics.median(bare[200:]), statistics.median(evals[200:]), statistics.median(executions[200:])


PEER_MODES = ("reuse", "fresh")
ADMIN = "bench-admin-token-0123456789"


def _check_mix(url: str, bodies: list[str]) -> list[object]:
    """Correctness first: every snippet of the mix succeeds; returns the results, which
    the peers must reproduce (the same work is compared, not just the same load)."""
    results = []
    for body in bodies:
        response = httpx.post(f"{url}/flow/codeblock", content=body, headers={"content-type": "application/json"},
                              timeout=30)
        assert response.json()["success"], response.text
        results.append(response.json()["result"])
    return results


def _rss_mb(pid: int) -> list[float]:
    return [serving.rss_bytes(p) / 2**20 for p in serving.worker_pids(pid)]


class PeakRss(threading.Thread):
    """The highest RSS of each worker of `pid` while a load runs, read every 0.25 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.25):
            for worker in serving.worker_pids(self.pid):
                with contextlib.suppress(OSError, StopIteration):
                    self.peak[worker] = max(self.peak.get(worker, 0.0), serving.rss_bytes(worker) / 2**20)


def measure(args: argparse.Namespace, bodies: list[str]) -> tuple[dict[str, Summary], dict[str, object]]:
    """Starts ours and the peers, loads them in interleaved rounds; returns each load's
    summary and what was read from the services after the load (pool sizes, RSS)."""
    # REBALANCE_CLOSES_PER_S 0: autocannon does not honour `Connection: close` (it writes the
    # next request onto the closing connection: ~10 errors a second), and under this closed
    # loop every worker queues, so moving a connection gains nothing (docs/performance.md,
    # fourteenth session).
    settings = {"ENABLE_BENCH_ROUTES": "true", "MAX_CONCURRENT_EXECUTIONS": "1000", "REBALANCE_CLOSES_PER_S": "0"}
    if args.pool_size:  # 8 by default, as in every run since the ninth session; 0: the service's own (4)
        settings["RUNTIME_POOL_SIZE"] = str(args.pool_size)
    ours, base = serving.start_service(args.workers, settings)
    # The same service with API tokens on (a token lookup per request, cached AUTH_CACHE_S; usage
    # records in memory): auth_on_vs_off. bench/auth_cost.py also prices count quotas.
    token_db = tempfile.mkdtemp(prefix="codeblock-bench-auth-")
    with_auth, auth_base = serving.start_service(args.workers, {
        **settings, "AUTH_ENABLED": "true", "ADMIN_TOKEN": ADMIN, "AUTH_DB_PATH": f"{token_db}/tokens.sqlite3"})
    peers: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    try:
        created = httpx.post(f"{auth_base}/flow/tokens", headers={"accessToken": ADMIN}, timeout=30, json={
            "ws_id": "bench", "email": "bench@example.com", "operation": "unlimited"})
        created.raise_for_status()
        headers = {"ours_auth": {"accessToken": created.json()["data"]["access_token"]}}
        for mode in () if args.no_peers else PEER_MODES:
            peers[f"ivm_{mode}"] = serving.start_peer(mode, args.workers, args.isolates)
        urls = {"ours_static": f"{base}/bench/static", "ours": f"{base}/flow/codeblock",
                "ours_auth": f"{auth_base}/flow/codeblock",
                **{name: f"{url}/flow/codeblock" for name, (_, url) in peers.items()}}
        expected = _check_mix(base, bodies)
        for name, (_, url) in peers.items():
            assert _check_mix(url, bodies) == expected, f"{name} answers the mix differently"
            load(urls[name], bodies, args.connections, 3)  # warm-up: scripts compiled, code optimised
        load(urls["ours"], bodies, args.connections, 3)  # warm-up: every runtime loads the modules
        load(urls["ours_auth"], bodies, args.connections, 3, headers["ours_auth"])
        results = []
        peak = PeakRss(ours.pid)
        for number, name in interleaved(list(urls), args.rounds):
            if name == "ours" and not peak.is_alive():
                peak.start()
            result = load(urls[name], bodies, args.connections, args.seconds, headers.get(name))
            print(f"  round {number + 1} {name}: {result['rps']:.0f} rps, p50 {result['p50_ms']} ms, "
                  f"p99 {result['p99_ms']} ms", flush=True)
            results.append((name, result))
        peak.done.set()
        after: dict[str, object] = {
            "ours_rss_peak": sorted(peak.peak.values()),
            "pools": sorted({httpx.get(f"{base}/flow/health").json()["pool"]["size"] for _ in range(4)}),
            "ours_rss": _rss_mb(ours.pid),
            **{f"{name}_rss": _rss_mb(process.pid) for name, (process, _) in peers.items()},
        }
        # Once quiet, the pool gives idle runtimes a full GC (pool.py): what a worker holds
        # between bursts, as against right after one.
        time.sleep(QUIET_S)
        after |= {
            "ours_rss_quiet": _rss_mb(ours.pid),
            **{f"{name}_rss_quiet": _rss_mb(process.pid) for name, (process, _) in peers.items()},
        }
    finally:
        for process, _ in peers.values():
            serving.stop_service(process)
        serving.stop_service(ours)
        serving.stop_service(with_auth)
        shutil.rmtree(token_db, ignore_errors=True)
    return summarise(results), after


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--isolates", type=int, default=4, help="per peer worker")
    parser.add_argument("--no-peers", action="store_true", help="this service only (bench/peers not built)")
    parser.add_argument("--pool-size", type=int, default=8,
                        help="RUNTIME_POOL_SIZE per worker; 0: the service's default (4)")
    args = parser.parse_args()
    if not args.no_peers and not serving.peers_built():
        parser.error("bench/peers is not built: `make bench` builds it (or pass --no-peers)")

    bodies = [json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})
              for _, code in MIX]
    load_before = os.getloadavg()[0]  # the machine may be shared: say how busy it was
    summaries, after = measure(args, bodies)
    load_after = os.getloadavg()[0]
    static, service = summaries["ours_static"], summaries["ours"]

    bare_us, engine_us, execution_us = engine_overhead_us()
    bench = Bench("run", params=vars(args))
    bench.figure("static_rps", static.rps, "rps", fmt=".0f")
    bench.figure("codeblock_rps", service.rps, "rps", fmt=".0f", baseline=Baseline("static_rps", static.rps))
    bench.figure("rps_ratio", service.rps / static.rps, "ratio", fmt=".3f",
                 note="(informational: codeblock over static; the comparison that counts is vs_ivm_*)")
    bench.figure("p50_ms", service.p50_ms, "ms", fmt=".2f")
    bench.figure("p99_ms", service.p99_ms, "ms", fmt=".2f")
    bench.figure("static_p99_ms", static.p99_ms, "ms", fmt=".2f")
    bench.figure("errors", service.failed, "requests")
    bench.figure("codeblock_rps_rounds", service.rounds_rps, "rps", fmt=".0f")
    auth = summaries["ours_auth"]
    bench.figure("auth_on_rps", auth.rps, "rps", fmt=".0f", baseline=Baseline("codeblock_rps", service.rps))
    bench.figure("auth_on_errors", auth.failed, "requests")
    bench.figure("auth_on_vs_off", auth.rps / service.rps, "ratio", fmt=".3f",
                 note="(the same mix with AUTH_ENABLED and a token, over auth off; 1.0: tokens cost nothing)")
    for name in ("ivm_reuse", "ivm_fresh"):
        if name not in summaries:
            bench.line(f"vs_{name}: not measured (--no-peers)")
            continue
        theirs = summaries[name]
        bench.figure(f"{name}_rps", theirs.rps, "rps", fmt=".0f", human=False)
        bench.figure(f"{name}_p50_ms", theirs.p50_ms, "ms", fmt=".2f", human=False)
        bench.figure(f"{name}_p99_ms", theirs.p99_ms, "ms", fmt=".2f", human=False)
        bench.figure(f"{name}_rps_rounds", theirs.rounds_rps, "rps", fmt=".0f")
        bench.figure(f"{name}_errors", theirs.failed, "requests")
        bench.figure(f"{name}_worker_rss_mb", after[f"{name}_rss"], "MB", fmt=".0f")  # type: ignore[arg-type]
        bench.figure(f"{name}_worker_rss_mb_quiet", after[f"{name}_rss_quiet"], "MB", fmt=".0f")  # type: ignore[arg-type]
        bench.figure(f"vs_{name}", rps_ratio(service, theirs), "ratio", fmt=".3f", text=vs_line(name, service, theirs))
    bench.figure("bare_mini_racer_eval_us", bare_us, "us", fmt=".0f")
    bench.figure("engine_eval_us", engine_us, "us", fmt=".0f", baseline=Baseline("bare_mini_racer_eval_us", bare_us))
    bench.figure("execution_with_reset_us", execution_us, "us", fmt=".0f")
    bench.figure("engine_overhead_us", execution_us - bare_us, "us", fmt=".0f")
    # Memory after the load: each worker holds its grown pool (runtimes seen: pool sizes
    # reported by /flow/health); bench/runtime_cost.py gives the RSS of one idle runtime.
    bench.figure("worker_rss_mb", after["ours_rss"], "MB", fmt=".0f")  # type: ignore[arg-type]
    bench.figure("worker_rss_mb_peak", after["ours_rss_peak"], "MB", fmt=".0f",  # type: ignore[arg-type]
                 note="the highest of each worker while the rounds ran")
    bench.figure("worker_rss_mb_quiet", after["ours_rss_quiet"], "MB", fmt=".0f",  # type: ignore[arg-type]
                 note=f"{QUIET_S:.0f} s after the load")
    bench.figure("pool_sizes_after_load", after["pools"], "runtimes")  # type: ignore[arg-type]
    bench.figure("load_average", [load_before, load_after], "runnable", fmt=".2f",
                 note="(1-minute load average before and after the HTTP rounds, on "
                      f"{os.cpu_count()} CPUs: above it, other jobs shared the machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
