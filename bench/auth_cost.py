"""What API tokens cost per request (issue #18): POST /flow/codeblock served with auth off,
with auth on (a token lookup, cached for AUTH_CACHE_S), and with auth on and a count quota
(one atomic UPDATE per call in the database, SQLite here) and, with --redis, with the count
quota taken in Redis (a redis-server started here), on this machine, in one run.

Each configuration is a `codeblock serve` with 2 workers, loaded by autocannon
(bench/http_load.mjs) with `return 1 + 1` (the cheapest code block, so that the access
layer's share is as large as it gets), in interleaved rounds (ABC CBA ...); each figure is the
median over the rounds, and the ratios against auth off are the figures to compare across
runs (the load generator shares the cores with the services).

    .venv/bin/python bench/auth_cost.py [--seconds 5] [--rounds 3] [--connections 50] [--redis]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

import serving

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "bench-admin-token-0123456789"
BODY = json.dumps({"codebase64": "cmV0dXJuIDEgKyAx", "input": {}})  # return 1 + 1


def load(url: str, headers: dict[str, str], connections: int, seconds: int, body: str = BODY) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump([body], fh)
    try:
        out = subprocess.run(["node", str(ROOT / "bench" / "http_load.mjs"), url, fh.name, str(connections),
                              str(seconds), json.dumps(headers)], capture_output=True, text=True, check=True,
                             timeout=seconds + 60)
    finally:
        os.unlink(fh.name)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def token(url: str, **fields: object) -> str:
    created = httpx.post(f"{url}/flow/tokens", headers={"accessToken": ADMIN}, timeout=30, json={
        "ws_id": "bench", "email": "bench@example.com", "operation": "unlimited", **fields})
    created.raise_for_status()
    value: str = created.json()["data"]["access_token"]
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--redis", action="store_true", help="also with the quota in Redis (/usr/bin/redis-server)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="codeblock-auth-bench-"))
    base = {"RUNTIME_POOL_SIZE": "4", "MAX_CONCURRENT_EXECUTIONS": "1000"}
    off, off_url = serving.start_service(2, base)
    on, on_url = serving.start_service(2, {**base, "AUTH_ENABLED": "true", "ADMIN_TOKEN": ADMIN,
                                           "AUTH_DB_PATH": str(work / "tokens.sqlite3")})
    redis = redis_on = None
    services = [off, on]
    if args.redis:
        port = serving.free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL)
        process, redis_on = serving.start_service(2, {**base, "AUTH_ENABLED": "true", "ADMIN_TOKEN": ADMIN,
                                                      "AUTH_DB_PATH": str(work / "tokens.sqlite3"),
                                                      "REDIS_URL": f"redis://127.0.0.1:{port}/0"})
        services.append(process)
    try:
        targets = {
            "auth_off": (off_url, {}),
            "auth_on": (on_url, {"accessToken": token(on_url)}),
            "auth_on_count_quota": (on_url, {"accessToken": token(on_url, quota_type="count",
                                                                   total_quota=2_000_000_000)}),
        }
        if redis_on is not None:
            targets["auth_on_count_quota_redis"] = (redis_on, {"accessToken": token(
                redis_on, quota_type="count", total_quota=2_000_000_000)})
        for url, headers in targets.values():
            load(f"{url}/flow/codeblock", headers, args.connections, 2)  # warm-up
        rps: dict[str, list[float]] = {name: [] for name in targets}
        names = list(targets)
        for number in range(args.rounds):
            for name in names if number % 2 == 0 else reversed(names):
                url, headers = targets[name]
                result = load(f"{url}/flow/codeblock", headers, args.connections, args.seconds)
                assert result["non2xx"] == 0 and result["errors"] == 0, (name, result)
                rps[name].append(result["rps"])
                print(f"  round {number + 1} {name}: {result['rps']:.0f} rps, p50 {result['p50_ms']} ms, "
                      f"p99 {result['p99_ms']} ms", flush=True)
    finally:
        for service in services:
            serving.stop_service(service)
        if redis is not None:
            redis.terminate()
            redis.wait(10)
    medians = {name: statistics.median(values) for name, values in rps.items()}
    report = {**{f"{name}_rps": round(value) for name, value in medians.items()},
              **{f"{name}_vs_off": round(value / medians["auth_off"], 3) for name, value in medians.items()
                 if name != "auth_off"}}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
