"""What every answer of the API carries besides its result or error, as
Flow-CodeBlock's clients decode it: `success`, `timing` (integer milliseconds, as its Go
model declares them), `timestamp`, `request_id`; `executionId` where an execution
began. Go and Java clients decode into typed structs, so a float where an integer was
is an error there, not a cosmetic change.
"""

from __future__ import annotations

import contextvars
import time
from datetime import datetime, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

__all__ = ["Clock", "current_request_id", "envelope", "request_id_var", "timing"]

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return request_id_var.get()


def timing(execution_ms: float, total_ms: float, module_load_ms: float | None = None) -> dict[str, int | float]:
    """Whole milliseconds (Flow-CodeBlock's int64 fields, truncated as Go's Milliseconds()
    does), and the microseconds behind them for clients that want the precision.
    `moduleLoadMs` (ms, 3 decimals) only when the execution loaded modules its runtime had
    not loaded yet: time inside totalTime, outside executionTime and the code's timeout."""
    fields: dict[str, int | float] = {
        "executionTime": int(execution_ms),
        "totalTime": int(total_ms),
        "executionTimeUs": int(execution_ms * 1000),
        "totalTimeUs": int(total_ms * 1000),
    }
    if module_load_ms is not None:
        fields["moduleLoadMs"] = round(module_load_ms, 3)
    return fields


class Clock:
    """Formats `timestamp`: RFC 3339 with milliseconds and the zone's offset (`Z` for
    UTC), or `local`: `YYYY-MM-DD HH:mm:ss` in the zone, what Flow-CodeBlock sends
    (it uses Asia/Shanghai). The zone is TIMEZONE, or the host's. The text of the
    current second is cached: one strftime per second, not per request."""

    def __init__(self, fmt: Literal["rfc3339", "local"], zone: str) -> None:
        self._format = fmt
        self._zone: tzinfo | None = ZoneInfo(zone) if zone else None  # None: the host's zone
        self._second = -1
        self._prefix = ""
        self._suffix = ""

    def now(self) -> str:
        now = time.time()
        second = int(now)
        if second != self._second:
            if self._zone:
                moment = datetime.fromtimestamp(second, self._zone)
            else:
                moment = datetime.fromtimestamp(second).astimezone()
            if self._format == "local":
                self._prefix, self._suffix = moment.strftime("%Y-%m-%d %H:%M:%S"), ""
            else:
                offset = moment.strftime("%z")
                self._prefix = moment.strftime("%Y-%m-%dT%H:%M:%S")
                self._suffix = "Z" if offset in ("+0000", "-0000") else f"{offset[:3]}:{offset[3:]}"
            self._second = second
        if self._format == "local":
            return self._prefix
        return f"{self._prefix}.{int((now - second) * 1000):03d}{self._suffix}"


def envelope(clock: Clock, body: dict[str, Any]) -> dict[str, Any]:
    """`body` with the timestamp and the request ID every answer carries."""
    body["timestamp"] = clock.now()
    body["request_id"] = current_request_id()
    return body
