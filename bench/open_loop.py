"""Latency against load, open loop (issue #20): requests arrive at a fixed rate whatever
the service does (bench/open_loop.mjs), at fractions of the maximum rate the service
reached closed-loop in the same run, so that queueing shows in the latency instead of
slowing the load down.

For each service (this one, and the unisolated isolated-vm peer of bench/peers/ unless
--services says otherwise): the reference mix of bench/run.py, a warm-up, its maximum
(autocannon, 100 connections, closed loop), then one open-loop phase per fraction
(rising; services interleaved at each fraction). Prints p50/p99/p99.9 per phase with what
the generator could not do on time (late: sent > 5 ms after due; dropped; errors), the
figures at 50% and 80% of the maximum against issue #20's goals (p99 <= 10 ms and
<= 25 ms), and draws docs/latency_vs_load.png.

    .venv/bin/python bench/open_loop.py [--seconds 10] [--services ours,ivm_reuse] [--out docs/latency_vs_load.png]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import serving
from compare import load_points
from harness import Bench
from run import INPUT, MIX, ROOT, load

FRACTIONS = (0.1, 0.25, 0.5, 0.65, 0.8, 0.9, 1.0)
GOALS = {0.5: 10.0, 0.8: 25.0}  # issue #20: p99 at 50% and 80% of the measured maximum, ours
PHASE_UNITS = {"p50_ms": "ms", "p99_ms": "ms", "p999_ms": "ms", "achieved_rps": "rps", "late": "requests",
               "dropped": "requests", "peak_connections": "connections"}
COLOURS = {"ours": "#1565c0", "ivm_reuse": "#ef6c00", "ivm_fresh": "#6a1b9a"}


def open_loop(url: str, bodies_file: str, rate: int, seconds: int, connections: int) -> dict[str, Any]:
    out = subprocess.run(
        ["node", str(ROOT / "bench" / "open_loop.mjs"), url, bodies_file, str(rate), str(seconds), str(connections)],
        capture_output=True, text=True, check=True, timeout=seconds + 90,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def start(name: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    if name == "ours":
        return serving.start_service(workers, {"RUNTIME_POOL_SIZE": "8", "MAX_CONCURRENT_EXECUTIONS": "1000"})
    return serving.start_peer(name.removeprefix("ivm_"), workers)


def plot(phases: list[dict[str, Any]], maxima: dict[str, float], out: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5), dpi=110)
    for name, colour in COLOURS.items():
        points = sorted((p for p in phases if p["service"] == name), key=lambda p: p["target_rps"])
        if not points:
            continue
        rates = [p["target_rps"] for p in points]
        for key, style, label in (("p50_ms", ":", "p50"), ("p99_ms", "-", "p99"), ("p999_ms", "--", "p99.9")):
            ax.plot(rates, [p[key] for p in points], style, color=colour, marker="o", markersize=3,
                    linewidth=1.6, label=f"{name} {label}")
        ax.axvline(maxima[name], color=colour, alpha=0.3, linewidth=1)
        ax.annotate(f"{name} closed-loop max {maxima[name]:,.0f}/s", (maxima[name], 0.02),
                    xycoords=("data", "axes fraction"), rotation=90, fontsize=7, color=colour,
                    ha="right", va="bottom")
    for fraction, goal in GOALS.items():
        if "ours" in maxima:
            ax.plot([maxima["ours"] * fraction], [goal], marker="v", color="#c62828", markersize=7)
            ax.annotate(f"goal p99 <= {goal:.0f} ms at {fraction:.0%}", (maxima["ours"] * fraction, goal),
                        textcoords="offset points", xytext=(5, 6), fontsize=7, color="#c62828")
    ax.set_xlabel("offered load (requests/s, open loop)")
    ax.set_ylabel("latency from due time (ms)")
    ax.set_yscale("log")
    ax.set_title(title, fontsize=9)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(loc="upper left", fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="per open-loop phase")
    parser.add_argument("--max-seconds", type=int, default=8, help="closed-loop phase that measures the maximum")
    parser.add_argument("--services", default="ours,ivm_reuse", help="ours, ivm_reuse, ivm_fresh (comma-separated)")
    parser.add_argument("--connections", type=int, default=512, help="the open-loop generator's socket limit")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "latency_vs_load.png"))
    args = parser.parse_args()
    names = [n for n in args.services.split(",") if n]
    if unknown := set(names) - set(COLOURS):
        parser.error(f"unknown services: {', '.join(sorted(unknown))}")
    if any(n != "ours" for n in names) and not serving.peers_built():
        parser.error("bench/peers is not built: `make bench` builds it (or pass --services ours)")

    bodies = [json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})
              for _, code in MIX]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(bodies, fh)
    bench = Bench("open_loop", params={k: v for k, v in vars(args).items() if k != "out"})
    # The machine may be shared (other jobs' CPU shows as latency here): say how busy it was.
    bench.figure("load_average_before", os.getloadavg()[0], "runnable", fmt=".2f")
    started: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    phases: list[dict[str, Any]] = []
    maxima: dict[str, float] = {}
    try:
        for name in names:
            started[name] = start(name, args.workers)
        for name, (_, base) in started.items():
            load(f"{base}/flow/codeblock", bodies, 100, 3)  # warm-up
            maxima[name] = load(f"{base}/flow/codeblock", bodies, 100, args.max_seconds)["rps"]
            bench.figure("max_rps", maxima[name], "rps", fmt=".0f", labels={"service": name},
                         text=f"{name}: closed-loop maximum {maxima[name]:.0f} rps (100 connections)")
        for fraction in FRACTIONS:
            for name, (_, base) in started.items():
                rate = load_points(maxima[name], [fraction])[0][1]
                result = open_loop(f"{base}/flow/codeblock", fh.name, rate, args.seconds, args.connections)
                phases.append({"service": name, "fraction": fraction, **result})
                labels = {"service": name, "load": f"{fraction:.0%}", "rate_rps": rate}
                for key, unit in PHASE_UNITS.items():
                    bench.figure(key, result[key], unit, labels=labels, human=False)
                bench.figure("failed", result["errors"] + result["non2xx"] + result["unfinished"], "requests",
                             labels=labels, text=(
                                 f"{name} {fraction:>4.0%} ({rate} rps): p50 {result['p50_ms']} ms, "
                                 f"p99 {result['p99_ms']} ms, p99.9 {result['p999_ms']} ms; achieved "
                                 f"{result['achieved_rps']} rps, late {result['late']}/{result['scheduled']} "
                                 f"(max {result['max_lag_ms']} ms), dropped {result['dropped']}, failed "
                                 f"{result['errors'] + result['non2xx'] + result['unfinished']}, "
                                 f"connections {result['peak_connections']}"))
    finally:
        for process, _ in started.values():
            serving.stop_service(process)
        os.unlink(fh.name)

    for fraction, goal in GOALS.items():
        for phase in phases:
            if phase["service"] == "ours" and phase["fraction"] == fraction:
                bench.figure(f"p99_at_{fraction:.0%}".replace("%", "pct"), phase["p99_ms"], "ms", fmt=".2f",
                             note=f"(ours at {phase['target_rps']} rps; issue #20's goal <= {goal:.0f} ms; "
                                  f"p99.9 {phase['p999_ms']} ms, p50 {phase['p50_ms']} ms)")
    bench.figure("load_average_after", os.getloadavg()[0], "runnable", fmt=".2f")
    plot(phases, maxima, Path(args.out),
         f"Open-loop latency against offered load, reference mix, 2 workers each, {args.seconds} s per point "
         f"(bench/open_loop.py, {os.cpu_count()} CPUs shared with the load generator)")
    bench.line(f"plot: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
