"""What a stored script costs per call against the same code posted (issue #18 part 2):
POST /flow/codeblock/{id} (the script and its owner read from the database once per
AUTH_CACHE_S, the compiled block cached per version) against POST /flow/codeblock with the
same code and input and an API token, on one `codeblock serve` with auth on and 2 workers, on
this machine, in one run.

Loaded by autocannon (bench/http_load.mjs) with a cheap code block (so that the per-call
machinery's share is as large as it gets), in interleaved rounds (AB BA ...); each figure is
the median over the rounds. Two ratios:
- `stored_cpu_vs_posted`: the workers' CPU per call (user + system, all their threads, from
  /proc), stored over posted. This is the cost per call the issue names, and it holds on a
  shared machine, where other processes take the cores from the service and the load
  generator alike; <= 1.0 means a stored call costs no more.
- `stored_vs_posted`: requests per second, stored over posted; on a quiet machine only.

    .venv/bin/python bench/script_cost.py [--seconds 5] [--rounds 3] [--connections 50]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
from pathlib import Path

import httpx
from auth_cost import ADMIN, load, token

import serving

CODE = "return { sum: input.body.a + input.body.b, who: input.body.who };"
INPUT = {"a": 1, "b": 2, "who": "bench"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="codeblock-script-bench-"))
    service, url = serving.start_service(2, {"RUNTIME_POOL_SIZE": "4", "MAX_CONCURRENT_EXECUTIONS": "1000",
                                             "AUTH_ENABLED": "true", "ADMIN_TOKEN": ADMIN,
                                             "AUTH_DB_PATH": str(work / "db.sqlite3")})
    try:
        secret = token(url)
        headers = {"accessToken": secret}
        code_base64 = base64.b64encode(CODE.encode()).decode()
        saved = httpx.post(f"{url}/flow/scripts", headers=headers, json={"code_base64": code_base64}, timeout=30)
        saved.raise_for_status()
        script_id = saved.json()["data"]["script_id"]
        posted_body = json.dumps({"codebase64": code_base64, "input": {"query": {}, "header": {}, "body": INPUT}})
        targets = {
            "posted": (f"{url}/flow/codeblock", headers, posted_body),
            "stored": (f"{url}/flow/codeblock/{script_id}", {}, json.dumps(INPUT)),
        }
        for target, extra, body in targets.values():
            load(target, extra, args.connections, 2, body)  # warm-up
        rps: dict[str, list[float]] = {name: [] for name in targets}
        cpu_us: dict[str, list[float]] = {name: [] for name in targets}
        names = list(targets)
        for number in range(args.rounds):
            for name in names if number % 2 == 0 else reversed(names):
                target, extra, body = targets[name]
                before = serving.workers_cpu_s(service.pid)
                result = load(target, extra, args.connections, args.seconds, body)
                used = serving.workers_cpu_s(service.pid) - before
                assert result["non2xx"] == 0 and result["errors"] == 0, (name, result)
                rps[name].append(result["rps"])
                cpu_us[name].append(used / result["total"] * 1e6)
                print(f"  round {number + 1} {name}: {result['rps']:.0f} rps, p50 {result['p50_ms']} ms, "
                      f"p99 {result['p99_ms']} ms, {cpu_us[name][-1]:.0f} us CPU per call", flush=True)
    finally:
        serving.stop_service(service)
    medians = {name: statistics.median(values) for name, values in rps.items()}
    cpu = {name: statistics.median(values) for name, values in cpu_us.items()}
    print(json.dumps({"posted_rps": round(medians["posted"]), "stored_rps": round(medians["stored"]),
                      "stored_vs_posted": round(medians["stored"] / medians["posted"], 3),
                      "posted_cpu_us_per_call": round(cpu["posted"]), "stored_cpu_us_per_call": round(cpu["stored"]),
                      "stored_cpu_vs_posted": round(cpu["stored"] / cpu["posted"], 3)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
