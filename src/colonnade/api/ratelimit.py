"""Rate limits and token quotas, counted by the ``limits`` library (memory or Redis).

Requests are counted per API key, per user and per tenant, plus per user on a route or
model alias; model tokens per key, user and tenant each minute, and per tenant each
calendar month. Every hit is one atomic operation in the storage (a lock in memory, a
Lua script in Redis), so N concurrent requests never get more than the limit between
them. A refused request has consumed the limits checked before the one that refused
it: the counters err towards refusing, never towards letting through.

Model tokens are reserved before a model is called (the prompt plus ``max_tokens``) and
settled with the real usage after (``token_quota.py``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.storage import storage_from_string

from colonnade.api.limit_storage import SweptMemoryStorage
from colonnade.api.token_quota import Reservation, TokenQuota
from colonnade.errors import ConfigurationError, RateLimited
from colonnade.identity.principal import Principal
from colonnade.settings import LimitSettings

__all__ = ["Limiter"]

_STRATEGIES: dict[str, type[RateLimiter]] = {
    "moving-window": MovingWindowRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
}


@dataclass(slots=True, frozen=True)
class _Check:
    name: str  # what a person reads in the 429: "requests per user"
    item: RateLimitItem
    identifiers: tuple[str, ...]


def _parse(setting: str, value: str) -> RateLimitItem:
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigurationError(
            f"security.limits.{setting} = {value!r} is not a rate: write e.g. '120/minute'"
        ) from exc


def _storage_uri(url: str) -> str:
    return url if url.startswith("async+") else f"async+{url}"


class Limiter:
    def __init__(self, settings: LimitSettings, *, clock: Any = time.time) -> None:
        self.settings = settings
        uri = _storage_uri(settings.storage_url)
        options: dict[str, Any] = {}
        self._pool: Any = None
        if "redis" in uri:
            import redis.asyncio

            # our own pool, so that shutdown can close its connections on this event loop
            self._pool = redis.asyncio.ConnectionPool.from_url(settings.storage_url)
            options = {"implementation": "redispy", "connection_pool": self._pool}
        storage = (
            SweptMemoryStorage()
            if uri.startswith("async+memory:")
            else storage_from_string(uri, **options)
        )
        assert isinstance(storage, Storage)
        self.storage = storage
        self.strategy = _STRATEGIES[settings.strategy](self.storage)
        self.clock = clock
        self.requests = {k: _parse(f"requests.{k}", v) for k, v in settings.requests.items()}
        self.quota = TokenQuota(settings, self.storage, clock)
        self.routes = {k: _parse(f"routes.{k!r}", v) for k, v in settings.routes.items()}

    # -- what applies to whom ----------------------------------------------------
    @staticmethod
    def _who(principal: Principal, scope: str) -> tuple[str, ...] | None:
        if scope == "key":
            return ("key", principal.key_id) if principal.key_id else None
        if scope == "user":
            return ("user", principal.tenant, principal.user)
        return ("tenant", principal.tenant)

    def _request_checks(self, principal: Principal, route: str) -> list[_Check]:
        checks: list[_Check] = []
        if (item := self.routes.get(route)) is not None:
            checks.append(
                _Check(
                    f"requests on {route} per user",
                    item,
                    ("route", route, principal.tenant, principal.user),
                )
            )
        for scope, item in self.requests.items():
            who = self._who(principal, scope)
            if who is not None:
                checks.append(_Check(f"requests per {scope}", item, ("req", *who)))
        return checks

    # -- hits ------------------------------------------------------------------
    async def _hit(
        self, checks: list[_Check], cost: int = 1, strategy: RateLimiter | None = None
    ) -> dict[str, str]:
        strategy = strategy or self.strategy
        for check in checks:
            if not await strategy.hit(check.item, *check.identifiers, cost=cost):
                stats = await strategy.get_window_stats(check.item, *check.identifiers)
                retry = max(1, math.ceil(stats.reset_time - self.clock()))
                raise RateLimited(
                    f"rate limit reached: {check.item.amount} {check.name} "
                    f"each {check.item.get_expiry()} s; retry in {retry} s",
                    headers={
                        "Retry-After": str(retry),
                        "RateLimit-Limit": str(check.item.amount),
                        "RateLimit-Remaining": "0",
                        "RateLimit-Reset": str(retry),
                    },
                )
        return await self._headers(checks, strategy)

    async def _headers(self, checks: list[_Check], strategy: RateLimiter) -> dict[str, str]:
        """The IETF RateLimit headers of the limit closest to running out."""
        if not checks:
            return {}
        tightest: tuple[int, float, int] | None = None
        for check in checks:
            stats = await strategy.get_window_stats(check.item, *check.identifiers)
            if tightest is None or stats.remaining < tightest[0]:
                tightest = (stats.remaining, stats.reset_time, check.item.amount)
        assert tightest is not None
        remaining, reset_time, amount = tightest
        return {
            "RateLimit-Limit": str(amount),
            "RateLimit-Remaining": str(max(0, remaining)),
            "RateLimit-Reset": str(max(0, math.ceil(reset_time - self.clock()))),
        }

    async def hit_request(self, principal: Principal, route: str) -> dict[str, str]:
        """Count one request; raise RateLimited if a limit is spent; return RateLimit headers."""
        return await self._hit(self._request_checks(principal, route))

    async def hit_model(self, principal: Principal, alias: str) -> None:
        if (item := self.routes.get(f"model:{alias}")) is not None:
            await self._hit(
                [
                    _Check(
                        f"requests to model {alias} per user",
                        item,
                        ("model", alias, principal.tenant, principal.user),
                    )
                ]
            )

    async def reserve_tokens(self, principal: Principal, most: int) -> Reservation:
        """Hold the most a model call can spend; RateLimited when a limit cannot hold it."""
        return await self.quota.reserve(principal, most)

    async def settle_tokens(self, reservation: Reservation, used: int) -> None:
        await self.quota.settle(reservation, used)

    # -- usage -----------------------------------------------------------------
    async def usage(self, principal: Principal) -> dict[str, Any]:
        """Each limit that applies to ``principal`` with what is left of it."""
        rows = []
        checks = [(c, self.strategy) for c in self._request_checks(principal, "")]
        for check, strategy in checks:
            stats = await strategy.get_window_stats(check.item, *check.identifiers)
            rows.append(
                {
                    "limit": check.name,
                    "amount": check.item.amount,
                    "window_s": check.item.get_expiry(),
                    "remaining": max(0, stats.remaining),
                    "reset_s": max(0, math.ceil(stats.reset_time - self.clock())),
                }
            )
        out: dict[str, Any] = {
            "tenant": principal.tenant,
            "user": principal.user,
            "key_id": principal.key_id,
            "limits": rows,
        }
        token_rows, monthly = await self.quota.usage(principal)
        rows.extend(token_rows)
        if monthly:
            out["monthly_tokens"] = monthly
        return out

    async def reset(self) -> None:
        await self.storage.reset()

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
