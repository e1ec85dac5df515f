"""Prometheus metrics (prometheus-client).

With several worker processes, `codeblock serve` points PROMETHEUS_MULTIPROC_DIR at
a shared directory before the workers start, and /metrics aggregates all of them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

__all__ = ["CONTENT_TYPE_LATEST", "mark_process_dead", "render"]

_FAST = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
_EXEC = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

health_check_duration_seconds = Histogram(
    "health_check_duration_seconds", "Wall time of one pool health check, including work off the loop", buckets=_FAST
)
health_check_loop_block_seconds = Histogram(
    "health_check_loop_block_seconds",
    "Longest stretch one health check ran on the event loop without yielding (the lock-wait equivalent)",
    buckets=_FAST,
)
runtime_rebuilt_total = Counter("runtime_rebuilt_total", "Runtimes closed and replaced", ["reason"])
pool_size_adjusted_total = Counter("pool_size_adjusted_total", "Runtimes added to or removed from the pool",
                                   ["direction"])
pool_size = Gauge("pool_size", "Runtimes in the pool (idle, in use, maintenance, being created)",
                  multiprocess_mode="livesum")
pool_in_use = Gauge("pool_in_use", "Runtimes running an execution", multiprocess_mode="livesum")
pool_waiting = Gauge("pool_waiting", "Executions waiting for a runtime", multiprocess_mode="livesum")
executions_total = Counter("executions_total", "Finished executions", ["status", "error_type"])
execution_duration_seconds = Histogram("execution_duration_seconds", "Time in the runtime per execution",
                                       buckets=_EXEC)
execution_queue_wait_seconds = Histogram("execution_queue_wait_seconds", "Time waiting for a runtime",
                                         buckets=_EXEC)
outbound_requests_total = Counter(
    "outbound_requests_total", "HTTP requests made by code blocks (fetch, axios), by outcome", ["outcome"]
)
outbound_bytes_total = Counter("outbound_bytes_total", "Body bytes of code blocks' HTTP requests", ["direction"])
outbound_request_duration_seconds = Histogram(
    "outbound_request_duration_seconds", "Time per outbound request, redirects included", buckets=_EXEC
)
quota_store_errors_total = Counter("quota_store_errors_total", "Count quota takes that found Redis unavailable")
auth_failures_total = Counter("auth_failures_total", "Requests refused for their API token", ["reason"])
rate_limited_total = Counter("rate_limited_total", "Requests refused by a rate limit", ["limit"])
rate_limit_store_errors_total = Counter("rate_limit_store_errors_total",
                                        "Rate limit checks let through because the store (Redis) failed")
module_requires_total = Counter("codeblock_module_requires_total",
                                "Executions that required a module (a require or import the code names)", ["module"])
usage_flush_errors_total = Counter("codeblock_usage_flush_errors_total",
                                   "Writes of usage records (quota logs, stats) that failed and were retried")
usage_records_dropped_total = Counter("codeblock_usage_records_dropped_total",
                                      "Usage records dropped: USAGE_BUFFER_MAX were held", ["kind"])
rss_limit_exceeded_total = Counter("rss_limit_exceeded_total",
                                   "Times a worker's RSS passed RSS_LIMIT_MB and idle runtimes were shed")
event_loop_lag_seconds = Histogram("event_loop_lag_seconds", "Delay of a 100 ms timer on the event loop",
                                   buckets=_FAST)


def render() -> bytes:
    """The exposition text: all workers' metrics when running multi-process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY)


def mark_process_dead(pid: int) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
