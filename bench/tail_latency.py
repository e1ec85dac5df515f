"""Tail latency at light load (issue #24): open-loop load at a fixed arrival rate against
`codeblock serve` with its default settings and 2 workers, for each code block of the
issue: p50/p90/p99/max per window, their medians over the rounds, and the RSS of each
worker after the load.

    .venv/bin/python bench/tail_latency.py [--rate 300] [--seconds 20] [--rounds 3] [--warmup 5]
        [--generator open|autocannon] [--arrivals poisson|even] [--connections N]
        [--blocks lodash,plain] [--peer] [--env KEY=VALUE ...]
        [--growth] [--plot docs/tail_latency.png] [--python OTHER_CHECKOUT/.venv/bin/python]

The load (--generator):
- open (the default): bench/open_loop.mjs, a true open loop. Requests are due at a fixed
  rate whatever the server does, Poisson arrivals by default (independent callers; `even`:
  evenly spaced), latency counted from the due time. --connections caps its sockets (256).
- autocannon: its overall rate (bench/rate_load.mjs), the issue's original set-up, kept to
  compare. It is not an open loop: autocannon refills each connection's quota once a
  second, so every connection sends its share back to back at the start of each second
  (at -R 300 -c 20: 20 streams of 15 requests), and the p99 it reports is mostly that
  burst queueing. --connections is its connection count (20).
--peer also runs each block against the isolated-vm peer that reuses contexts
(bench/peers, built by `make bench`), on the same load: issue #24 compares p99s with it.

--growth adds a third run: the lodash block, and from a quarter of the window on a second
load (30 req/s) of blocks parked on a 200 ms timer, so executions wait and the pool grows
(policy.growth_wanted); with --plot, the lodash requests' latency over time is drawn
(per-second p50, p99, max) with each worker's pool size, where a spike when runtimes are
added would show.

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
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import serving
from harness import Bench
from run import load as load_closed

ROOT = Path(__file__).resolve().parent.parent
INPUT = {"a": list(range(100))}
BLOCKS = {
    "lodash": "const _ = require('lodash'); return _.sum(input.a) + await Promise.resolve(1)",
    "plain": "return input.a.reduce((s, x) => s + x, 0) + await Promise.resolve(1)",
    "dayjs": "const dayjs = require('dayjs'); return dayjs('2024-05-01').add(input.a[7], 'day').format('YYYY-MM-DD')",
    "crypto": "const crypto = require('crypto');"
              " return crypto.createHash('sha256').update(JSON.stringify(input.a)).digest('hex')",
    "xlsx": "const XLSX = require('xlsx'); const sheet = XLSX.utils.aoa_to_sheet([input.a.slice(0, 10)]);"
            " return XLSX.utils.sheet_to_csv(sheet)",
}
# Issue #24's mixes: requests rotate over these blocks (the generator takes bodies in turn).
MIXES = {
    "modules": ["lodash", "dayjs", "crypto", "xlsx"],
    "mixed": ["plain", "lodash", "plain", "dayjs", "plain", "crypto", "plain", "xlsx"],
}
# The blocks the isolated-vm peer can run: it has lodash and dayjs, not our crypto or xlsx.
PEER_BLOCKS = {"plain", "lodash", "dayjs"}
TIMER_BLOCK = "await new Promise((resolve) => setTimeout(resolve, 200)); return 1"


def body(code: str) -> str:
    return json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})


def load_command(url: str, bodies_file: str, rate: int, seconds: float, args: argparse.Namespace,
                 delay: float = 0, seed: int = 1) -> list[str]:
    """The generator's command line (the module docstring): one JSON line with p50_ms,
    p90_ms, p99_ms, max_ms, errors, non2xx and per_second."""
    target = f"{url}/flow/codeblock"
    if args.generator == "autocannon":
        return ["node", str(ROOT / "bench" / "rate_load.mjs"), target, bodies_file, str(rate),
                str(args.connections or 20), str(seconds), str(delay)]
    return ["node", str(ROOT / "bench" / "open_loop.mjs"), target, bodies_file, str(rate), str(seconds),
            str(args.connections or 256), "10000", "--arrivals", args.arrivals, "--seed", str(seed),
            "--delay", str(delay), "--per-second"]


def load(url: str, bodies: list[str], rate: int, seconds: float, args: argparse.Namespace,
         seed: int = 1) -> dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(bodies, fh)
    out = subprocess.run(load_command(url, fh.name, rate, seconds, args, seed=seed), check=True,
                         capture_output=True, text=True, cwd=ROOT)
    Path(fh.name).unlink()
    result = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    result.setdefault("rps", result.get("achieved_rps", 0))
    result.setdefault("timeouts", result.get("unfinished", 0))
    return result


def generator_label(args: argparse.Namespace) -> str:
    if args.generator == "autocannon":
        return "autocannon -R, bursts each second"
    return f"open loop, {args.arrivals} arrivals"


class PoolWatch(threading.Thread):
    """Polls /flow/status every 100 ms: each worker's pool size over time (an answer comes
    from whichever worker accepts the connection) and its last pool figures."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.started = time.monotonic()
        self.stop = threading.Event()
        self.sizes: dict[int, list[tuple[float, int]]] = {}
        self.last: dict[int, dict[str, object]] = {}
        # Each worker's executions.total, first and last seen in the window: its share of
        # the load (the generator's few keep-alive connections can all land on one worker).
        self.executions: dict[int, list[int]] = {}

    def run(self) -> None:
        self.started = time.monotonic()
        with httpx.Client(timeout=5) as http:
            while not self.stop.wait(0.1):
                try:
                    status = http.get(f"{self.url}/flow/status", headers={"connection": "close"}).json()
                except httpx.HTTPError:
                    continue
                pid = int(status["pid"])
                self.sizes.setdefault(pid, []).append((time.monotonic() - self.started, int(status["pool"]["size"])))
                self.last[pid] = status["pool"]
                seen = self.executions.setdefault(pid, [int(status["executions"]["total"])] * 2)
                seen[1] = int(status["executions"]["total"])


def worker_shares(watch: PoolWatch) -> str:
    """Each worker's executions in the window, as seen by the poller (from its first answer
    to its last): "5,100/900" is a worker doing 85% of the load."""
    return "/".join(str(last - first) for first, last in watch.executions.values())


def resolve_rate(bench: Bench, rate: str, url: str, bodies: list[str], labels: dict[str, object]) -> int:
    """`rate` as requests/s: a number, or a share ("50%") of the rate this service reaches
    closed-loop (100 connections, 8 s, after 3 s of warm-up) on the same bodies, measured now."""
    if not rate.endswith("%"):
        return int(rate)
    load_closed(f"{url}/flow/codeblock", bodies, 100, 3)
    maximum = float(load_closed(f"{url}/flow/codeblock", bodies, 100, 8)["rps"])
    bench.figure("max_rps", maximum, "rps", fmt=".0f", labels=labels)
    return max(1, round(maximum * float(rate[:-1]) / 100))


def start(service: str, env: dict[str, str], args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str]:
    if service == "ours":
        return serving.start_service(2, env, python=args.python)
    return serving.start_peer("reuse", 2)


def run_block(bench: Bench, name: str, bodies: list[str], args: argparse.Namespace,
              env: dict[str, str], service: str = "ours", rate: int | None = None) -> int:
    """One block against one service; returns the rate it ran at. `rate` given (the peer's
    run): that rate, so the two sides carry the same load; else --rate resolved here."""
    process, url = start(service, env, args)
    watch = PoolWatch(url)
    try:
        if rate is None:
            rate = resolve_rate(bench, args.rate, url, bodies, {"block": name, "service": service})
        load(url, bodies, rate, args.warmup, args, seed=99)
        rounds = []
        shares = []
        for index in range(args.rounds):
            watch = PoolWatch(url)
            if service == "ours":
                watch.start()
            rounds.append(load(url, bodies, rate, args.seconds, args, seed=index + 1))
            watch.stop.set()
            if service == "ours":
                watch.join()
                shares.append(worker_shares(watch))
        rss = [serving.rss_bytes(pid) / 1e6 for pid in serving.worker_pids(process.pid)]
    finally:
        serving.stop_service(process)
    if shares:
        bench.line(f"  executions per worker, each window: {shares}")
    for pid, pool in watch.last.items():
        keys = ("size", "warmHits", "coldPicks", "warmModules", "moduleHeapBytes")
        shown = {k: pool.get(k) for k in keys if k in pool}
        bench.line(f"  worker {pid} after the last round: {shown}")

    labels = {"block": name, "rate": rate, "service": service, "generator": args.generator,
              "arrivals": args.arrivals if args.generator == "open" else "per-second refill"}
    bench.line(f"{service} {name}: " + "  ".join(
        f"[p50 {r['p50_ms']} p90 {r['p90_ms']} p99 {r['p99_ms']} max {r['max_ms']} errors {r['errors']} "
        f"non2xx {r['non2xx']} rps {float(r['rps']):.0f}]" for r in rounds))  # type: ignore[arg-type]
    for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms"):
        values = [float(r[key]) for r in rounds]  # type: ignore[arg-type]
        bench.figure(f"{name}_{key}", statistics.median(values), "ms", fmt=".1f", labels=labels,
                     note=f"median of {values}")
    bench.figure(f"{name}_rss_mb_per_worker", rss, "MB", fmt=".0f", labels=labels)
    return rate


def plot(series: list[dict[str, object]], sizes: dict[str, list[tuple[float, int]]], path: Path,
         title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    seconds = [int(s["second"]) for s in series if s["n"]]  # type: ignore[call-overload]
    fig, ax = plt.subplots(figsize=(9, 4))
    for key in ("p50", "p99", "max"):
        ax.plot(seconds, [s[key] for s in series if s["n"]], label=key)
    ax.set_xlabel("second of the window")
    ax.set_ylabel("latency, ms")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left")
    pools = ax.twinx()
    for pid, points in sorted(sizes.items()):
        pools.step([t for t, _ in points], [n for _, n in points], where="post", linestyle=":",
                   label=f"pool size, worker {pid}")
    pools.set_ylabel("runtimes")
    pools.set_ylim(bottom=0)
    pools.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", default="300",
                        help="requests/s, or N%% of the maximum measured closed-loop on the same block first")
    parser.add_argument("--generator", choices=("open", "autocannon"), default="open")
    parser.add_argument("--arrivals", choices=("poisson", "even"), default="poisson")
    parser.add_argument("--connections", type=int, help="open: socket cap (256); autocannon: connections (20)")
    parser.add_argument("--peer", action="store_true", help="also run each block against the isolated-vm peer")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--blocks", default="lodash,plain", help=f"of {sorted(BLOCKS) + sorted(MIXES)}")
    parser.add_argument("--growth", action="store_true")
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the service")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter that serves: another checkout's .venv/bin/python for 'before'")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    bench = Bench("tail_latency", params={"rate": args.rate, "connections": args.connections,
                                          "generator": args.generator, "arrivals": args.arrivals,
                                          "seconds": args.seconds, "rounds": args.rounds, "env": env,
                                          "python": args.python})
    if args.peer and not serving.peers_built():
        parser.error("bench/peers is not built: `make bench` builds it")
    for name in filter(None, args.blocks.split(",")):
        bodies = [body(BLOCKS[block]) for block in MIXES.get(name, [name])]
        rate = run_block(bench, name, bodies, args, env)
        if args.peer and set(MIXES.get(name, [name])) <= PEER_BLOCKS:
            # At this service's rate: with --rate 50%, the issue compares p99s on the same load.
            run_block(bench, name, bodies, args, env, service="ivm_reuse", rate=rate)
    if args.growth:
        growth(bench, args, env)


def growth(bench: Bench, args: argparse.Namespace, env: dict[str, str]) -> None:
    """The lodash block at the rate, and from a quarter of the window on, a second load of
    blocks that park on a 200 ms timer (30 req/s): runtimes park, executions wait, and
    the pool grows (policy.growth_wanted). Only the lodash requests are measured."""
    lodash = [body(BLOCKS["lodash"])]
    process, url = serving.start_service(2, env, python=args.python)
    watch = PoolWatch(url)
    try:
        rate = resolve_rate(bench, args.rate, url, lodash, {"block": "lodash", "service": "ours", "growth": True})
        load(url, lodash, rate, args.warmup, args, seed=99)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump([body(TIMER_BLOCK)], fh)
        delay = args.seconds / 4
        # Started with the measured load and told to wait: its node start-up is not the step.
        parking = subprocess.Popen(load_command(url, fh.name, 30, args.seconds - delay, args, delay=delay, seed=50),
                                   stdout=subprocess.DEVNULL, cwd=ROOT)
        watch.start()
        result = load(url, lodash, rate, args.seconds, args)
        parking.wait()
        watch.stop.set()
        watch.join()
        Path(fh.name).unlink()
        rss = [serving.rss_bytes(pid) / 1e6 for pid in serving.worker_pids(process.pid)]
    finally:
        serving.stop_service(process)
    labels = {"block": "lodash", "rate": rate, "growth": True, "generator": generator_label(args)}
    bench.line(f"growth: p50 {result['p50_ms']} p90 {result['p90_ms']} p99 {result['p99_ms']} max {result['max_ms']} "
               f"errors {result['errors']} non2xx {result['non2xx']}")
    for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms"):
        bench.figure(f"growth_{key}", float(result[key]), "ms", fmt=".1f", labels=labels)  # type: ignore[arg-type]
    bench.figure("growth_rss_mb_per_worker", rss, "MB", fmt=".0f", labels=labels)
    for pid, points in watch.sizes.items():
        bench.line(f"  worker {pid} pool size: {points[0][1] if points else '?'} -> {max(n for _, n in points)}")
    if args.plot:
        plot(result["per_second"], {str(pid): pts for pid, pts in watch.sizes.items()}, args.plot,  # type: ignore[arg-type]
             f"lodash block at {rate} req/s ({generator_label(args)}); from second {delay:.0f}, "
             f"30 req/s parked on a 200 ms timer")
        bench.line(f"plot: {args.plot}")

if __name__ == "__main__":
    main()
