"""Maps 10,000 records through one code block (a field mapping of the kind a workflow
engine's users write) and reports the throughput.

    python examples/data_mapping.py [--records 10000] [--concurrency 4]

The records run concurrently, a few per pooled runtime; the code block is parsed once
and cached, so each record costs one execution in a warm runtime.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from flow_codeblock import Sandbox

MAPPING = """
const [first, ...rest] = input.name.trim().split(/\\s+/);
return {
  id: `cust-${String(input.id).padStart(6, '0')}`,
  firstName: first,
  lastName: rest.join(' '),
  email: input.email.toLowerCase(),
  country: input.country.toUpperCase(),
  lifetimeValue: Math.round(input.orders.reduce((sum, o) => sum + o, 0) * 100) / 100,
};
"""


def records(count: int) -> list[dict[str, Any]]:
    return [{"id": n, "name": f" Ada{n}  Lovelace ", "email": f"Ada.{n}@Example.COM", "country": "gb",
             "orders": [n % 7 + 0.5, 10.25, n % 3]} for n in range(count)]


async def map_all(rows: list[dict[str, Any]], concurrency: int) -> tuple[list[Any], float]:
    """The mapped records, and the seconds the mapping took (the sandbox's start excluded)."""
    async with Sandbox(runtime_pool_size=concurrency // 2 or 1, max_concurrent_executions=concurrency * 2) as sandbox:
        limit = asyncio.Semaphore(concurrency)

        async def one(row: dict[str, Any]) -> Any:
            async with limit:
                return (await sandbox.run(MAPPING, input=row)).value

        started = time.perf_counter()
        mapped = await asyncio.gather(*(one(row) for row in rows))
        return mapped, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    mapped, seconds = asyncio.run(map_all(records(args.records), args.concurrency))
    print(f"first: {mapped[0]}")
    print(f"mapped {len(mapped)} records in {seconds:.2f} s: {len(mapped) / seconds:.0f} records/s")


if __name__ == "__main__":
    main()
