"""admin.expiry: Flow-CodeBlock's expiry operations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flow_codeblock.admin import expiry

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def test_operations() -> None:
    assert expiry("unlimited", 5, "2030-01-01", "", NOW) is None
    assert expiry("add", 3, None, "", NOW) == "2026-01-13T12:00:00Z"
    # Extending: from the current expiry when it is later than now, else from now.
    assert expiry("add", 1, None, "", NOW, base="2026-02-01T00:00:00Z") == "2026-02-02T00:00:00Z"
    assert expiry("add", 1, None, "", NOW, base="2020-01-01T00:00:00Z") == "2026-01-11T12:00:00Z"
    assert expiry("set", None, "2030-05-01", "", NOW) == "2030-05-01T00:00:00Z"
    assert expiry("set", None, "2030-05-01 08:30:00", "Asia/Shanghai", NOW) == "2030-05-01T00:30:00Z"
    assert expiry("set", None, "2030-05-01T08:30:00+08:00", "UTC", NOW) == "2030-05-01T00:30:00Z"


@pytest.mark.parametrize(("operation", "days", "date", "reason"), [
    ("add", None, None, "needs days"), ("set", None, None, "needs specific_date"),
    ("set", None, "next week", "YYYY-MM-DD"), ("set", None, "9999-12-31 23:00:00-05:00", "year 9999"),
])
def test_refusals(operation: str, days: int | None, date: str | None, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        expiry(operation, days, date, "", NOW)
