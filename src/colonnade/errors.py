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
    "DocumentError",
    "EmbeddingError",
    "IndexModelMismatch",
    "InvalidInput",
    "LLMError",
    "NotFound",
    "PayloadTooLarge",
    "StoreError",
    "Unauthorized",
]


class ColonnadeError(Exception):
    """Base of every error Colonnade raises on purpose."""

    status_code: int = 500
    code: str = "internal_error"
    retryable: bool = False

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


class PayloadTooLarge(ColonnadeError):
    status_code = 413
    code = "payload_too_large"


class LLMError(ColonnadeError):
    """A chat model call failed; ``retryable`` says whether another try may help."""

    status_code = 502
    code = "llm_failed"

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        retryable: bool = False,
        **data: object,
    ) -> None:
        super().__init__(message, provider=provider, upstream_status=status_code, **data)
        self.provider = provider
        self.upstream_status = status_code
        self.retryable = retryable
