"""A short run of bench/overload.py's mixed load (normal, failing, timing-out and
memory-hungry code at 4x the pool): every request gets a documented answer, none a
5xx or a broken connection, and the service is healthy afterwards. (Its figures, on a
3-minute run, are in docs/performance.md; this checks correctness, not speed.)"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import overload

EXPECTED = {
    "normal": {"ok"}, "async": {"ok"}, "throws": {"TypeError"}, "syntax": {"SyntaxError"},
    "timeout": {"TimeoutError"}, "memory": {"MemoryLimitError"}, "buffers": {"MemoryLimitError"},
}


def test_mixed_overload_gets_only_documented_answers(tmp_path: Path) -> None:
    process, url = overload.start_service(workers=2, pool=2, log_path=str(tmp_path / "service.log"))
    try:
        report = asyncio.run(overload.run_load(url, process.pid, duration=8.0, concurrency=16))
        assert report.total > 50
        assert report.server_errors == 0 and not report.transport_errors, (report.statuses, report.transport_errors)
        for outcome in report.outcomes:
            name, result = outcome.split(":")
            assert result in EXPECTED[name], outcome
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
    finally:
        overload.serving.stop_service(process)
    assert '"level":"error"' not in (tmp_path / "service.log").read_text()
