"""One error tree for Colonnade.

Every error carries data (what failed, whether retrying may help) and a
message that says how to fix it. Foreign exceptions are mapped at the edge
with ``raise ... from exc``; the API layer turns this tree into RFC 9457
problem+json, the CLI into a one-line message.
"""

from __future__ import annotations

from enum import StrEnum

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
    "LLMErrorKind",
    "ModelNotFound",
    "NotFound",
    "PayloadTooLarge",
    "PolicyViolation",
    "RateLimited",
    "StoreError",
    "Unauthorized",
]


_OUR_SIDE = "something went wrong on our side; quote the request id when reporting it"


class ColonnadeError(Exception):
    """Base of every error Colonnade raises on purpose.

    ``message`` is the whole detail, for the log. ``public_message`` is what a caller is
    told: the message itself for a 4xx (it says what to fix in the request), and for a
    5xx a safe text without upstream URLs, file paths or internals.
    """

    status_code: int = 500
    code: str = "internal_error"
    retryable: bool = False
    headers: dict[str, str] | None = None
    public: str = _OUR_SIDE  # what callers are told of a 5xx of this class

    def __init__(self, message: str, **data: object) -> None:
        super().__init__(message)
        self.message = message
        self.data = data

    @property
    def public_message(self) -> str:
        return self.message if self.status_code < 500 else self.public


class ConfigurationError(ColonnadeError):
    status_code = 500
    code = "configuration_error"
    public = "the platform is misconfigured: an operator finds the detail in the log by request id"


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
    public = "the platform's storage is unavailable right now; try again shortly"


class EmbeddingError(ColonnadeError):
    status_code = 502
    code = "embedding_failed"
    public = "the embedding model failed; try again shortly"

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


class LLMErrorKind(StrEnum):
    """Why a chat model call failed, and so which reliability wrapper reacts."""

    timeout = "timeout"
    connection = "connection"
    rate_limited = "rate_limited"
    server = "server"
    content_filter = "content_filter"
    context_length = "context_length"
    truncated = "truncated"
    unavailable = "unavailable"  # breaker open, or every deployment of a route failed
    bad_request = "bad_request"
    auth = "auth"

    @property
    def falls_back(self) -> bool:
        """Another deployment, or the next step of the chain, may succeed."""
        return self not in (LLMErrorKind.bad_request, LLMErrorKind.auth)

    @property
    def retryable(self) -> bool:
        return self in (
            LLMErrorKind.timeout,
            LLMErrorKind.connection,
            LLMErrorKind.rate_limited,
            LLMErrorKind.server,
        )

    @property
    def is_callers(self) -> bool:
        """The request itself is at fault: no other deployment would take it either."""
        return self in (LLMErrorKind.bad_request, LLMErrorKind.context_length)


_LLM_PUBLIC = {
    LLMErrorKind.timeout: "the model took too long to answer; try again, or ask for less",
    LLMErrorKind.unavailable: "no model deployment can answer right now; try again shortly",
    LLMErrorKind.content_filter: "the model's content filter refused the request or its answer",
    LLMErrorKind.truncated: "the model's answer ended before it was complete; try again",
    LLMErrorKind.auth: "the model deployment refused the platform's credentials; "
    "an operator must fix them",
}


class LLMError(ColonnadeError):
    """A chat model call failed.

    ``kind`` (an :class:`LLMErrorKind`) says why, and so which reliability wrapper
    reacts: every kind but ``bad_request`` and ``auth`` triggers a fallback; those two
    are the caller's or the operator's to fix. ``retry_after`` is the upstream's
    ``Retry-After`` in seconds.
    """

    status_code = 502
    code = "llm_failed"
    public = "the model deployment failed; try again shortly"
    FALLBACK_KINDS = frozenset(k for k in LLMErrorKind if k.falls_back)
    RETRY_KINDS = frozenset(k for k in LLMErrorKind if k.retryable)

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        retryable: bool | None = None,
        kind: LLMErrorKind | str = LLMErrorKind.server,
        retry_after: float | None = None,
        **data: object,
    ) -> None:
        kind = LLMErrorKind(kind)  # a misspelt kind fails here, not in a comparison later
        super().__init__(message, provider=provider, upstream_status=status_code, kind=kind, **data)
        self.provider = provider
        self.upstream_status = status_code
        self.kind = kind
        self.retry_after = retry_after
        self.retryable = kind.retryable if retryable is None else retryable
        if kind is LLMErrorKind.unavailable:
            self.status_code = 503
        elif kind.is_callers:
            self.status_code = 400
        elif kind is LLMErrorKind.timeout:
            self.status_code = 504
        self.public = _LLM_PUBLIC.get(kind, self.public)

    @property
    def falls_back(self) -> bool:
        return self.kind.falls_back


class ModelNotFound(ColonnadeError):
    status_code = 404
    code = "model_not_found"


class PolicyViolation(ColonnadeError):
    """No deployment the policy allows may serve the request; never a silent downgrade."""

    status_code = 403
    code = "no_allowed_deployment"
