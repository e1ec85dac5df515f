"""Where one request's CPU goes: the worker's event-loop thread against its V8
threads, under autocannon load of the reference mix (bench/run.py's MIX).

Starts `codeblock serve` with one worker (by default), warms it up, then reads each
thread's CPU time from /proc/<pid>/task/*/stat before and after a timed load and
divides by the requests served. Settings pass through the environment, e.g.

    MAX_RUNTIME_POOL_SIZE=4 .venv/bin/python bench/cpu_split.py [--seconds 8] [--connections 50]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
from pathlib import Path

import httpx

import serving
from harness import Bench
from run import INPUT, MIX, load


def thread_cpu_s(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of every thread of `pid`."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(task.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    server, base = serving.start_service(args.workers, {})
    try:
        bodies = [json.dumps({"codebase64": base64.b64encode(code.encode()).decode(), "input": INPUT})
                  for _, code in MIX]
        load(f"{base}/flow/codeblock", bodies, args.connections, 3)  # warm-up: pools grow, modules load
        pids = serving.worker_pids(server.pid) or [server.pid]
        before = {pid: thread_cpu_s(pid) for pid in pids}
        result = load(f"{base}/flow/codeblock", bodies, args.connections, args.seconds)
        after = {pid: thread_cpu_s(pid) for pid in pids}
        pools = sorted({httpx.get(f"{base}/flow/health").json()["pool"]["size"] for _ in range(4)})
    finally:
        serving.stop_service(server)
    requests = result["total"]
    loop_s = sum(after[pid].get(pid, 0) - before[pid].get(pid, 0) for pid in pids)
    total_s = sum(cpu - before[pid].get(tid, 0) for pid in pids for tid, cpu in after[pid].items())
    bench = Bench("cpu_split", params=vars(args))
    bench.figure("rps", result["rps"], "rps", fmt=".0f")
    bench.figure("p50_ms", result["p50_ms"], "ms", fmt=".1f")
    bench.figure("p99_ms", result["p99_ms"], "ms", fmt=".1f")
    bench.figure("loop_cpu_ms_per_request", loop_s / requests * 1000, "ms", fmt=".3f")
    bench.figure("other_threads_cpu_ms_per_request", (total_s - loop_s) / requests * 1000, "ms", fmt=".3f",
                 note="(V8's, mostly)")
    bench.figure("pool_sizes", pools, "runtimes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
