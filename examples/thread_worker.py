"""A worker pool of plain threads sharing one synchronous Sandbox, as a Celery or RQ
worker would: each job is a code block and its input; results and failures are
collected per job. No event loop anywhere in this program.

    python examples/thread_worker.py [--threads 4] [--jobs 200]

In Celery, create the Sandbox in `worker_process_init` (after the fork) and close it
in `worker_process_shutdown`; a task then calls `sandbox.run(...)`.
"""

from __future__ import annotations

import argparse
import queue
import threading
from dataclasses import dataclass
from typing import Any

from flow_codeblock import CodeBlockError, Sandbox, SyncSandbox

SCORE = "return { id: input.id, score: input.values.reduce((a, b) => a + b, 0) / input.values.length };"
BROKEN = "return input.values.missing.length;"  # every tenth job fails, as real jobs do


@dataclass(frozen=True)
class Job:
    id: int
    code: str
    input: dict[str, Any]


def worker(sandbox: SyncSandbox, jobs: queue.Queue[Job | None], results: dict[int, Any],
           failures: dict[int, str]) -> None:
    while (job := jobs.get()) is not None:
        try:
            results[job.id] = sandbox.run(job.code, input=job.input).value
        except CodeBlockError as error:
            failures[job.id] = f"{error.type}: {error}"
        finally:
            jobs.task_done()


def process(jobs: list[Job], threads: int) -> tuple[dict[int, Any], dict[int, str]]:
    results: dict[int, Any] = {}
    failures: dict[int, str] = {}
    work: queue.Queue[Job | None] = queue.Queue()
    with Sandbox(runtime_pool_size=threads, execution_timeout_ms=2000) as sandbox:
        pool = [threading.Thread(target=worker, args=(sandbox, work, results, failures)) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for job in jobs:
            work.put(job)
        for _ in pool:
            work.put(None)
        for thread in pool:
            thread.join()
    return results, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=200)
    args = parser.parse_args()
    jobs = [Job(n, BROKEN if n % 10 == 9 else SCORE, {"id": n, "values": [n, n + 1, n + 2]}) for n in range(args.jobs)]
    results, failures = process(jobs, args.threads)
    print(f"{len(results)} jobs done, {len(failures)} failed, by {args.threads} threads")
    for job_id in sorted(failures)[:3]:
        print(f"  job {job_id}: {failures[job_id]}")


if __name__ == "__main__":
    main()
