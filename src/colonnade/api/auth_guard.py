"""Failed authentications, limited per client address.

Every request that presents credentials which do not authenticate (a wrong key, a forged
or expired token) counts against ``security.limits.auth_failures`` for its client
address, in the limiter's storage (memory, or Redis shared by every worker and replica).
Once an address has spent it, every credential it presents is refused with a 429 until
the window moves on, before any is checked: a guesser learns nothing more, at any speed
(credentials that authenticated lately still pass, so a locked-out address is not a way
to lock out the users behind it who are already signed in).
Requests without credentials are not counted: they guess nothing.
The guard is started with the container's other serving parts (``Container.serving``).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections import OrderedDict

from fastapi import Request
from limits import RateLimitItem, parse
from limits.aio.storage import Storage

from colonnade.api.limit_storage import SweptMemoryStorage
from colonnade.errors import ColonnadeError, ConfigurationError, RateLimited, Unauthorized
from colonnade.identity import Authenticator, Principal
from colonnade.observability import get_logger

__all__ = ["AuthFailures", "authenticate"]

log = get_logger(__name__)


class AuthFailures:
    """A fixed window of attempts per address. An attempt reserves its place before the
    credential is checked (so fifty at once cannot all slip past the count) and gives it
    back when the credential is good; credentials seen good lately skip the count.

    Concurrent requests presenting the same credential are one attempt: the first is
    checked while the rest wait for its verdict (fifty requests a client fires at once
    with a new key count once, and fifty identical guesses are one guess)."""

    def __init__(
        self, rate: str, storage: Storage | None = None, *, remember: int = 10_000
    ) -> None:
        try:
            self.item: RateLimitItem = parse(rate)
        except ValueError as exc:
            raise ConfigurationError(
                f"security.limits.auth_failures = {rate!r} is not a rate: write e.g. '30/minute'"
            ) from exc
        self.storage = storage or SweptMemoryStorage()
        self.expiry = self.item.get_expiry()
        self.good: OrderedDict[str, float] = OrderedDict()  # sha256 of a good credential -> when
        self.remember = remember
        self.pending: dict[str, asyncio.Future[ColonnadeError | None]] = {}  # digest -> verdict

    def _key(self, address: str) -> tuple[str, float]:
        window = int(time.time() // self.expiry)
        return f"colonnade/authfail/{address}/{window}", (window + 1) * self.expiry

    def _known_good(self, digest: str) -> bool:
        seen = self.good.get(digest)
        return seen is not None and time.monotonic() - seen < self.expiry

    async def attempt(self, address: str, presented: str) -> tuple[str, str] | None:
        """Reserve an attempt; None for a credential seen good lately. RateLimited when
        spent; the first request's Unauthorized when it was checked by a concurrent one."""
        digest = hashlib.sha256(presented.encode()).hexdigest()
        pending = self.pending.get(digest)
        if pending is not None:  # another request is checking this very credential
            verdict = await asyncio.shield(pending)
            if verdict is not None:
                raise verdict
            return None
        if self._known_good(digest):
            return None
        self.pending[digest] = asyncio.get_running_loop().create_future()
        key, reset = self._key(address)
        try:
            count = await self.storage.incr(key, self.expiry, 1)
            if count > self.item.amount:
                retry = max(1, math.ceil(reset - time.time()))
                raise RateLimited(
                    f"too many failed sign-ins from {address}: {self.item.amount} each "
                    f"{self.expiry} s; retry in {retry} s",
                    headers={"Retry-After": str(retry)},
                    code="auth_failures",
                )
        except BaseException as exc:
            self.done((key, digest), exc)
            raise
        return key, digest

    async def succeeded(self, reservation: tuple[str, str]) -> None:
        key, digest = reservation
        self.good[digest] = time.monotonic()
        self.good.move_to_end(digest)
        while len(self.good) > self.remember:
            self.good.popitem(last=False)
        self.done(reservation, None)
        await self.storage.incr(key, self.expiry, -1)

    def done(self, reservation: tuple[str, str], failure: BaseException | None) -> None:
        """Give the requests waiting on this credential the verdict: None for good."""
        future = self.pending.pop(reservation[1], None)
        if future is not None and not future.done():
            refused = failure if isinstance(failure, ColonnadeError) else None
            if failure is not None and refused is None:
                refused = Unauthorized("the credential could not be checked: try again")
            future.set_result(refused)


async def authenticate(request: Request, presented: str | None) -> Principal:
    """The authenticator's answer, with failed attempts counted per client address."""
    container = request.app.state.container
    authenticator: Authenticator = container.authenticator
    guard: AuthFailures | None = container.auth_failures if presented else None
    if guard is None or not presented:
        return await authenticator.authenticate(presented)
    address = request.client.host if request.client else "unknown"
    reservation = await guard.attempt(address, presented)
    if reservation is None:
        return await authenticator.authenticate(presented)
    try:
        principal = await authenticator.authenticate(presented)
    except BaseException as exc:
        guard.done(reservation, exc)
        if isinstance(exc, Unauthorized):
            log.info("auth_failed", client=address)
        raise
    await guard.succeeded(reservation)
    return principal
