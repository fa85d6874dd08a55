"""What every governed request does besides its work: audit records and token charges."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from colonnade.api.deps import container_of, request_path
from colonnade.api.token_quota import Reservation
from colonnade.identity import Principal
from colonnade.observability.audit import question_field

__all__ = ["audit", "question", "reserve_tokens", "settle_tokens"]


def audit(request: Request, action: str, principal: Principal, **fields: Any) -> None:
    """Append an audit record: who, from where, on which route, with the given details."""
    log = container_of(request).audit
    if log is None:
        return
    log.append(
        action,
        tenant=principal.tenant,
        principal=principal.user,
        via=principal.via,
        key_id=principal.key_id,
        route=f"{request.method} {request_path(request)}",
        request_id=request.scope.get("state", {}).get("request_id"),
        now=action.startswith("admin."),
        **fields,
    )


def question(request: Request, text: str) -> dict[str, str]:
    return question_field(text, container_of(request).settings.security.audit.question)


async def reserve_tokens(request: Request, principal: Principal, most: int) -> Reservation | None:
    """Hold the most a model call can spend (prompt plus max_tokens) before calling it."""
    limiter = container_of(request).limiter
    if limiter is None:
        return None
    reservation: Reservation = await limiter.reserve_tokens(principal, most)
    return reservation


async def settle_tokens(request: Request, reservation: Reservation | None, used: int) -> None:
    """Replace the reservation by what the call really spent."""
    limiter = container_of(request).limiter
    if reservation is not None and limiter is not None:
        await limiter.settle_tokens(reservation, used)
