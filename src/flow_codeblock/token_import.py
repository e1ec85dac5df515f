"""`codeblock token import FILE`: Flow-CodeBlock's `access_tokens` table, exported from its
MySQL as CSV (with a header row) or JSON (an array of rows, or an object holding one), into
the token store. Each token keeps its value (only its SHA-256 is stored), its owner, expiry,
rate limit, quota and script limit; disabled tokens come over revoked.

MySQL's TIMESTAMP columns are exported in the session's time zone, without an offset: they
are read in `zone` (Flow-CodeBlock's own is Asia/Shanghai). NULL may be written NULL, \\N or
an empty field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

import orjson

from .tokens import QUOTA_TYPES, iso

__all__ = ["ImportError_", "parse_export"]

_NULLS: Final = ("", "null", "\\n")
_INTS: Final = ("rate_limit_per_minute", "rate_limit_burst", "rate_limit_window_seconds", "total_quota",
                "remaining_quota", "max_scripts")


class ImportError_(ValueError):  # not ImportError: that is Python's own
    """A row that cannot be imported: the message names the row and the field."""


def parse_export(text: str, zone: str = "Asia/Shanghai") -> list[dict[str, Any]]:
    """The rows of an export (JSON when it starts with [ or {, else CSV), as TokenStore.import_rows takes them."""
    stripped = text.lstrip("\ufeff \t\r\n")
    rows = _json_rows(stripped) if stripped[:1] in ("[", "{") else list(csv.DictReader(io.StringIO(stripped)))
    tz = ZoneInfo(zone)
    return [_row(number, row, tz) for number, row in enumerate(rows, 1)]


def _json_rows(text: str) -> list[Mapping[str, Any]]:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ImportError_(f"not valid JSON: {exc}") from None
    if isinstance(data, dict):  # {"access_tokens": [...]}: the one array it holds
        arrays = [value for value in data.values() if isinstance(value, list)]
        if len(arrays) != 1:
            raise ImportError_("a JSON object must hold exactly one array of rows")
        data = arrays[0]
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise ImportError_("JSON must be an array of rows (objects)")
    return data


def _null(value: object) -> object:
    return None if value is None or (isinstance(value, str) and value.strip().lower() in _NULLS) else value


def _row(number: int, raw: Mapping[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    row = {str(key).strip().lower(): _null(value) for key, value in raw.items()}
    secret = row.get("access_token")
    if not isinstance(secret, str) or not secret.strip():
        raise ImportError_(f"row {number}: no access_token")
    try:
        values: dict[str, Any] = {name: _int(row.get(name)) for name in _INTS}
        created = _time(row.get("created_at"), zone)
        expires = _time(row.get("expires_at"), zone)
        updated = _time(row.get("updated_at"), zone)
    except ValueError as exc:
        raise ImportError_(f"row {number}: {exc}") from None
    quota_type = str(row.get("quota_type") or "time").lower()
    if quota_type not in QUOTA_TYPES:
        raise ImportError_(f"row {number}: quota_type {quota_type!r} is not time, count or hybrid")
    if values["remaining_quota"] is None:
        values["remaining_quota"] = values["total_quota"]
    active = str(row.get("is_active", "1")).strip().lower() not in ("0", "false", "f", "no")
    ws_id, email = _text(row.get("ws_id")), _text(row.get("email"))
    return {
        "secret": secret.strip(), "name": email or ws_id or "imported", "ws_id": ws_id, "email": email,
        "created_at": created, "expires_at": expires, "operation_type": _text(row.get("operation_type")),
        "quota_type": quota_type, "revoked_at": None if active else (updated or iso(datetime.now(UTC))), **values,
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value).strip()


def _int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().lstrip("-").isdigit():
        raise ValueError(f"{value!r} is not a whole number")
    return int(str(value).strip())


def _time(value: object, zone: ZoneInfo) -> str | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a time (YYYY-MM-DD HH:MM:SS)") from None
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=zone))
