"""The service's wiring (service.py, api.py): each part gets its own narrow settings
object, copied field by field from Settings. Distinct values show a field copied
from the wrong setting."""

from __future__ import annotations

import json
import os

from flow_codeblock.api import access_settings
from flow_codeblock.config import load_settings
from flow_codeblock.executor import ExecutionLimits
from flow_codeblock.service import execution_limits, pool_policy, runtime_options

MiB = 1024 * 1024


def test_execution_limits() -> None:
    settings = load_settings(max_code_length=1001, max_input_size=1002, execution_timeout_ms=1003,
                             acquire_timeout_ms=1004, reset_timeout_ms=1005, allow_console="reject")
    assert execution_limits(settings) == ExecutionLimits(
        max_code_length=1001, max_input_size=1002, execution_timeout_ms=1003, acquire_timeout_ms=1004,
        reset_timeout_ms=1005, console="reject",
    )


def test_pool_policy() -> None:
    settings = load_settings(min_runtime_pool_size=3, max_runtime_pool_size=7, runtime_idle_timeout_min=2.0,
                             runtime_max_error_rate=0.25, runtime_max_age_s=99.0, runtime_max_executions=1234,
                             runtime_max_heap_growth_mb=5, runtime_pool_spare=3)
    policy = pool_policy(settings)
    assert policy.spare_while_parked == 3 and pool_policy(load_settings()).spare_while_parked == 2
    assert (policy.min_size, policy.max_size, policy.idle_timeout_s) == (3, 7, 120.0)
    assert (policy.max_error_rate, policy.max_age_s, policy.max_executions) == (0.25, 99.0, 1234)
    assert policy.max_heap_growth_bytes == 5 * MiB
    assert policy.compute_slots == max(2, os.cpu_count() or 2)  # a worker can keep every core busy


def test_access_settings() -> None:
    settings = load_settings(auth_enabled=True, auth_db_path="/tmp/t.sqlite3", auth_cache_s=1.5,
                             rate_limit_enabled=True, redis_url="redis://r:6379/0", rate_limit_token_rps=2.5,
                             rate_limit_token_burst=3, rate_limit_ip_rps=4.5, rate_limit_ip_burst=6)
    access = access_settings(settings)
    assert (access.auth_enabled, access.auth_db_path, access.auth_cache_s) == (True, "/tmp/t.sqlite3", 1.5)
    assert (access.rate_limit_enabled, access.redis_url) == (True, "redis://r:6379/0")
    assert (access.token_rps, access.token_burst, access.ip_rps, access.ip_burst) == (2.5, 3, 4.5, 6)



def test_runtime_options_send_the_console_limits() -> None:
    # The JS console has no defaults of its own (tests/js/console.test.mjs): Settings are the one source.
    settings = load_settings(max_console_entries=1011, max_console_bytes=1012, allow_console="true")
    sent = json.loads(runtime_options(settings).bootstrap_options())["console"]
    assert sent == {"enabled": True, "reject": False, "maxEntries": 1011, "maxBytes": 1012}
