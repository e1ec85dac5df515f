"""token_import.parse_export: Flow-CodeBlock's access_tokens export (CSV or JSON) to rows."""

from __future__ import annotations

import pytest

from flow_codeblock.token_import import ImportError_, parse_export

CSV = "id,access_token,ws_id,email,expires_at,is_active,total_quota,remaining_quota,quota_type\n" \
      "1,flow_a,w,a@x,2030-01-01 08:00:00,1,10,NULL,count\n" \
      "2,flow_b,w,b@x,\\N,0,,,\n"


def test_csv_rows_with_nulls_zones_and_disabled_tokens() -> None:
    first, second = parse_export(CSV)
    assert first["secret"] == "flow_a" and first["expires_at"] == "2030-01-01T00:00:00Z"  # Asia/Shanghai
    assert (first["total_quota"], first["remaining_quota"], first["quota_type"]) == (10, 10, "count")
    assert first["revoked_at"] is None and first["name"] == "a@x"
    assert second["expires_at"] is None and second["revoked_at"] is not None and second["quota_type"] == "time"


def test_zone_and_json_forms() -> None:
    rows = parse_export('[{"access_token": "t", "created_at": "2030-01-01 00:00:00", "is_active": true}]', "UTC")
    assert rows[0]["created_at"] == "2030-01-01T00:00:00Z" and rows[0]["revoked_at"] is None
    wrapped = parse_export('{"access_tokens": [{"access_token": "t", "expires_at": "2030-01-01T00:00:00+02:00"}]}')
    assert wrapped[0]["expires_at"] == "2029-12-31T22:00:00Z"
    assert parse_export("\ufeff" + CSV)[0]["secret"] == "flow_a"  # a BOM from a spreadsheet


@pytest.mark.parametrize(("text", "reason"), [
    ('[{"email": "x"}]', "row 1: no access_token"),
    ('{"a": [], "b": []}', "exactly one array"),
    ("[1]", "array of rows"),
    ('[{"access_token": "t", "quota_type": "daily"}]', "quota_type"),
    ('[{"access_token": "t", "total_quota": 1.5}]', "whole number"),
    ('[{"access_token": "t", "total_quota": true}]', "whole number"),
    ('[{"access_token": "t", "expires_at": "31/12/2030"}]', "not a time"),
    ("[{", "not valid JSON"),
])
def test_bad_exports_are_refused_naming_the_row(text: str, reason: str) -> None:
    with pytest.raises(ImportError_, match=reason):
        parse_export(text)
