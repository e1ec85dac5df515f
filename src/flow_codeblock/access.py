"""Who may call the API, and how often: API tokens (AUTH_ENABLED) and rate limits
(RATE_LIMIT_ENABLED). Both are off by default. Failures end the request with the
usual error shape: 401 AuthenticationError, 403 ForbiddenError, 429 RateLimitError."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from starlette.requests import Request

from . import metrics
from .errors import ErrorType, ExecutionFailure
from .i18n import msg
from .quota import Quotas, QuotaStoreDown
from .ratelimit import Decision, MemoryBuckets, RateLimiter, RedisBuckets
from .tokens import CachedTokens, TokenInfo

__all__ = ["AccessControl", "AccessSettings", "presented_token"]


def presented_token(request: Request) -> str | None:
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


# What a stored script's caller is told when its owner's token refuses the call.
_OWNER_REFUSALS: Final = {
    ErrorType.QUOTA_EXCEEDED: msg("the script's owner has used up its quota of calls"),
    ErrorType.RATE_LIMIT: msg("rate limit exceeded for this script's owner; retry later"),
}


@dataclass(frozen=True, slots=True)
class AccessSettings:
    """What access control needs of the settings (api.py builds it from Settings)."""

    auth_enabled: bool
    auth_db_path: str  # SQLite file of API tokens (when database_url does not name another database)
    auth_cache_s: float  # how long a token lookup is reused
    rate_limit_enabled: bool
    redis_url: str  # empty: buckets in this process
    token_rps: float
    token_burst: int
    ip_rps: float
    ip_burst: int
    database_url: str = ""  # the SQLAlchemy asyncio URL of the token database (Settings.database)


class AccessControl:
    """`tokens`: the token lookups (with auth on; api.py shares them with the admin API, so that
    its changes drop their cached entries in this process at once)."""

    def __init__(self, settings: AccessSettings, tokens: CachedTokens | None = None,
                 quotas: Quotas | None = None) -> None:
        self._tokens = tokens if settings.auth_enabled else None
        self._quotas = quotas or (Quotas(tokens.store) if tokens is not None else None)
        if settings.auth_enabled and tokens is None:
            raise ValueError("auth is on: AccessControl needs the token lookups")
        self._settings = settings
        # Buckets: for the configured limits, and for tokens that carry their own (those apply
        # even with RATE_LIMIT_ENABLED off, as Flow-CodeBlock applies a token's limit).
        self._buckets: RateLimiter | None = None
        if settings.rate_limit_enabled or self._tokens is not None:
            self._buckets = RedisBuckets(settings.redis_url) if settings.redis_url else MemoryBuckets()

    async def aclose(self) -> None:
        if self._quotas is not None:
            await self._quotas.aclose()
        if self._buckets is not None:
            await self._buckets.aclose()

    async def check(self, request: Request) -> dict[str, str]:
        """Raises ExecutionFailure when the request may not go on; else returns the
        X-RateLimit-* headers of the answer (of the token's bucket when there is a token,
        else the address's), empty when rate limits are off. The client address's limit
        comes first: guessing tokens is rate-limited like any other request. A token with a
        count quota has one call taken from it last, when everything else let the call through."""
        ip: Decision | None = None
        if self._settings.rate_limit_enabled and self._buckets is not None and request.client is not None:
            ip = await self._buckets.take(f"ip:{request.client.host}", self._settings.ip_rps, self._settings.ip_burst)
            _refuse("ip", ip)
        if self._tokens is None:
            return ip.headers("ip") if ip is not None else {}
        token = await self._authenticate(request)
        request.state.token = token  # whose execution it is (usage statistics, api.py)
        headers = ip.headers("ip") if ip is not None else {}
        limit = self._token_limit(token)
        if limit is not None and self._buckets is not None:
            decision = await self._buckets.take(f"token:{token.id}", *limit)
            _refuse("token", decision)
            if decision is not None:
                headers = decision.headers("token")
        if token.counts_calls:
            await self._take_quota(token)
        return headers

    async def authenticate(self, request: Request) -> TokenInfo:
        """The calling token of a management route (stored scripts): the address's rate
        limit and the token's checks of `check`, no call taken from its quota."""
        if self._tokens is None:
            raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg(
                "stored scripts belong to API tokens: they need AUTH_ENABLED=true"))
        await self._limit_address(request)
        return await self._authenticate(request)

    async def charge_owner(self, request: Request, owner: TokenInfo) -> dict[str, str]:
        """A stored script's call, which sends no token: the address's limit, then its
        owner's rate limit and quota, as `check` applies them to a token that was sent.
        The answer's headers are the address's: the caller's own bucket, never the owner's."""
        ip = await self._limit_address(request)
        headers = ip.headers("ip") if ip is not None else {}
        try:
            await self._charge(owner, {})
        except ExecutionFailure as failure:
            # The caller is anyone with the script's URL: it learns that the script may not run
            # now and when to retry, not the owner's token, the size of its quota, or its
            # token bucket (shared by all the owner's traffic: its X-RateLimit-* headers
            # would show the owner's limit and, call after call, how much the owner calls).
            told = _OWNER_REFUSALS.get(failure.error.type)
            if told is None:
                raise
            raise ExecutionFailure.of(failure.error.type, told, retry_after=failure.retry_after,
                                      headers=headers) from None
        return headers

    async def _limit_address(self, request: Request) -> Decision | None:
        if not (self._settings.rate_limit_enabled and self._buckets is not None and request.client is not None):
            return None
        ip = await self._buckets.take(f"ip:{request.client.host}", self._settings.ip_rps, self._settings.ip_burst)
        _refuse("ip", ip)
        return ip

    async def _charge(self, token: TokenInfo, headers: dict[str, str]) -> dict[str, str]:
        limit = self._token_limit(token)
        if limit is not None and self._buckets is not None:
            decision = await self._buckets.take(f"token:{token.id}", *limit)
            _refuse("token", decision)
            if decision is not None:
                headers = decision.headers("token")
        if token.counts_calls:
            await self._take_quota(token)
        return headers

    def _token_limit(self, token: TokenInfo) -> tuple[float, int] | None:
        """(rate per second, burst): the token's own (rate_limit_per_minute requests per
        rate_limit_window_seconds, default 60; burst default RATE_LIMIT_TOKEN_BURST), else the
        settings' when rate limits are on, else none."""
        if token.rate_limit_per_minute is not None and token.rate_limit_per_minute > 0:
            window = token.rate_limit_window_seconds or 60
            burst = token.rate_limit_burst or self._settings.token_burst
            return token.rate_limit_per_minute / window, max(1, burst)
        if self._settings.rate_limit_enabled:
            return self._settings.token_rps, self._settings.token_burst
        return None

    async def _take_quota(self, token: TokenInfo) -> None:
        assert self._quotas is not None
        try:
            left = await self._quotas.take(token.id)
        except QuotaStoreDown:
            raise ExecutionFailure.of(ErrorType.SERVICE_UNAVAILABLE, msg(
                "the quota store is unavailable; retry later"), retry_after=1.0) from None
        if left is None:
            metrics.auth_failures_total.labels(reason="quota").inc()
            raise ExecutionFailure.of(ErrorType.QUOTA_EXCEEDED, msg(
                "the API token's quota of %(total)s calls is used up", total=token.total_quota or 0))

    async def _authenticate(self, request: Request) -> TokenInfo:
        assert self._tokens is not None
        token = presented_token(request)
        if token is None:
            metrics.auth_failures_total.labels(reason="missing").inc()
            raise ExecutionFailure.of(ErrorType.AUTHENTICATION, msg(
                "an API token is required: send it in the 'accessToken' header (or 'access-token', or "
                "'Authorization: Bearer <token>')"))
        info = await self._tokens.lookup(token)
        if info is None:
            metrics.auth_failures_total.labels(reason="invalid").inc()
            raise ExecutionFailure.of(ErrorType.AUTHENTICATION, msg("the API token is not valid"))
        if not info.active:
            metrics.auth_failures_total.labels(reason="revoked").inc()
            raise ExecutionFailure.of(ErrorType.FORBIDDEN, msg("the API token %(hint)s... was revoked", hint=info.hint))
        if info.expired():
            # Flow-CodeBlock: 401 "Token无效: Token已过期".
            metrics.auth_failures_total.labels(reason="expired").inc()
            raise ExecutionFailure.of(ErrorType.AUTHENTICATION, msg("the API token %(hint)s... has expired (at "
                                                                    "%(expires)s)", hint=info.hint,
                                                                    expires=info.expires_at or ""))
        return info
