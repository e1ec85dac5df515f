"""Request bodies of the JSON routes (the code block, the admin API, stored scripts):
read within a limit, decoded, validated into a model, with the service's own errors."""

from __future__ import annotations

from typing import TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from .errors import ErrorType, ExecutionFailure
from .i18n import msg

__all__ = ["invalid", "json_body", "parse_model", "read_body", "too_large", "whole"]

M = TypeVar("M", bound=BaseModel)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it passes `limit` bytes: the declared length
    first, then what actually arrives (a chunked body declares none)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.PAYLOAD_TOO_LARGE,
                               msg("request body is over the limit of %(limit)s bytes", limit=limit))


async def json_body(request: Request, limit: int) -> object:
    raw = await read_body(request, limit)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ExecutionFailure.of(ErrorType.VALIDATION,
                                  msg("request body is not valid JSON: %(reason)s", reason=str(exc))) from None


def parse_model(model: type[M], data: object) -> M:
    if not isinstance(data, dict):
        raise ExecutionFailure.of(ErrorType.VALIDATION, msg("request body must be a JSON object"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise invalid(reasons) from None


def whole(text: str, name: str, low: int, high: int) -> int:
    """A whole number from a query parameter, within [low, high]."""
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise invalid(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def invalid(reason: str) -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.VALIDATION, msg("invalid request: %(reason)s", reason=reason))
