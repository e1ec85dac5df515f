"""The admin API of tokens, as Flow-CodeBlock's (controller/token_controller.go):
POST /flow/tokens, GET /flow/tokens, PUT and DELETE /flow/tokens/{token}.

Every route needs ADMIN_TOKEN, sent where API tokens go (accessToken, access-token or
Authorization: Bearer), compared in constant time: none sent is 401 AuthenticationError,
a wrong one 403 ForbiddenError, and with ADMIN_TOKEN unset every request is 403. Answers
are Flow-CodeBlock's: {"success", "data", "message"?, "timestamp", "request_id"}.

The token value appears once, in the answer that creates it: only its SHA-256 is stored, so
lists show a hint (its first characters), and PUT/DELETE name a token by its full value.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .bodies import invalid, json_body, parse_model, whole
from .envelope import Clock, envelope
from .errors import ErrorType, ExecutionFailure
from .i18n import Language, Message, msg
from .quota import Quotas
from .tokens import CachedTokens, TokenInfo, iso

__all__ = ["AdminAPI", "expiry"]

_MAX_BODY = 64 * 1024
_MAX_PAGE_SIZE = 1000
T = TypeVar("T")
Int = int  # pydantic fields below: whole numbers only (strict), as Flow-CodeBlock's *int


class _Limits(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    rate_limit_per_minute: Int | None = Field(None, ge=1, le=1_000_000)
    rate_limit_burst: Int | None = Field(None, ge=1, le=1_000_000)
    rate_limit_window_seconds: Int | None = Field(None, ge=1, le=86_400)
    max_scripts: Int | None = Field(None, ge=1, le=1_000_000)


class CreateToken(_Limits):
    ws_id: str = Field(min_length=1, max_length=255)
    email: str = Field(min_length=3, max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")
    operation: Literal["add", "set", "unlimited"]
    days: Int | None = Field(None, ge=1, le=100 * 366)
    specific_date: str | None = Field(None, max_length=40)
    quota_type: Literal["time", "count", "hybrid"] = "time"
    total_quota: Int | None = Field(None, ge=1, le=2_000_000_000)
    name: str | None = Field(None, max_length=255)

    @model_validator(mode="after")
    def _consistent(self) -> CreateToken:
        if self.quota_type != "time" and self.total_quota is None:
            raise ValueError(f"quota_type {self.quota_type} needs total_quota (a positive whole number)")
        return self


class UpdateToken(_Limits):
    operation: Literal["add", "set", "unlimited"] | None = None
    days: Int | None = Field(None, ge=1, le=100 * 366)
    specific_date: str | None = Field(None, max_length=40)
    quota_type: Literal["time", "count", "hybrid"] | None = None
    quota_operation: Literal["add", "set", "reset"] | None = None
    quota_amount: Int | None = Field(None, ge=0, le=2_000_000_000)

    @model_validator(mode="after")
    def _consistent(self) -> UpdateToken:
        if self.quota_operation in ("add", "set") and self.quota_amount is None:
            raise ValueError(f"quota_operation {self.quota_operation} needs quota_amount")
        if self.quota_operation == "add" and not self.quota_amount:
            raise ValueError("quota_operation add needs a positive quota_amount")
        return self


def expiry(operation: str, days: int | None, specific_date: str | None, zone: str,
           now: datetime | None = None, base: str | None = None) -> str | None:
    """expires_at for Flow-CodeBlock's operations: unlimited (never), add (`days` from now, or
    from `base`, a later current expiry, when extending), set (`specific_date`: YYYY-MM-DD,
    YYYY-MM-DD HH:MM:SS in TIMEZONE, default UTC, or ISO 8601 with its offset). ValueError
    naming what is missing or malformed."""
    try:
        return _expiry(operation, days, specific_date, zone, now or datetime.now(UTC), base)
    except OverflowError:  # a date near year 9999 plus days, or moved to UTC
        raise ValueError("the expiry is past the year 9999") from None


def _expiry(operation: str, days: int | None, specific_date: str | None, zone: str, now: datetime,
            base: str | None) -> str | None:
    if operation == "unlimited":
        return None
    if operation == "add":
        if days is None:
            raise ValueError("operation add needs days (a positive whole number)")
        start = max(now, datetime.fromisoformat(base)) if base else now
        return iso(start + timedelta(days=days))
    if not specific_date:
        raise ValueError("operation set needs specific_date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)")
    try:
        moment = datetime.fromisoformat(specific_date.strip())
    except ValueError:
        raise ValueError("specific_date must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone) if zone else UTC)
    return iso(moment)


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


ErrorResponder = Callable[[ExecutionFailure, Request], Response]


class AdminAPI:
    """`tokens` is None only when ADMIN_TOKEN is unset (and auth off): every request is then
    refused before anything would need the database."""

    def __init__(self, tokens: CachedTokens | None, admin_token: str, clock: Clock, zone: str,
                 presented: Callable[[Request], str | None], error: ErrorResponder,
                 language_of: Callable[[str | None], Language], quotas: Quotas | None = None) -> None:
        self._tokens_or_none = tokens
        self._admin = _digest(admin_token) if admin_token and tokens is not None else None
        self._clock = clock
        self._zone = zone
        self._presented = presented
        self._error = error
        self._language_of = language_of
        self._quotas = quotas

    @property
    def _tokens(self) -> CachedTokens:
        assert self._tokens_or_none is not None  # _check_admin let the request through
        return self._tokens_or_none

    def routes(self) -> list[Route]:
        return [
            Route("/flow/tokens", self._guarded(self.create), methods=["POST"]),
            Route("/flow/tokens", self._guarded(self.list), methods=["GET"]),
            Route("/flow/tokens/{token}", self._guarded(self.update), methods=["PUT"]),
            Route("/flow/tokens/{token}", self._guarded(self.delete), methods=["DELETE"]),
        ]

    def guarded(self, handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        """`handler` behind the admin token (other admin routes: usage_api.py)."""
        return self._guarded(handler)

    def ok(self, request: Request, data: Any, message: Message | None = None) -> Response:
        """A success in the admin API's shape."""
        return self._ok(request, data, message)

    def _guarded(self, handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            try:
                self._check_admin(request)
                return await handler(request)
            except ExecutionFailure as failure:
                return self._error(failure, request)
        return guarded

    def _check_admin(self, request: Request) -> None:
        if self._admin is None:
            raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg("the admin API is off: set ADMIN_TOKEN to use it"))
        presented = self._presented(request)
        if presented is None:
            raise ExecutionFailure.of(ErrorType.AUTHENTICATION, msg(
                "the admin token is required: send it in the 'accessToken' header (or 'Authorization: Bearer')"))
        # Digests of equal length: compare_digest's time then tells nothing of either value.
        if not hmac.compare_digest(_digest(presented), self._admin):
            raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg("the admin token is not valid"))

    def _ok(self, request: Request, data: Any, message: Message | None = None) -> Response:
        body: dict[str, Any] = {"success": True, "data": data}
        if message is not None:
            body["message"] = message.render(self._language_of(request.headers.get("accept-language")))
        return Response(orjson.dumps(envelope(self._clock, body)), media_type="application/json")

    async def create(self, request: Request) -> Response:
        spec = parse_model(CreateToken, await json_body(request, _MAX_BODY))
        expires = _valid(lambda: expiry(spec.operation, spec.days, spec.specific_date, self._zone))
        info, secret = await self._tokens.store.create(
            spec.name or f"{spec.ws_id}/{spec.email}", ws_id=spec.ws_id, email=spec.email, expires_at=expires,
            operation_type=spec.operation, rate_limit_per_minute=spec.rate_limit_per_minute,
            rate_limit_burst=spec.rate_limit_burst, rate_limit_window_seconds=spec.rate_limit_window_seconds or 60,
            quota_type=spec.quota_type, total_quota=spec.total_quota, remaining_quota=spec.total_quota,
            max_scripts=spec.max_scripts or 50)
        return self._ok(request, {**info.public(), "access_token": secret},
                        msg("token created; its value is shown only now"))

    async def list(self, request: Request) -> Response:
        query = request.query_params
        page = whole(query.get("page", "1"), "page", 1, 10**9)
        size = whole(query.get("page_size", "100"), "page_size", 1, _MAX_PAGE_SIZE)
        secret = query.get("token")
        if secret:
            found = await self._tokens.store.lookup(secret)
            matches, total = ([found], 1) if found else ([], 0)
        else:
            matches, total = await self._tokens.store.list(ws_id=query.get("ws_id") or None,
                                                           email=query.get("email") or None,
                                                           offset=(page - 1) * size, limit=size)
        tokens = [info.public() for info in matches]
        page_info = {"total": total, "page": page, "page_size": size}
        return self._ok(request, {"tokens": tokens, "count": len(tokens), **page_info})

    async def update(self, request: Request) -> Response:
        secret = request.path_params["token"]
        spec = parse_model(UpdateToken, await json_body(request, _MAX_BODY))
        current = await self._tokens.store.lookup(secret)
        if current is None or not current.active:
            raise _not_found()
        values = _valid(lambda: self._changes(spec, current))
        updated = await self._tokens.store.update(secret, **values)
        self._tokens.forget(secret)  # this process sees the change now; others within AUTH_CACHE_S
        if spec.quota_operation is not None and self._quotas is not None:
            await self._quotas.changed(current.id)  # Redis's counter starts again from the database
            self._quotas.adjusted(current.id, spec.quota_operation, current.remaining_quota,
                                  values["remaining_quota"])
        if updated is None:
            raise _not_found()
        return self._ok(request, updated.public(), msg("token updated"))

    def _changes(self, spec: UpdateToken, current: TokenInfo) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(spec, name) for name in spec.model_fields_set
                                  if name in _Limits.model_fields}
        if spec.operation is not None:
            values["operation_type"] = spec.operation
            values["expires_at"] = expiry(spec.operation, spec.days, spec.specific_date, self._zone,
                                          base=current.expires_at)
        if spec.quota_type is not None:
            values["quota_type"] = spec.quota_type
        total, remaining = current.total_quota, current.remaining_quota
        if spec.quota_operation == "add":  # both grow (Flow-CodeBlock's UpdateQuota)
            assert spec.quota_amount is not None
            total, remaining = (total or 0) + spec.quota_amount, (remaining or 0) + spec.quota_amount
        elif spec.quota_operation == "set":  # what is left; the total stays
            remaining = spec.quota_amount
        elif spec.quota_operation == "reset":  # back to the total, or both to the amount
            if spec.quota_amount is not None:
                total = remaining = spec.quota_amount
            elif total is None:
                raise ValueError("the token has no total_quota to reset to: send quota_amount")
            else:
                remaining = total
        quota_type = spec.quota_type or current.quota_type or "time"
        if quota_type != "time" and total is None:
            raise ValueError(f"quota_type {quota_type} needs a quota: send quota_operation and quota_amount")
        values.update(total_quota=total, remaining_quota=remaining)
        return values

    async def delete(self, request: Request) -> Response:
        secret = request.path_params["token"]
        revoked = await self._tokens.store.revoke(secret)
        self._tokens.forget(secret)
        if not revoked:
            raise _not_found()
        return self._ok(request, None, msg("token deleted"))


def _not_found() -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.NOT_FOUND, msg("no active token with that value"))


def _valid(compute: Callable[[], T]) -> T:
    try:
        return compute()
    except ValueError as exc:
        raise invalid(str(exc)) from None


