"""Which tenant each registered model belongs to, read from the registry and kept a few
seconds, so the prediction route checks ownership with a dictionary lookup."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["Owners"]


class Owners:
    def __init__(self, read: Callable[[], dict[str, str | None]], *, ttl_s: float = 2.0) -> None:
        """``read`` returns every registered model's tenant (the registry's ``owners``)."""
        self.read = read
        self.ttl_s = ttl_s
        self._owners: dict[str, str | None] = {}
        self._read_at = float("-inf")

    async def of(self, name: str) -> str | None:
        """The model's tenant, or None for a platform model (or one not registered)."""
        if time.monotonic() - self._read_at > self.ttl_s or name not in self._owners:
            self._owners = await asyncio.to_thread(self.read)
            self._read_at = time.monotonic()
        return self._owners.get(name)

    def forget(self) -> None:
        self._read_at = float("-inf")
