"""Overload and faults: a bounded load on loopback mixing normal, failing, timing-out
and memory-hungry code blocks at several times the pool size, for several minutes.

Reports requests served, outcomes by error type, 5xx responses (target 0), transport
errors, p50/p99 latency, and the service's RSS over time (all its processes), with
the growth from just after warm-up to the end.

    .venv/bin/python bench/overload.py                 # 180 s, 32 clients, 2 workers x 4 runtimes
    .venv/bin/python bench/overload.py --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

import serving
from harness import Bench

MIX = [  # (name, weight, code, request timeout in ms)
    ("normal", 60, "const _ = require('lodash');\n"
                   "return _.sumBy(input.rows, 'v') + _.uniq(input.rows.map(r => r.k)).length", None),
    ("async", 10, "await new Promise(r => setTimeout(r, 5)); return input.rows.length", None),
    ("throws", 12, "if (input.rows.length) throw new TypeError('bad row ' + input.rows[0].k);\nreturn 1", None),
    ("syntax", 3, "return {", None),
    ("timeout", 8, "while (true) {}\nreturn 1", 200),
    ("memory", 4, "const a = [];\nwhile (true) a.push({ s: 'x'.repeat(64), n: a.length });\nreturn 1", None),
    ("buffers", 3, "const keep = [];\nfor (;;) keep.push(new Uint8Array(8 * 1024 * 1024));\nreturn 1", None),
]
ROWS = [{"k": f"k{i % 7}", "v": i} for i in range(50)]


@dataclass
class Report:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)
    rss: list[tuple[float, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.statuses.values()) + sum(self.transport_errors.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def start_service(workers: int, pool: int, env: dict[str, str] | None = None,
                  log_path: str | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """The service with this load's settings: small heaps so memory bombs end quickly, and a
    deadline long enough that they end at the heap limit, not the clock, on a loaded machine
    (the timeout case asks for 200 ms itself)."""
    settings = {"RUNTIME_POOL_SIZE": str(min(2, pool)), "MIN_RUNTIME_POOL_SIZE": str(min(2, pool)),
                "MAX_RUNTIME_POOL_SIZE": str(pool), "EXECUTION_TIMEOUT_MS": "20000", "RUNTIME_MEMORY_LIMIT_MB": "64",
                "ARRAY_BUFFER_LIMIT_MB": "64", "ACQUIRE_TIMEOUT_MS": "20000", "MAX_CONCURRENT_EXECUTIONS": "1000"}
    return serving.start_service(workers, {**settings, **(env or {})}, log_path)


async def run_load(url: str, pid: int, duration: float, concurrency: int, seed: int = 7) -> Report:
    report = Report()
    rng = random.Random(seed)
    names = [m[0] for m in MIX]
    weights = [m[1] for m in MIX]
    bodies = {name: {"codebase64": base64.b64encode(code.encode()).decode(), "input": {"rows": ROWS},
                     **({"timeout": timeout} if timeout else {})} for name, _, code, timeout in MIX}
    started = time.monotonic()
    stop = started + duration

    async def client(http: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            name = rng.choices(names, weights)[0]
            sent = time.perf_counter()
            try:
                response = await http.post("/flow/codeblock", json=bodies[name])
            except httpx.HTTPError as exc:
                report.transport_errors[type(exc).__name__] += 1
                continue
            report.latencies.setdefault(name, []).append((time.perf_counter() - sent) * 1000)
            report.statuses[response.status_code] += 1
            body = response.json()
            report.outcomes[f"{name}:{'ok' if body['success'] else body['error']['type']}"] += 1

    async def sample_rss() -> None:
        while time.monotonic() < stop:
            report.rss.append((time.monotonic() - started, serving.tree_rss_bytes(pid)))
            await asyncio.sleep(2.0)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        await asyncio.gather(sample_rss(), *(client(http) for _ in range(concurrency)))
    return report


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summarise(report: Report, duration: float, bench: Bench) -> None:
    every = [v for values in report.latencies.values() for v in values]
    bench.figure("requests", report.total, "requests")
    bench.figure("rps", report.total / duration, "rps", fmt=".1f")
    bench.figure("responses_5xx", report.server_errors, "responses")
    transport = sum(report.transport_errors.values())
    bench.figure("transport_errors", transport, "requests",
                 text=f"transport_errors: {transport} {dict(report.transport_errors)}")
    bench.figure("p50_ms", percentile(every, 0.5), "ms", fmt=".1f")
    bench.figure("p99_ms", percentile(every, 0.99), "ms", fmt=".1f")
    for name in sorted(report.latencies):
        values = report.latencies[name]
        bench.line(f"  {name:8} n={len(values):6} p50={percentile(values, 0.5):7.1f} ms "
                   f"p99={percentile(values, 0.99):7.1f} ms")
        for figure, value, unit in (("n", len(values), "requests"), ("p50_ms", percentile(values, 0.5), "ms"),
                                    ("p99_ms", percentile(values, 0.99), "ms")):
            bench.figure(figure, value, unit, fmt=".1f" if unit == "ms" else "", labels={"kind": name}, human=False)
    bench.line("outcomes: " + ", ".join(f"{k}={v}" for k, v in sorted(report.outcomes.items())))
    for outcome, n in sorted(report.outcomes.items()):
        bench.figure("outcomes", n, "requests", labels={"outcome": outcome}, human=False)
    if report.rss:
        warm = [r for t, r in report.rss if t >= min(30.0, duration / 4)] or [r for _, r in report.rss]
        first, last = warm[: max(1, len(warm) // 4)], warm[-max(1, len(warm) // 4):]
        bench.figure("rss_mb_after_warmup", statistics.median(first) / 2**20, "MB", fmt=".1f")
        bench.figure("rss_mb_at_end", statistics.median(last) / 2**20, "MB", fmt=".1f")
        bench.figure("rss_mb_max", max(r for _, r in report.rss) / 2**20, "MB", fmt=".1f")
        bench.figure("rss_growth_ratio", statistics.median(last) / statistics.median(first), "ratio", fmt=".3f")
        bench.line("rss_mb_series: " + " ".join(f"{t:.0f}s={r / 2**20:.0f}" for t, r in report.rss[::5]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", type=int, default=4, help="MAX_RUNTIME_POOL_SIZE per worker")
    parser.add_argument("--log", help="write the service's log (warnings and errors) to this file")
    args = parser.parse_args()
    bench = Bench("overload", params={"duration": args.duration, "concurrency": args.concurrency,
                                      "workers": args.workers, "pool": args.pool})
    process, url = start_service(args.workers, args.pool, log_path=args.log)
    try:
        bench.line(f"# {args.concurrency} clients against {args.workers} workers x {args.pool} runtimes "
              f"({args.concurrency / (args.workers * args.pool):.0f}x the pool) for {args.duration:.0f} s")
        report = asyncio.run(run_load(url, process.pid, args.duration, args.concurrency))
        alive = process.poll() is None and httpx.get(f"{url}/health", timeout=5).status_code == 200
        summarise(report, args.duration, bench)
        bench.figure("healthy_after", alive, "bool", text=f"healthy_after: {alive}")
    finally:
        serving.stop_service(process)


if __name__ == "__main__":
    main()
