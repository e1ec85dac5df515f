"""Tail latency at light load (issue #24): open-loop load at a fixed arrival rate
(autocannon's overall rate, bench/rate_load.mjs) against `codeblock serve` with its
default settings and 2 workers, for each code block of the issue: p50/p90/p99/max
per window, their medians over the rounds, and the RSS of each worker after the load.

    .venv/bin/python bench/tail_latency.py [--rate 300] [--connections 20] [--seconds 20]
        [--rounds 3] [--warmup 5] [--blocks lodash,plain] [--env KEY=VALUE ...]
        [--plot docs/tail_latency.png]

--growth adds a third load: the lodash block while one request in ten awaits a 30 ms
timer, so runtimes park and the pool grows during the window (policy.growth_wanted);
with --plot, its latency over time is drawn (per-second p50, p99, max), where a
spike when runtimes are added would show.

Run it on a quiet machine: the load generator shares the cores with the service.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import serving  # noqa: E402
from harness import Bench  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INPUT = {"a": list(range(100))}
BLOCKS = {
    "lodash": "const _ = require('lodash'); return _.sum(input.a) + await Promise.resolve(1)",
    "plain": "return input.a.reduce((s, x) => s + x, 0) + await Promise.resolve(1)",
}
TIMER_BLOCK = "await new Promise((resolve) => setTimeout(resolve, 30)); return 1"


def body(code: str) -> str:
    return json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})


def load(url: str, bodies: list[str], rate: int, connections: int, seconds: float) -> dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(bodies, fh)
    out = subprocess.run(
        ["node", str(ROOT / "bench" / "rate_load.mjs"), f"{url}/flow/codeblock", fh.name, str(rate),
         str(connections), str(seconds)], check=True, capture_output=True, text=True, cwd=ROOT,
    )
    Path(fh.name).unlink()
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def pool_sizes(url: str) -> list[int]:
    status = httpx.get(f"{url}/flow/status", timeout=5).json()
    pool = status.get("pool") or status.get("data", {}).get("pool") or {}
    return [int(pool["size"])] if "size" in pool else []


def run_block(bench: Bench, name: str, bodies: list[str], args: argparse.Namespace,
              env: dict[str, str]) -> dict[str, object]:
    process, url = serving.start_service(2, env)
    try:
        load(url, bodies, args.rate, args.connections, args.warmup)
        rounds = [load(url, bodies, args.rate, args.connections, args.seconds) for _ in range(args.rounds)]
        rss = [serving.rss_bytes(pid) / 1e6 for pid in serving.worker_pids(process.pid)]
    finally:
        serving.stop_service(process)
    labels = {"block": name, "rate": args.rate}
    bench.line(f"{name}: " + "  ".join(
        f"[p50 {r['p50_ms']} p90 {r['p90_ms']} p99 {r['p99_ms']} max {r['max_ms']} errors {r['errors']} "
        f"non2xx {r['non2xx']} rps {r['rps']:.0f}]" for r in rounds))
    for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms"):
        values = [float(r[key]) for r in rounds]  # type: ignore[arg-type]
        bench.figure(f"{name}_{key}", statistics.median(values), "ms", fmt=".1f", labels=labels,
                     note=f"median of {values}")
    bench.figure(f"{name}_rss_mb_per_worker", rss, "MB", fmt=".0f", labels=labels)
    return rounds[-1]


def plot(series: list[dict[str, object]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    seconds = [int(s["second"]) for s in series if s["n"]]  # type: ignore[call-overload]
    fig, ax = plt.subplots(figsize=(9, 4))
    for key in ("p50", "p99", "max"):
        ax.plot(seconds, [s[key] for s in series if s["n"]], label=key)
    ax.set_xlabel("second of the window")
    ax.set_ylabel("latency, ms")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--blocks", default="lodash,plain")
    parser.add_argument("--growth", action="store_true")
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the service")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    bench = Bench("tail_latency", params={"rate": args.rate, "connections": args.connections,
                                          "seconds": args.seconds, "rounds": args.rounds, "env": env})
    for name in args.blocks.split(","):
        run_block(bench, name, [body(BLOCKS[name])], args, env)
    if args.growth:
        # Nine lodash requests, then one that parks on a timer: the pool grows in the window.
        bodies = [body(BLOCKS["lodash"])] * 9 + [body(TIMER_BLOCK)]
        last = run_block(bench, "growth", bodies, argparse.Namespace(**{**vars(args), "warmup": 0.5}), env)
        if args.plot:
            plot(last["per_second"], args.plot,  # type: ignore[arg-type]
                 f"lodash + 10% timer blocks, {args.rate} req/s, pool growing from its defaults")
            bench.line(f"plot: {args.plot}")
    time.sleep(0)


if __name__ == "__main__":
    main()
