"""The ASGI server in front of the app (issue #20: "measure granian against uvicorn with
httptools"): the same app (`flow_codeblock.api:create_app`, 2 workers, the same settings)
served by uvicorn with uvloop and httptools (what `codeblock serve` runs) and by granian
(Rust HTTP layer, the app on an asyncio loop: uvloop), each loaded by autocannon
(bench/http_load.mjs, 100 connections) on bench/run.py's reference mix and on the static
route, in interleaved rounds (uvicorn, granian; granian, uvicorn; ...).

Per server and route, medians over the rounds: rps, p50, p99, and the workers' CPU per
request (user + system of every thread of the server's processes, from /proc: it holds on a
shared machine where rps does not). Ratios are granian over uvicorn.

    .venv/bin/python bench/asgi_servers.py [--seconds 8] [--rounds 3] [--connections 100]
        [--granian-threads 1]

granian is not a dependency of the service: this bench installs nothing, so install it into
the virtualenv first (`make bench` does: the bench extra pins it).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import serving
from harness import Bench
from run import INPUT, MIX, load

SETTINGS = {"ENABLE_BENCH_ROUTES": "true", "RUNTIME_POOL_SIZE": "8", "MAX_CONCURRENT_EXECUTIONS": "1000"}
SERVERS = ("uvicorn", "granian")
ROUTES = ("codeblock", "static")


def start_granian(workers: int, threads: int) -> tuple[subprocess.Popen[bytes], str, str]:
    """granian serving the app as `codeblock serve` would set it up for several workers
    (WORKERS, a metrics directory shared by the workers); returns it, its URL and that
    directory (to remove)."""
    port = serving.free_port()
    metrics_dir = tempfile.mkdtemp(prefix="codeblock-bench-metrics-")
    env = {**os.environ, "LOG_LEVEL": "warning", **SETTINGS, "WORKERS": str(workers),
           "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
    granian = Path(sys.executable).parent / "granian"
    process = subprocess.Popen(
        [str(granian), "--interface", "asgi", "--loop", "uvloop", "--http", "1", "--workers", str(workers),
         "--runtime-threads", str(threads), "--host", "127.0.0.1", "--port", str(port), "--no-ws",
         "--log-level", "warning", "--factory", "flow_codeblock.api:create_app"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url, metrics_dir
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("granian did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--granian-threads", type=int, default=1, help="granian's Rust runtime threads per worker")
    args = parser.parse_args()
    if not (Path(sys.executable).parent / "granian").exists():
        parser.error("granian is not installed in this virtualenv: `make bench` installs the bench extra")
    bodies = [json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})
              for _, code in MIX]
    bench = Bench("asgi_servers", params=vars(args))
    bench.figure("load_average_before", os.getloadavg()[0], "runnable", fmt=".2f")
    uvicorn, uvicorn_url = serving.start_service(args.workers, SETTINGS)
    granian, granian_url, metrics_dir = start_granian(args.workers, args.granian_threads)
    servers = {"uvicorn": (uvicorn, uvicorn_url), "granian": (granian, granian_url)}
    figures: dict[tuple[str, str], dict[str, list[float]]] = {}
    try:
        for _, url in servers.values():  # warm-up: every runtime loads the mix's modules
            load(f"{url}/flow/codeblock", bodies, args.connections, 3)
            load(f"{url}/bench/static", bodies[:1], args.connections, 2)
        for number in range(args.rounds):
            for server in SERVERS if number % 2 == 0 else reversed(SERVERS):
                process, url = servers[server]
                for route in ROUTES:
                    target = f"{url}/flow/codeblock" if route == "codeblock" else f"{url}/bench/static"
                    before = serving.workers_cpu_s(process.pid)
                    result = load(target, bodies if route == "codeblock" else bodies[:1], args.connections,
                                  args.seconds)
                    used = serving.workers_cpu_s(process.pid) - before
                    assert result["non2xx"] == 0 and result["errors"] == 0, (server, route, result)
                    entry = figures.setdefault((server, route), {"rps": [], "p50": [], "p99": [], "cpu_us": []})
                    entry["rps"].append(result["rps"])
                    entry["p50"].append(result["p50_ms"])
                    entry["p99"].append(result["p99_ms"])
                    entry["cpu_us"].append(used / result["total"] * 1e6)
                    print(f"  round {number + 1} {server} {route}: {result['rps']:.0f} rps, p50 {result['p50_ms']} ms, "
                          f"p99 {result['p99_ms']} ms, {entry['cpu_us'][-1]:.0f} us CPU per request", flush=True)
        rss = {server: [serving.rss_bytes(pid) / 1e6 for pid in serving.worker_pids(process.pid)]
               for server, (process, _) in servers.items()}
    finally:
        for process, _ in servers.values():
            serving.stop_service(process)
        shutil.rmtree(metrics_dir, ignore_errors=True)

    medians = {key: {name: statistics.median(values) for name, values in entry.items()}
               for key, entry in figures.items()}
    for (server, route), values in sorted(medians.items()):
        labels = {"server": server, "route": route}
        bench.figure("rps", values["rps"], "rps", fmt=".0f", labels=labels,
                     text=f"{server} {route}: {values['rps']:.0f} rps, p50 {values['p50']} ms, p99 {values['p99']} ms, "
                          f"{values['cpu_us']:.0f} us CPU per request")
        bench.figure("cpu_us_per_request", values["cpu_us"], "us", fmt=".0f", labels=labels, human=False)
        bench.figure("p99_ms", values["p99"], "ms", labels=labels, human=False)
    for route in ROUTES:
        g, u = medians[("granian", route)], medians[("uvicorn", route)]
        bench.figure(f"granian_vs_uvicorn_{route}_rps", g["rps"] / u["rps"], "ratio", fmt=".3f")
        bench.figure(f"granian_vs_uvicorn_{route}_cpu", g["cpu_us"] / u["cpu_us"], "ratio", fmt=".3f",
                     note="CPU per request, granian over uvicorn (< 1: granian is cheaper)")
    for server, values in rss.items():
        bench.figure("worker_rss_mb", values, "MB", fmt=".0f", labels={"server": server})
    bench.figure("load_average_after", os.getloadavg()[0], "runnable", fmt=".2f")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
