"""Who may call the API, and how often: API tokens (AUTH_ENABLED) and rate limits
(RATE_LIMIT_ENABLED). Both are off by default. Failures end the request with the
usual error shape: 401 AuthenticationError, 403 ForbiddenError, 429 RateLimitError."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.requests import Request

from . import metrics
from .errors import ErrorType, ExecutionFailure
from .i18n import msg
from .ratelimit import Decision, Limits, MemoryBuckets, RateLimiter, RedisBuckets
from .tokens import CachedTokens, TokenInfo, TokenStore

__all__ = ["AccessControl", "AccessSettings"]


def _presented_token(request: Request) -> str | None:
    """The token, where Flow-CodeBlock's clients send it, in its order: the `accessToken`
    header, then `access-token`, then `Authorization` (`Bearer <token>`, or the bare token)."""
    for header in ("accesstoken", "access-token"):
        token = request.headers.get(header, "").strip()
        if token:
            return token
    authorization = request.headers.get("authorization", "").strip()
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    return authorization if authorization and not value else None


def _refuse(which: str, decision: Decision | None) -> None:
    if decision is None or decision.allowed:
        return
    metrics.rate_limited_total.labels(limit=which).inc()
    subject = msg("this API token") if which == "token" else msg("this client address")
    raise ExecutionFailure.of(ErrorType.RATE_LIMIT, msg("rate limit exceeded for %(subject)s; retry later",
                                                        subject=subject),
                              retry_after=decision.retry_after_s, headers=decision.headers(which))


@dataclass(frozen=True, slots=True)
class AccessSettings:
    """What access control needs of the settings (api.py builds it from Settings)."""

    auth_enabled: bool
    auth_db_path: str  # SQLite file of API tokens
    auth_cache_s: float  # how long a token lookup is reused
    rate_limit_enabled: bool
    redis_url: str  # empty: buckets in this process
    token_rps: float
    token_burst: int
    ip_rps: float
    ip_burst: int


class AccessControl:
    def __init__(self, settings: AccessSettings) -> None:
        self._tokens = CachedTokens(TokenStore(settings.auth_db_path), settings.auth_cache_s) \
            if settings.auth_enabled else None
        self._limits: Limits | None = None
        if settings.rate_limit_enabled:
            store: RateLimiter = RedisBuckets(settings.redis_url) if settings.redis_url else MemoryBuckets()
            self._limits = Limits(store, settings.token_rps, settings.token_burst, settings.ip_rps, settings.ip_burst)

    async def aclose(self) -> None:
        if self._limits is not None:
            await self._limits.store.aclose()

    async def check(self, request: Request) -> dict[str, str]:
        """Raises ExecutionFailure when the request may not go on; else returns the
        X-RateLimit-* headers of the answer (of the token's bucket when there is a token,
        else the address's), empty when rate limits are off. The client address's limit
        comes first: guessing tokens is rate-limited like any other request."""
        ip: Decision | None = None
        if self._limits is not None:
            client = request.client.host if request.client else None
            ip = await self._limits.check_ip(client)
            _refuse("ip", ip)
        token = await self._authenticate(request) if self._tokens is not None else None
        if self._limits is not None and token is not None:
            decision = await self._limits.check_token(token.id)
            _refuse("token", decision)
            if decision is not None:
                return decision.headers("token")
        return ip.headers("ip") if ip is not None else {}

    async def _authenticate(self, request: Request) -> TokenInfo:
        assert self._tokens is not None
        token = _presented_token(request)
        if token is None:
            metrics.auth_failures_total.labels(reason="missing").inc()
            raise ExecutionFailure.of(ErrorType.AUTHENTICATION, msg(
                "an API token is required: send it in the 'accessToken' header (or 'access-token', or "
                "'Authorization: Bearer <token>')"))
        hit, info = self._tokens.cached(token)
        if not hit:
            info = await asyncio.to_thread(self._tokens.store.lookup, token) if len(token) <= 512 else None
            self._tokens.remember(token, info)
        if info is None:
            metrics.auth_failures_total.labels(reason="invalid").inc()
            raise ExecutionFailure.of(ErrorType.AUTHENTICATION, msg("the API token is not valid"))
        if not info.active:
            metrics.auth_failures_total.labels(reason="revoked").inc()
            raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg("the API token %(hint)s... was revoked", hint=info.hint))
        return info
