"""Model-token quotas that hold under concurrency: reserve the most, settle with the truth.

Before a model is called, the most the request can spend (its prompt plus ``max_tokens``)
is reserved on every counter that applies: tokens per key, user and tenant each minute,
and the tenant's monthly budget. Each reservation is one atomic increment in the limiter's
storage (a lock in memory, a Lua script in Redis); one that would pass a limit is undone
and the request refused. When the answer is known, the reservation is settled with the
real usage: what was not spent goes back, what was spent beyond it (a provider that
ignored ``max_tokens``) is added. So N concurrent requests never spend more than the
limit, and ``/v1/usage`` reports real use, past the budget if that ever happens.

The ``limits`` strategies cannot give back part of a charge, so the counters here are
fixed windows kept with the storage's own ``incr``, which both backends make atomic.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from limits import parse
from limits.aio.storage import Storage

from colonnade.errors import ConfigurationError, RateLimited
from colonnade.identity.principal import Principal
from colonnade.settings import LimitSettings

__all__ = ["Reservation", "TokenQuota", "answer_tokens_bound"]

# the answer prompt's own words and the running summary, on top of the passages
_TEMPLATE_TOKENS = 400
_SUMMARY_TOKENS = 300


@dataclass(slots=True, frozen=True)
class _Counter:
    name: str  # what a person reads: "model tokens per user"
    key: str
    amount: int
    expiry: int  # seconds the counter lives
    reset_at: float
    monthly: bool = False


@dataclass(slots=True)
class Reservation:
    counters: tuple[_Counter, ...]
    tokens: int
    settled: bool = False


class TokenQuota:
    def __init__(
        self, settings: LimitSettings, storage: Storage, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self.storage = storage
        self.clock = clock
        self.per_window: dict[str, tuple[int, int]] = {}
        for scope, value in settings.tokens.items():
            try:
                item = parse(value)
            except ValueError as exc:
                raise ConfigurationError(
                    f"security.limits.tokens.{scope} = {value!r} is not a rate: "
                    "write e.g. '200000/minute'"
                ) from exc
            self.per_window[scope] = (item.amount, item.get_expiry())

    def budget(self, principal: Principal) -> int | None:
        budgets = self.settings.monthly_tokens
        return budgets.get(principal.tenant, budgets.get("*"))

    def _counters(self, principal: Principal) -> list[_Counter]:
        now = self.clock()
        out = []
        for scope, (amount, expiry) in self.per_window.items():
            if scope == "key":
                if not principal.key_id:
                    continue
                who = f"key/{principal.key_id}"
            elif scope == "user":
                who = f"user/{principal.tenant}/{principal.user}"
            else:
                who = f"tenant/{principal.tenant}"
            window = int(now // expiry)
            out.append(
                _Counter(
                    f"model tokens per {scope}",
                    f"colonnade/tok/{who}/{expiry}/{window}",
                    amount,
                    expiry,
                    (window + 1) * expiry,
                )
            )
        budget = self.budget(principal)
        if budget is not None:
            moment = datetime.fromtimestamp(now, UTC)
            start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            nxt = (start + timedelta(days=32)).replace(day=1)
            out.append(
                _Counter(
                    "monthly model tokens",
                    f"colonnade/month/{principal.tenant}/{moment:%Y-%m}",
                    budget,
                    32 * 86400,
                    nxt.timestamp(),
                    monthly=True,
                )
            )
        return out

    async def reserve(self, principal: Principal, most: int) -> Reservation:
        """Hold ``most`` tokens on every counter, or refuse the request and hold nothing."""
        most = max(0, int(most))
        counters = self._counters(principal)
        held: list[_Counter] = []
        for counter in counters:
            total = await self.storage.incr(counter.key, counter.expiry, most)
            if total > counter.amount:
                await self.storage.incr(counter.key, counter.expiry, -most)
                for c in held:
                    await self.storage.incr(c.key, c.expiry, -most)
                raise self._refusal(principal, counter, most)
            held.append(counter)
        return Reservation(tuple(held), most)

    async def settle(self, reservation: Reservation, used: int) -> None:
        """Replace the reservation by the real use (once)."""
        if reservation.settled:
            return
        reservation.settled = True
        delta = max(0, int(used)) - reservation.tokens
        if delta:
            for c in reservation.counters:
                await self.storage.incr(c.key, c.expiry, delta)

    def _refusal(self, principal: Principal, counter: _Counter, most: int) -> RateLimited:
        retry = max(1, math.ceil(counter.reset_at - self.clock()))
        if counter.monthly:
            return RateLimited(
                f"tenant {principal.tenant} has not {most:,} model tokens left of its monthly "
                f"budget of {counter.amount:,}: an admin can raise "
                "security.limits.monthly_tokens (or ask for fewer max_tokens)",
                headers={"Retry-After": str(retry)},
                code="quota_exceeded",
            )
        return RateLimited(
            f"rate limit reached: {counter.amount} {counter.name} each {counter.expiry} s "
            f"cannot hold {most:,} more (the prompt plus max_tokens); retry in {retry} s",
            headers={
                "Retry-After": str(retry),
                "RateLimit-Limit": str(counter.amount),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(retry),
            },
        )

    async def usage(self, principal: Principal) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Rows for the per-window token limits, and the month's real use (uncapped)."""
        rows: list[dict[str, Any]] = []
        monthly: dict[str, Any] = {}
        for c in self._counters(principal):
            used = max(0, int(await self.storage.get(c.key)))
            if c.monthly:
                month = c.key.rsplit("/", 1)[-1]
                monthly = {
                    "month": month,
                    "budget": c.amount,
                    "used": used,
                    "remaining": max(0, c.amount - used),
                }
                continue
            rows.append(
                {
                    "limit": c.name,
                    "amount": c.amount,
                    "window_s": c.expiry,
                    "used": used,
                    "remaining": max(0, c.amount - used),
                    "reset_s": max(0, math.ceil(c.reset_at - self.clock())),
                }
            )
        return rows, monthly


def answer_tokens_bound(container: Any, question: str) -> int:
    """The most one ``/v1/answers`` can spend when an LLM writes it: the question, the
    retrieved passages at their largest, the template and summary, and llm.max_tokens;
    0 when no LLM is configured (the extractive answerer spends no model tokens)."""
    if container.chat_model is None:
        return 0
    from colonnade.llm.providers.openai_compatible import estimate_tokens

    s = container.settings
    passages = max(s.assistant.top_k, s.retrieval.top_k) * (s.ingestion.chunk_tokens + 64)
    return int(
        estimate_tokens(question) + passages + _TEMPLATE_TOKENS + _SUMMARY_TOKENS + s.llm.max_tokens
    )
