"""RFC 9457 problem+json: one shape for every error the API returns.

The client gets a safe message that says what to fix and the request id; the
log gets the detail.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import Scope

from colonnade.errors import ColonnadeError, Unauthorized
from colonnade.observability import get_logger

__all__ = [
    "OPENAI_PATHS",
    "FieldError",
    "Problem",
    "install_problem_handlers",
    "openai_error",
    "openai_errors",
    "problem_body",
    "problem_document",
    "problem_media_types",
    "problems",
]

log = get_logger(__name__)
MEDIA_TYPE = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
    502: "Upstream model failed",
    503: "Service unavailable",
    504: "Request timed out",
}


class FieldError(BaseModel):
    field: str = Field(description="where in the request, e.g. body.question")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str = Field(description="what went wrong and how to fix it")
    instance: str = Field(description="the request path")
    code: str = Field(description="a stable machine-readable code")
    request_id: str = Field(description="quote it when reporting a problem")
    errors: list[FieldError] | None = None
    trace_id: str | None = Field(default=None, description="the request's trace, when traced")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses (401 and 422 are always possible)."""
    return {
        s: {"model": Problem, "description": _TITLES.get(s, "Error")}
        for s in sorted({401, 422, *statuses})
    }


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str = Field(description="invalid_request_error, authentication_error, server_error, ...")
    param: str | None = None
    code: str | None = Field(description="a stable machine-readable code")
    request_id: str = ""


class OpenAIError(BaseModel):
    """The error document of the OpenAI-compatible routes, as the SDKs parse it."""

    error: OpenAIErrorDetail


def openai_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the OpenAI-compatible routes' errors."""
    return {
        s: {"model": OpenAIError, "description": _TITLES.get(s, "Error")}
        for s in sorted({400, 401, *statuses})
    }


def problem_media_types(spec: dict[str, Any]) -> dict[str, Any]:
    """Document every error response as ``application/problem+json``, as it is sent."""
    for path, operations in spec.get("paths", {}).items():
        if path in OPENAI_PATHS:
            continue
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    response["content"] = {MEDIA_TYPE: content["application/json"]}
    return spec


def problem_document(
    scope: Scope,
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    *,
    title: str | None = None,
) -> dict[str, Any]:
    """The one builder of a problem document: the handlers, the middlewares and the error
    event of a stream that had begun."""
    body: dict[str, Any] = {
        "type": f"urn:colonnade:problem:{code}",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": scope["path"],
        "code": code,
        "request_id": str(scope.get("state", {}).get("request_id", "")),
    }
    if errors:
        body["errors"] = errors
    trace = scope.get("state", {}).get("trace_id")
    if trace:
        body["trace_id"] = trace
    return body


def problem_body(
    request: Request,
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    return problem_document(request.scope, status, code, detail, errors)


OPENAI_PATHS = frozenset({"/v1/chat/completions", "/v1/embeddings", "/v1/models"})
_OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


def openai_error(status: int, code: str, message: str, request_id: str = "") -> dict[str, Any]:
    """OpenAI's error document: what the SDKs parse into their exceptions."""
    kind = _OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {
        "error": {
            "message": message,
            "type": kind,
            "param": None,
            "code": code,
            "request_id": request_id,
        }
    }


def _response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    """problem+json; on the OpenAI-compatible routes, OpenAI's error shape for the SDKs."""
    if body["instance"] in OPENAI_PATHS:
        status = 400 if body["status"] == 422 else body["status"]  # OpenAI's invalid request
        error = openai_error(status, body["code"], body["detail"], body["request_id"])
        return JSONResponse(error, status_code=status, headers=headers)
    if body["instance"].startswith("/v2/"):  # Open Inference Protocol clients read "error"
        body = {**body, "error": body["detail"]}
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    async def colonnade_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ColonnadeError)
        level = log.error if exc.status_code >= 500 else log.info
        level("request_failed", code=exc.code, status=exc.status_code, detail=exc.message)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else exc.headers
        detail = exc.public_message  # a 5xx's detail stays in the log line above
        field = exc.data.get("field")
        errors = [{"field": str(field), "message": detail}] if field else None
        return _response(problem_body(request, exc.status_code, exc.code, detail, errors), headers)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"]),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return _response(problem_body(request, 422, "invalid_input", detail, errors))

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _response(
            problem_body(request, exc.status_code, code, detail), getattr(exc, "headers", None)
        )

    async def client_gone(request: Request, exc: Exception) -> Response:
        # the caller hung up while its request was read: nobody is left to answer
        log.info("client_disconnected", path=request.url.path)
        return Response(status_code=499)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", error=type(exc).__name__)
        return _response(
            problem_body(
                request,
                500,
                "internal_error",
                "something went wrong on our side; quote the request id when reporting it",
            )
        )

    app.add_exception_handler(ColonnadeError, colonnade_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(ClientDisconnect, client_gone)
    app.add_exception_handler(Exception, unexpected)
