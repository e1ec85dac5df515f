"""The admin API's usage routes (issue #18), behind ADMIN_TOKEN like /flow/tokens (admin.py):

- GET /flow/tokens/{token}/quota: a token's quota now;
- GET /flow/tokens/{token}/quota/logs: its history (each call taken, each admin change), newest
  first, paged, optionally between two days (`from`, `to`: YYYY-MM-DD in TIMEZONE);
- GET /flow/stats/users and /flow/stats/modules: executions per token and per required module,
  in day buckets of TIMEZONE, `from`..`to` (default: the last 7 days), filtered by ws_id,
  email or token.

Each read first writes this process's held records (usage.py), so what this replica did is
in the answer at once; other workers' and replicas' records come within USAGE_FLUSH_S.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .admin import AdminAPI
from .errors import ErrorType, ExecutionFailure
from .i18n import msg
from .quota import Quotas
from .tokens import CachedTokens, TokenInfo, iso
from .usage import NO_TOKEN, UsageRecorder

if TYPE_CHECKING:
    from .usage_store import UsageStore

__all__ = ["UsageAPI"]

_MAX_PAGE_SIZE: Final = 1000
_DEFAULT_DAYS: Final = 7
_MAX_DAYS: Final = 3660


def _invalid(reason: str) -> ExecutionFailure:
    return ExecutionFailure.of(ErrorType.VALIDATION, msg("invalid request: %(reason)s", reason=reason))


def _whole(text: str, name: str, low: int, high: int) -> int:
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise _invalid(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _day(text: str, name: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise _invalid(f"{name} must be a date, YYYY-MM-DD") from None


class UsageAPI:
    """`tokens`, `store` None: no database (the admin API is off and refuses everything)."""

    def __init__(self, admin: AdminAPI, tokens: CachedTokens | None, usage: UsageRecorder,
                 quotas: Quotas | None) -> None:
        self._admin = admin
        self._tokens = tokens
        self._usage = usage
        self._quotas = quotas

    def routes(self) -> list[Route]:
        guarded = self._admin.guarded
        return [
            Route("/flow/tokens/{token}/quota", guarded(self.quota), methods=["GET"]),
            Route("/flow/tokens/{token}/quota/logs", guarded(self.logs), methods=["GET"]),
            Route("/flow/stats/users", guarded(self.users), methods=["GET"]),
            Route("/flow/stats/modules", guarded(self.modules), methods=["GET"]),
        ]

    @property
    def _store(self) -> UsageStore:
        assert self._usage.store is not None  # the admin guard let the request through: there is a database
        return self._usage.store

    async def _token(self, request: Request) -> TokenInfo:
        return await self._token_by(request.path_params["token"])

    async def quota(self, request: Request) -> Response:
        info = await self._token(request)
        remaining = info.remaining_quota
        if info.counts_calls and self._quotas is not None:
            fresher = await self._quotas.current(info.id)  # Redis's counter, ahead of the database
            remaining = remaining if fresher is None else fresher
        total = info.total_quota
        data = {
            "token_hint": info.hint, "ws_id": info.ws_id, "email": info.email,
            "quota_type": info.quota_type or "time", "total_quota": total, "remaining_quota": remaining,
            "used_quota": None if total is None or remaining is None else max(0, total - remaining),
            "counts_calls": info.counts_calls,
            "exhausted": info.counts_calls and remaining is not None and remaining <= 0,
            "expires_at": info.expires_at, "is_expired": info.expired(), "is_active": info.active,
        }
        return self._admin.ok(request, data)

    async def logs(self, request: Request) -> Response:
        info = await self._token(request)
        query = request.query_params
        page = _whole(query.get("page", "1"), "page", 1, 10**9)
        size = _whole(query.get("page_size", "100"), "page_size", 1, _MAX_PAGE_SIZE)
        first, last = self._span(request, default_days=None)
        await self._usage.flush()
        since = self._utc(first) if first else None
        until = self._utc(last + timedelta(days=1)) if last else None
        rows, total = await self._store.logs(info.id, offset=(page - 1) * size, limit=size, since=since, until=until)
        return self._admin.ok(request, {"token_hint": info.hint, "logs": [row.public() for row in rows],
                                        "count": len(rows), "total": total, "page": page, "page_size": size,
                                        "retention_days": self._usage.log_days})

    async def users(self, request: Request) -> Response:
        first, last = self._days(request)
        ids = await self._token_filter(request)
        await self._usage.flush()
        rows = await self._store.calls(first.isoformat(), last.isoformat(), ids)
        per_token: dict[int, dict[str, Any]] = {}
        for day, token_id, calls, errors in rows:
            entry = per_token.setdefault(token_id, {"token_id": token_id, "calls": 0, "errors": 0, "days": []})
            entry["calls"] += calls
            entry["errors"] += errors
            entry["days"].append({"date": day, "calls": calls, "errors": errors})
        owners = await self._owners(per_token)
        users = sorted(({**entry, **owners.get(token_id, _anonymous(token_id))}
                        for token_id, entry in per_token.items()), key=lambda e: (-e["calls"], e["token_id"]))
        return self._admin.ok(request, {
            **self._range(first, last), "users": users, "count": len(users),
            "total_calls": sum(e["calls"] for e in users), "total_errors": sum(e["errors"] for e in users)})

    async def modules(self, request: Request) -> Response:
        first, last = self._days(request)
        ids = await self._token_filter(request)
        await self._usage.flush()
        rows = await self._store.modules(first.isoformat(), last.isoformat(), ids)
        per_module: dict[str, dict[str, Any]] = {}
        for day, module, calls in rows:
            entry = per_module.setdefault(module, {"module": module, "calls": 0, "days": []})
            entry["calls"] += calls
            entry["days"].append({"date": day, "calls": calls})
        modules = sorted(per_module.values(), key=lambda e: (-e["calls"], e["module"]))
        return self._admin.ok(request, {**self._range(first, last), "modules": modules, "count": len(modules),
                                        "total_requires": sum(e["calls"] for e in modules)})

    # -- query parameters --------------------------------------------------------------

    def _span(self, request: Request, default_days: int | None) -> tuple[date | None, date | None]:
        query = request.query_params
        last = _day(query["to"], "to") if "to" in query else None  # sent empty: a 400, not "unset"
        first = _day(query["from"], "from") if "from" in query else None
        if default_days is not None:
            last = last or self._usage.days.today_date()
            first = first or last - timedelta(days=default_days - 1)
        if first and last:
            if first > last:
                raise _invalid("from must not be after to")
            if (last - first).days >= _MAX_DAYS:
                raise _invalid(f"from..to spans more than {_MAX_DAYS} days")
        return first, last

    def _days(self, request: Request) -> tuple[date, date]:
        first, last = self._span(request, default_days=_DEFAULT_DAYS)
        assert first is not None and last is not None
        return first, last

    def _utc(self, day: date) -> str:
        """The start of `day` in TIMEZONE, as the stored UTC text."""
        zone = self._usage.days.zone
        start = datetime.combine(day, time(), zone) if zone else datetime.combine(day, time()).astimezone()
        return iso(start.astimezone(UTC))

    def _range(self, first: date, last: date) -> dict[str, Any]:
        return {"from": first.isoformat(), "to": last.isoformat(), "timezone": self._usage.days.name,
                "retention_days": self._usage.stats_days}

    async def _token_filter(self, request: Request) -> list[int] | None:
        """The token ids that ws_id, email and token select; None: every token (and none)."""
        assert self._tokens is not None
        query = request.query_params
        if query.get("token"):
            return [(await self._token_by(query["token"])).id]
        if not (query.get("ws_id") or query.get("email")):
            return None
        found, _ = await self._tokens.store.list(ws_id=query.get("ws_id") or None, email=query.get("email") or None)
        return [info.id for info in found]

    async def _token_by(self, secret: str) -> TokenInfo:
        assert self._tokens is not None
        info = await self._tokens.store.lookup(secret) if len(secret) <= 512 else None
        if info is None:
            raise ExecutionFailure.of(ErrorType.NOT_FOUND, msg("no token with that value"))
        return info

    async def _owners(self, token_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        ids = [token_id for token_id in token_ids if token_id != NO_TOKEN]
        if not ids:
            return {}
        assert self._tokens is not None
        return {info.id: {"token_hint": info.hint, "name": info.name, "ws_id": info.ws_id, "email": info.email}
                for info in await self._tokens.store.get_many(ids)}


def _anonymous(token_id: int) -> dict[str, Any]:
    """Executions without a token (auth off), or of a token since deleted from the database."""
    return {"token_hint": None, "name": "(no token)" if token_id == NO_TOKEN else None, "ws_id": None, "email": None}
