"""The OpenAPI 3 description of the HTTP API (GET /openapi.json).

Written out by hand: the API is small and its contract (DESIGN.md section 3, the
Flow-CodeBlock field names) is what clients depend on, so it is kept explicit here and
fuzzed against the running service (tests/security/test_api_fuzz.py).
"""

from __future__ import annotations

from typing import Any

from . import __version__
from .errors import ErrorType

__all__ = ["openapi_spec"]

_TIMING = {
    "type": "object",
    "required": ["executionTime", "totalTime"],
    "properties": {
        "executionTime": {"type": "integer", "minimum": 0, "description": "ms, whole (Flow-CodeBlock's int64)"},
        "totalTime": {"type": "integer", "minimum": 0, "description": "ms, whole"},
        "executionTimeUs": {"type": "integer", "minimum": 0, "description": "microseconds"},
        "totalTimeUs": {"type": "integer", "minimum": 0, "description": "microseconds"},
        "moduleLoadMs": {"type": "number", "minimum": 0,
                         "description": "ms this request spent loading modules its runtime had not loaded yet "
                                        "(within totalTime, not executionTime); absent when it loaded none"},
    },
}
_LOG = {
    "type": "object",
    "required": ["level", "message"],
    "properties": {"level": {"type": "string", "enum": ["log", "info", "warn", "error", "debug"]},
                   "message": {"type": "string"}},
}
# What every /flow/codeblock answer carries besides its result or error.
_ENVELOPE = {
    "executionId": {"type": "string", "description": "when an execution began"},
    "timing": _TIMING,
    "timestamp": {"type": "string",
                  "description": "RFC 3339, or YYYY-MM-DD HH:mm:ss with TIMESTAMP_FORMAT=local (Flow-CodeBlock's)"},
    "request_id": {"type": "string", "description": "the X-Request-ID header: the client's, or a new one"},
    "logs": {"type": "array", "items": _LOG},
}
_ERROR = {
    "type": "object",
    "required": ["success", "error", "timing", "timestamp", "request_id"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {"type": "string", "enum": [t.value for t in ErrorType]},
                "message": {"type": "string"},
                "line": {"type": "integer", "minimum": 1},
                "column": {"type": "integer", "minimum": 1},
                "name": {"type": "string"},
                "code": {"type": "string"},
                "stack": {"type": "string"},
            },
        },
        **_ENVELOPE,
    },
}
_SUCCESS = {
    "type": "object",
    "required": ["success", "result", "executionId", "timing", "timestamp", "request_id"],
    "properties": {
        "success": {"type": "boolean", "enum": [True]},
        "result": {"description": "the code block's return value, as JSON.stringify gives it"},
        **_ENVELOPE,
    },
}
_REQUEST = {
    "type": "object",
    "required": ["codebase64", "input"],
    "properties": {
        "codebase64": {"type": "string", "description": "base64 of the JavaScript code (UTF-8)"},
        "codeBase64": {"type": "string", "description": "alias of codebase64"},
        "input": {"type": "object", "description": "available to the code as `input`; required ({} for none)"},
        "timeout": {"type": "number", "minimum": 0, "exclusiveMinimum": True,
                    "description": "ms; capped by EXECUTION_TIMEOUT_MS"},
    },
}


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


_RETRY = {"Retry-After": {"schema": {"type": "string"}, "description": "seconds"}}
# On rate-limited routes when RATE_LIMIT_ENABLED (Flow-CodeBlock's headers).
_RATE = {
    "X-RateLimit-Limit": {"schema": {"type": "string"}, "description": "the bucket's capacity"},
    "X-RateLimit-Remaining": {"schema": {"type": "string"}, "description": "requests left now"},
    "X-RateLimit-Reset": {"schema": {"type": "string"}, "description": "RFC 3339 time the bucket is full again"},
    "X-RateLimit-Type": {"schema": {"type": "string", "enum": ["token", "ip"]}},
}
_REQUEST_ID = {
    "X-Request-ID": {"schema": {"type": "string"}, "description": "the client's, or a new one; also request_id"},
}
_HEALTH = {
    "type": "object",
    "required": ["success", "data", "timestamp", "request_id"],
    "properties": {
        "success": {"type": "boolean", "enum": [True]},
        "data": {"type": "object", "required": ["status", "service", "version"],
                 "properties": {"status": {"type": "string", "enum": ["healthy"]}, "service": {"type": "string"},
                                "version": {"type": "string"}, "pid": {"type": "integer"}}},
        "timestamp": {"type": "string"},
        "request_id": {"type": "string"},
    },
}
_ERR = {"$ref": "#/components/schemas/Failure"}
_INT = {"type": "integer", "minimum": 1}
_LIMITS = {"rate_limit_per_minute": _INT, "rate_limit_burst": _INT, "rate_limit_window_seconds": _INT,
           "max_scripts": _INT}
_EXPIRY = {"operation": {"type": "string", "enum": ["add", "set", "unlimited"]},
           "days": {**_INT, "description": "with add"},
           "specific_date": {"type": "string", "description": "with set: YYYY-MM-DD or YYYY-MM-DD HH:MM:SS "
                                                              "(TIMEZONE), or ISO 8601 with an offset"}}
_QUOTA_TYPE = {"type": "string", "enum": ["time", "count", "hybrid"]}
_CREATE_TOKEN = {
    "type": "object",
    "required": ["ws_id", "email", "operation"],
    "properties": {"ws_id": {"type": "string"}, "email": {"type": "string"}, "name": {"type": "string"},
                   **_EXPIRY, **_LIMITS, "quota_type": _QUOTA_TYPE, "total_quota": _INT},
}
_UPDATE_TOKEN = {
    "type": "object",
    "properties": {**_EXPIRY, **_LIMITS, "quota_type": _QUOTA_TYPE,
                   "quota_operation": {"type": "string", "enum": ["add", "set", "reset"]},
                   "quota_amount": {"type": "integer", "minimum": 0}},
}
_ADMIN_OK = {
    "type": "object",
    "required": ["success", "data", "timestamp", "request_id"],
    "properties": {"success": {"type": "boolean", "enum": [True]}, "data": {}, "message": {"type": "string"},
                   "timestamp": {"type": "string"}, "request_id": {"type": "string"}},
}
# The admin routes: ADMIN_TOKEN where API tokens go (accessToken, access-token, Authorization: Bearer).
_ADMIN_REFUSALS = {
    "400": _json(_ERR, "a bad request (ValidationError)"),
    "401": _json(_ERR, "no admin token sent"),
    "403": _json(_ERR, "a wrong admin token, or ADMIN_TOKEN unset (the admin API is off)"),
    "413": _json(_ERR, "body over 64 KiB"),
}
_TOKEN_PATH = [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"},
                "description": "the token's full value (only its hash is stored)"}]
_TOKEN_QUERY = [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in (
    ("ws_id", {"type": "string"}), ("email", {"type": "string"}), ("token", {"type": "string"}),
    ("page", {"type": "integer", "minimum": 1}), ("page_size", {"type": "integer", "minimum": 1, "maximum": 1000}))]


def _token_paths() -> dict[str, Any]:
    ok = _json(_ADMIN_OK, "done")
    missing = _json(_ERR, "no active token with that value (NotFoundError)")
    return {
        "/flow/tokens": {
            "post": {"summary": "Create an API token (admin)", "operationId": "createToken",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": _CREATE_TOKEN}}},
                     "responses": {"200": _json(_ADMIN_OK, "the token; data.access_token is shown only here"),
                                   **_ADMIN_REFUSALS}},
            "get": {"summary": "List API tokens (admin)", "operationId": "listTokens", "parameters": _TOKEN_QUERY,
                    "responses": {"200": _json(_ADMIN_OK, "data: tokens, count, total, page, page_size"),
                                  **_ADMIN_REFUSALS}},
        },
        "/flow/tokens/{token}": {
            "put": {"summary": "Update an API token (admin)", "operationId": "updateToken", "parameters": _TOKEN_PATH,
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _UPDATE_TOKEN}}},
                    "responses": {"200": ok, **_ADMIN_REFUSALS, "404": missing}},
            "delete": {"summary": "Revoke an API token (admin)", "operationId": "deleteToken",
                       "parameters": _TOKEN_PATH, "responses": {"200": ok, **_ADMIN_REFUSALS, "404": missing}},
        },
        **_usage_paths(),
    }


_DAY = {"type": "string", "format": "date", "description": "YYYY-MM-DD, a day in TIMEZONE"}
_SPAN: list[dict[str, Any]] = [{"name": "from", "in": "query", "required": False, "schema": _DAY},
         {"name": "to", "in": "query", "required": False, "schema": _DAY}]
_PAGE: list[dict[str, Any]] = [q for q in _TOKEN_QUERY if q["name"] in ("page", "page_size")]
_STATS_QUERY: list[dict[str, Any]] = [*_SPAN, *(q for q in _TOKEN_QUERY if q["name"] in ("ws_id", "email", "token"))]


def _usage_paths() -> dict[str, Any]:
    """usage_api.py's routes (admin)."""
    unknown = _json(_ERR, "no token with that value (NotFoundError)")

    def read(summary: str, operation: str, parameters: list[dict[str, Any]], data: str) -> dict[str, Any]:
        return {"get": {"summary": summary + " (admin)", "operationId": operation, "parameters": parameters,
                        "responses": {"200": _json(_ADMIN_OK, data), **_ADMIN_REFUSALS, "404": unknown}}}

    return {
        "/flow/tokens/{token}/quota": read(
            "A token's quota now", "tokenQuota", _TOKEN_PATH,
            "data: quota_type, total_quota, remaining_quota, used_quota, exhausted, expires_at, is_expired"),
        "/flow/tokens/{token}/quota/logs": read(
            "A token's quota history, newest first", "tokenQuotaLogs", [*_TOKEN_PATH, *_SPAN, *_PAGE],
            "data: logs [{created_at, action (consume/add/set/reset), change, remaining, request_id}], total, "
            "page, page_size, retention_days"),
        "/flow/stats/users": read(
            "Executions per token, in days of TIMEZONE (default: the last 7)", "statsUsers", _STATS_QUERY,
            "data: from, to, timezone, users [{token_id, token_hint, ws_id, email, calls, errors, days}], "
            "total_calls, total_errors"),
        "/flow/stats/modules": read(
            "Executions per required module, in days of TIMEZONE (default: the last 7)", "statsModules",
            _STATS_QUERY, "data: from, to, timezone, modules [{module, calls, days}], total_requires"),
    }
# Stored scripts (scripts.py): the calling API token's own scripts.
_WHITELIST = {"type": "array", "items": {"type": "string"}, "maxItems": 100,
              "description": "IP addresses and CIDRs allowed to call the script; empty or absent: any"}
_CREATE_SCRIPT = {
    "type": "object",
    "required": ["code_base64"],
    "properties": {"code_base64": {"type": "string", "minLength": 1, "description": "base64 of the JavaScript"},
                   "description": {"type": "string", "maxLength": 2000}, "ip_whitelist": _WHITELIST},
}
_UPDATE_SCRIPT = {
    "type": "object",
    "properties": {"code_base64": {"type": "string", "minLength": 1, "description": "new code: a new version"},
                   "description": {"type": "string", "maxLength": 2000}, "ip_whitelist": _WHITELIST,
                   "rollback_to_version": {**_INT, "description": "a kept version's code becomes a new version"}},
}
_SCRIPT_PATH = [{"name": "script_id", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}}]
_SCRIPT_REFUSALS = {
    "400": _json(_ERR, "a bad request, or code that fails the check on save (ValidationError, SyntaxError)"),
    "401": _json(_ERR, "no, unknown or expired API token"),
    "403": _json(_ERR, "a revoked token, max_scripts reached, or AUTH_ENABLED off (no stored scripts)"),
    "404": _json(_ERR, "no such script among the token's (NotFoundError)"),
    "413": _json(_ERR, "body over 1 MiB"),
    "429": _json(_ERR, "rate limited", _RETRY),
}
_EXECUTION_ID = {"X-Execution-Id": {"schema": {"type": "string"}},
                 "X-Script-Version": {"schema": {"type": "string"}, "description": "the version that ran"}}


def _script_paths() -> dict[str, Any]:
    ok = _json(_ADMIN_OK, "done")
    version = [{"name": "version", "in": "query", "required": False,
                "schema": {"type": "integer", "minimum": 0}, "description": "a kept version; 0: the current one"}]
    paging = [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in (
        ("page", {"type": "integer", "minimum": 1}), ("size", {"type": "integer", "minimum": 1, "maximum": 100}),
        ("sort", {"type": "string", "enum": ["updated_at", "created_at", "id", "description", "version"]}),
        ("order", {"type": "string", "enum": ["desc", "asc"]}),
        ("keyword", {"type": "string", "description": "in the id or description, any case"}))]
    call_failures = {
        "400": _json(_ERR, "an error in the code, or a bad body (multipart, invalid JSON)"),
        "403": _json(_ERR, "the client address is outside the script's ip_whitelist"),
        "404": _json(_ERR, "no such script (NotFoundError)"),
        "410": _json(_ERR, "the script's owner token expired or was revoked (TokenExpiredError)"),
        "413": _json(_ERR, "body over MAX_BODY_SIZE"),
        "429": _json(_ERR, "the owner's rate limit or quota, or saturated", {**_RETRY, **_RATE}),
        "500": _json(_ERR, "a fault of the service itself"),
        "503": _json(_ERR, "shutting down, or the quota store is down", _RETRY),
    }
    result = {"description": "the result itself: JSON, or the text when the code returned a string",
              "headers": _EXECUTION_ID,
              "content": {"application/json": {"schema": {}}, "text/plain": {"schema": {"type": "string"}}}}
    body = {"required": False, "content": {"application/json": {"schema": {}},
                                           "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                                           "text/plain": {"schema": {"type": "string"}}}}
    return {
        "/flow/scripts": {
            "post": {"summary": "Save a script (the calling token's)", "operationId": "createScript",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": _CREATE_SCRIPT}}},
                     "responses": {"200": _json(_ADMIN_OK, "data: script_id, version"), **_SCRIPT_REFUSALS}},
            "get": {"summary": "List the token's scripts", "operationId": "listScripts", "parameters": paging,
                    "responses": {"200": _json(_ADMIN_OK, "data: scripts, total, current_page, total_pages, "
                                                          "max_allowed, remaining"), **_SCRIPT_REFUSALS}},
        },
        "/flow/scripts/{script_id}": {
            "get": {"summary": "Read a script's versions", "operationId": "getScript",
                    "parameters": [*_SCRIPT_PATH, *version],
                    "responses": {"200": _json(_ADMIN_OK, "data: available_versions, current_version, data"),
                                  **_SCRIPT_REFUSALS}},
            "put": {"summary": "Update a script (new code: a new version) or roll it back",
                    "operationId": "updateScript", "parameters": _SCRIPT_PATH,
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _UPDATE_SCRIPT}}},
                    "responses": {"200": _json(_ADMIN_OK, "data: script_id, version, previous_version, code_changed"),
                                  **_SCRIPT_REFUSALS}},
            "delete": {"summary": "Delete a script and its versions", "operationId": "deleteScript",
                       "parameters": _SCRIPT_PATH, "responses": {"200": ok, **_SCRIPT_REFUSALS}},
        },
        "/flow/scripts/{script_id}/stats": {
            "get": {"summary": "A script's calls, errors and latency percentiles", "operationId": "scriptStats",
                    "parameters": _SCRIPT_PATH,
                    "responses": {"200": _json(_ADMIN_OK, "data: calls, errors, latency_ms, buckets"),
                                  **_SCRIPT_REFUSALS}},
        },
        "/flow/codeblock/{script_id}": {
            "get": {"summary": "Run a stored script (no token: its owner's limits apply)",
                    "operationId": "callScriptGet", "parameters": _SCRIPT_PATH,
                    "responses": {"200": result, **call_failures}},
            "post": {"summary": "Run a stored script with a body (JSON, form or text)",
                     "operationId": "callScriptPost", "parameters": _SCRIPT_PATH, "requestBody": body,
                     "responses": {"200": result, **call_failures}},
        },
    }


_ANY_OBJECT: dict[str, Any] = {"type": "object"}


def openapi_spec() -> dict[str, Any]:
    security_note = ("API token (when AUTH_ENABLED): an `accessToken` header, or `access-token`, or "
                     "`Authorization: Bearer <token>`.")
    return {
        "openapi": "3.0.3",
        "info": {"title": "flow-codeblock", "version": __version__,
                 "description": "Run JavaScript code blocks in sandboxed V8 runtimes. " + security_note},
        "paths": {
            "/flow/codeblock": {"post": {
                "summary": "Run a code block",
                "operationId": "runCodeBlock",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _REQUEST}}},
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Success"}, "the code block's result",
                                 {**_REQUEST_ID, **_RATE}),
                    "204": {"description": "a CORS preflight from an allowed origin (OPTIONS)"},
                    "400": _json(_ERR, "a bad request, or an error in the code (type, message, line, column)"),
                    "401": _json(_ERR, "no or unknown API token (AUTH_ENABLED)"),
                    "403": _json(_ERR, "a revoked API token, or an origin not in ALLOWED_ORIGINS"),
                    "413": _json(_ERR, "body over MAX_BODY_SIZE"),
                    "429": _json(_ERR, "saturated (ConcurrencyError), rate limited (RateLimitError) or quota used up "
                                       "(QuotaExceeded)", {**_RETRY, **_RATE}),
                    "500": _json(_ERR, "a fault of the service itself"),
                    "503": _json(_ERR, "shutting down (ServiceUnavailableError)", _RETRY),
                },
            }},
            "/health": {"get": {"summary": "Liveness", "operationId": "health",
                                "responses": {"200": _json(_HEALTH, "the process answers")}}},
            "/flow/health": {"get": {"summary": "Readiness, pool and memory", "operationId": "flowHealth",
                                     "responses": {"200": _json(_ANY_OBJECT, "the pool is warm"),
                                                   "503": _json(_ANY_OBJECT, "still warming up")}}},
            "/flow/status": {"get": {"summary": "Execution statistics", "operationId": "flowStatus",
                                     "responses": {"200": _json(_ANY_OBJECT, "statistics"),
                                                   "401": _json(_ERR, "no or unknown API token"),
                                                   "403": _json(_ERR, "a revoked API token"),
                                                   "429": _json(_ERR, "rate limited", _RETRY)}}},
            "/flow/limits": {"get": {"summary": "The configured limits", "operationId": "flowLimits",
                                     "responses": {"200": _json(_ANY_OBJECT, "limits")}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics", "responses": {
                "200": {"description": "exposition text", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"summary": "This description", "operationId": "openapi",
                                      "responses": {"200": _json(_ANY_OBJECT, "OpenAPI 3")}}},
            **_token_paths(),
            **_script_paths(),
        },
        "components": {"schemas": {"Success": _SUCCESS, "Failure": _ERROR}},
    }
