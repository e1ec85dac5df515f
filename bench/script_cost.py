"""What a stored script costs per call against the same code posted (issue #18 part 2):
POST /flow/codeblock/{id} (the script and its owner read from the database once per
AUTH_CACHE_S, the compiled block cached per version) against POST /flow/codeblock with the
same code and input and an API token, on one `codeblock serve` with auth on and 2 workers, on
this machine, in one run.

Loaded by autocannon (bench/http_load.mjs) with a cheap code block (so that the per-call
machinery's share is as large as it gets), in interleaved rounds (AB BA ...); each figure is
the median over the rounds, and `stored_vs_posted` (rps) is the figure to compare across runs.

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
        names = list(targets)
        for number in range(args.rounds):
            for name in names if number % 2 == 0 else reversed(names):
                target, extra, body = targets[name]
                result = load(target, extra, args.connections, args.seconds, body)
                assert result["non2xx"] == 0 and result["errors"] == 0, (name, result)
                rps[name].append(result["rps"])
                print(f"  round {number + 1} {name}: {result['rps']:.0f} rps, p50 {result['p50_ms']} ms, "
                      f"p99 {result['p99_ms']} ms", flush=True)
    finally:
        serving.stop_service(service)
    medians = {name: statistics.median(values) for name, values in rps.items()}
    print(json.dumps({"posted_rps": round(medians["posted"]), "stored_rps": round(medians["stored"]),
                      "stored_vs_posted": round(medians["stored"] / medians["posted"], 3)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
