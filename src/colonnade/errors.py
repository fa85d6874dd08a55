"""One error tree for Colonnade.

Every error carries data (what failed, whether retrying may help) and a
message that says how to fix it. Foreign exceptions are mapped at the edge
with ``raise ... from exc``; the API layer turns this tree into RFC 9457
problem+json, the CLI into a one-line message.
"""

from __future__ import annotations

__all__ = [
    "ColonnadeError",
    "ConfigurationError",
    "Conflict",
    "DocumentError",
    "EmbeddingError",
    "Forbidden",
    "GuardrailBlocked",
    "IndexModelMismatch",
    "InvalidInput",
    "LLMError",
    "ModelNotFound",
    "NotFound",
    "PayloadTooLarge",
    "PolicyViolation",
    "RateLimited",
    "StoreError",
    "Unauthorized",
]


class ColonnadeError(Exception):
    """Base of every error Colonnade raises on purpose."""

    status_code: int = 500
    code: str = "internal_error"
    retryable: bool = False
    headers: dict[str, str] | None = None

    def __init__(self, message: str, **data: object) -> None:
        super().__init__(message)
        self.message = message
        self.data = data


class ConfigurationError(ColonnadeError):
    status_code = 500
    code = "configuration_error"


class InvalidInput(ColonnadeError):
    status_code = 422
    code = "invalid_input"


class NotFound(ColonnadeError):
    status_code = 404
    code = "not_found"


class Conflict(ColonnadeError):
    status_code = 409
    code = "conflict"


class StoreError(ColonnadeError):
    status_code = 503
    code = "store_unavailable"
    retryable = True


class EmbeddingError(ColonnadeError):
    status_code = 502
    code = "embedding_failed"

    def __init__(
        self, message: str, *, provider: str, retryable: bool = False, **data: object
    ) -> None:
        super().__init__(message, provider=provider, **data)
        self.provider = provider
        self.retryable = retryable


class IndexModelMismatch(ColonnadeError):
    """The vectors in the store were built by another embedding model."""

    status_code = 409
    code = "index_model_mismatch"


class DocumentError(ColonnadeError):
    """One file could not be ingested; the rest of the run goes on."""

    status_code = 422
    code = "document_rejected"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


class Unauthorized(ColonnadeError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ColonnadeError):
    """Authenticated, but the principal's roles do not grant this."""

    status_code = 403
    code = "forbidden"

    def __init__(self, message: str, *, code: str = "forbidden", **data: object) -> None:
        super().__init__(message, **data)
        self.code = code


class RateLimited(ColonnadeError):
    """A rate limit or token quota is spent; ``Retry-After`` says when to come back."""

    status_code = 429
    code = "rate_limited"
    retryable = True

    def __init__(
        self, message: str, *, headers: dict[str, str], code: str = "rate_limited"
    ) -> None:
        super().__init__(message)
        self.headers = headers
        self.code = code


class GuardrailBlocked(ColonnadeError):
    """The input (or an answer) broke a guardrail: prompt injection, a denied phrase."""

    status_code = 422
    code = "blocked_by_guardrail"

    def __init__(self, message: str, *, code: str = "blocked_by_guardrail") -> None:
        super().__init__(message)
        self.code = code


class PayloadTooLarge(ColonnadeError):
    status_code = 413
    code = "payload_too_large"


class LLMError(ColonnadeError):
    """A chat model call failed.

    ``kind`` says why, and so which reliability wrapper reacts: ``timeout``,
    ``connection``, ``rate_limited``, ``server``, ``content_filter``,
    ``context_length``, ``truncated`` and ``unavailable`` (breaker open, or every
    deployment of a route failed) trigger a fallback; ``bad_request`` and ``auth``
    are the caller's or the operator's to fix. ``retry_after`` is the upstream's
    ``Retry-After`` in seconds.
    """

    status_code = 502
    code = "llm_failed"
    FALLBACK_KINDS = frozenset(
        {
            "timeout",
            "connection",
            "rate_limited",
            "server",
            "content_filter",
            "context_length",
            "truncated",
            "unavailable",
        }
    )
    RETRY_KINDS = frozenset({"timeout", "connection", "rate_limited", "server"})

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        retryable: bool | None = None,
        kind: str = "server",
        retry_after: float | None = None,
        **data: object,
    ) -> None:
        super().__init__(message, provider=provider, upstream_status=status_code, kind=kind, **data)
        self.provider = provider
        self.upstream_status = status_code
        self.kind = kind
        self.retry_after = retry_after
        self.retryable = kind in self.RETRY_KINDS if retryable is None else retryable
        if kind == "unavailable":
            self.status_code = 503
        elif kind in ("bad_request", "context_length"):
            self.status_code = 400
        elif kind == "timeout":
            self.status_code = 504

    @property
    def falls_back(self) -> bool:
        return self.kind in self.FALLBACK_KINDS


class ModelNotFound(ColonnadeError):
    status_code = 404
    code = "model_not_found"


class PolicyViolation(ColonnadeError):
    """No deployment the policy allows may serve the request; never a silent downgrade."""

    status_code = 403
    code = "no_allowed_deployment"
