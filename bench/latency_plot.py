"""Latency over time during a run with health checks every second: the reference mix
of bench/run.py at a steady concurrency, every request's latency recorded, then
plotted (docs/latency.png) with the per-second p50 and p99. Periodic spikes would
show as a comb in the p99 line; the figures printed say how flat it is.

    .venv/bin/python bench/latency_plot.py [--seconds 30] [--concurrency 20] [--out docs/latency.png]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from harness import Bench
from overload import percentile, start_service
from run import INPUT, MIX
from serving import stop_service


async def drive(url: str, seconds: float, concurrency: int) -> list[tuple[float, float]]:
    bodies = [{"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT} for _, code in MIX]
    samples: list[tuple[float, float]] = []
    started = time.monotonic()
    stop = started + seconds

    async def client(http: httpx.AsyncClient, offset: int) -> None:
        i = offset
        while time.monotonic() < stop:
            sent = time.monotonic()
            response = await http.post("/flow/codeblock", json=bodies[i % len(bodies)])
            response.raise_for_status()
            samples.append((sent - started, (time.monotonic() - sent) * 1000))
            i += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        await asyncio.gather(*(client(http, n) for n in range(concurrency)))
    return samples


def per_second(samples: list[tuple[float, float]], q: float) -> list[tuple[int, float]]:
    buckets: dict[int, list[float]] = {}
    for t, ms in samples:
        buckets.setdefault(int(t), []).append(ms)
    return [(s, percentile(v, q)) for s, v in sorted(buckets.items())]


def plot(samples: list[tuple[float, float]], out: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=110)
    ax.scatter([t for t, _ in samples], [ms for _, ms in samples], s=2, alpha=0.15, color="#7a8699",
               label="each request")
    for q, color, label in ((0.5, "#1a7f37", "p50 per second"), (0.99, "#c62828", "p99 per second")):
        series = per_second(samples, q)
        ax.plot([s + 0.5 for s, _ in series], [v for _, v in series], color=color, linewidth=1.8, label=label)
    ax.set_xlabel("seconds into the run")
    ax.set_ylabel("latency (ms)")
    ax.set_yscale("log")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--out", default=str(Path(__file__).parent.parent / "docs" / "latency.png"))
    args = parser.parse_args()
    env = {"HEALTH_CHECK_INTERVAL_S": "1", "RUNTIME_POOL_SIZE": "8", "MIN_RUNTIME_POOL_SIZE": "8",
           "RUNTIME_MEMORY_LIMIT_MB": "128", "EXECUTION_TIMEOUT_MS": "5000"}
    process, url = start_service(workers=2, pool=32, env=env)
    try:
        asyncio.run(drive(url, 3.0, args.concurrency))  # warm-up: modules installed, pools grown
        samples = asyncio.run(drive(url, args.seconds, args.concurrency))
    finally:
        stop_service(process)
    p99s = [v for _, v in per_second(samples, 0.99)]
    latencies = [ms for _, ms in samples]
    bench = Bench("latency_plot", params={"seconds": args.seconds, "concurrency": args.concurrency})
    bench.figure("requests", len(samples), "requests")
    bench.figure("p50_ms", percentile(latencies, 0.5), "ms", fmt=".1f")
    bench.figure("p99_ms", percentile(latencies, 0.99), "ms", fmt=".1f")
    bench.figure("p99_per_second_median_ms", statistics.median(p99s), "ms", fmt=".1f")
    bench.figure("p99_per_second_max_ms", max(p99s), "ms", fmt=".1f")
    bench.figure("p99_spike_ratio", max(p99s) / statistics.median(p99s), "ratio", fmt=".2f",
                 note="(worst second against the median second)")
    plot(samples, Path(args.out), f"{len(samples)} requests, {args.concurrency} clients, 2 workers, "
                                  "health checks every 1 s (bench/latency_plot.py)")
    bench.line(f"plot: {args.out}")

if __name__ == "__main__":
    main()
