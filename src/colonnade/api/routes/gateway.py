"""The OpenAI-compatible gateway: ``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``.

The official SDKs work against it unchanged. Chat completions are served by a plain
ASGI route ahead of FastAPI's routing (``api/routes/chat.py``); the route here documents
them. Requests go through the same router as the assistant; bodies are read and written
with orjson and passed through (tools, response_format and the rest), so the gateway adds
little beyond routing, accounting and metrics. Every response says which deployment, path
and attempt served it (``x-colonnade-*`` headers). Errors come in OpenAI's error shape on
these routes.
"""

from __future__ import annotations

import base64

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from colonnade.api.deps import SECURED, Asker, ContainerDep, Searcher
from colonnade.api.governance import reserve_tokens, settle_tokens
from colonnade.api.problems import openai_errors
from colonnade.api.routes.chat import PATH, json_body
from colonnade.api.routes.chat import chat_completions as run_chat
from colonnade.errors import InvalidInput, ModelNotFound

__all__ = ["router"]

router = APIRouter(
    tags=["OpenAI-compatible gateway"], responses=openai_errors(403, 404, 429, 502, 503)
)
_JSON = "application/json"
_EMBEDDINGS_ALIAS = "embeddings"

_STREAM = {
    "description": "the completion as JSON, or with `stream: true` as server-sent events",
    "content": {
        "text/event-stream": {
            "schema": {
                "type": "string",
                "description": "`data:` lines, each a chat.completion.chunk, then `data: [DONE]`",
            },
            "example": 'data: {"object":"chat.completion.chunk","choices":[...]}\n\n'
            "data: [DONE]\n\n",
        }
    },
}


# Matched only when the plain ASGI route ahead of FastAPI's routing is not there: this one
# documents the route in the OpenAPI schema and runs the same policy chain.
@router.post(
    PATH,
    summary="Chat completion (OpenAI-compatible), streamed or whole",
    responses={200: _STREAM},
    openapi_extra=SECURED,
)
async def chat_completions(request: Request) -> Response:
    return await run_chat(request)


@router.post(
    "/v1/embeddings", summary="Embeddings (OpenAI-compatible) from the platform's embedder"
)
async def embeddings(request: Request, principal: Searcher, container: ContainerDep) -> Response:
    body = await json_body(request)
    embedder = container.embedder
    model = body.get("model")
    if model not in (_EMBEDDINGS_ALIAS, embedder.model_id):
        raise ModelNotFound(
            f"model {model!r} is not an embedding model here; use {_EMBEDDINGS_ALIAS!r} "
            f"or {embedder.model_id!r}"
        )
    texts = body.get("input")
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise InvalidInput("input must be a string or a non-empty list of strings")
    cap = container.settings.api.max_embedding_inputs
    if len(texts) > cap:
        raise InvalidInput(
            f"input holds {len(texts):,} texts, over the limit of {cap:,} per request: "
            "send them in several requests (api.max_embedding_inputs)"
        )
    if body.get("dimensions") not in (None, embedder.dimension):
        raise InvalidInput(f"dimensions: {model} gives {embedder.dimension}, it cannot change")
    fmt = body.get("encoding_format") or "float"
    if fmt not in ("float", "base64"):
        raise InvalidInput("encoding_format must be float or base64")
    tokens = sum(container.token_counter.count(t) for t in texts)
    # the inputs' tokens are held before embedding (refused over a token limit) and spent as counted
    reservation = await reserve_tokens(request, principal, tokens)
    await settle_tokens(request, reservation, tokens)
    vectors = await run_in_threadpool(embedder.embed_documents, texts)
    data = [
        {
            "object": "embedding",
            "index": i,
            "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode()
            if fmt == "base64"
            else v.tolist(),
        }
        for i, v in enumerate(vectors)
    ]
    out = {
        "object": "list",
        "data": data,
        "model": embedder.model_id,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
    headers = {
        "x-colonnade-deployment": "embedder",
        "x-colonnade-path": "self_hosted",
        "x-colonnade-attempt": "1",
    }
    return Response(orjson.dumps(out), media_type=_JSON, headers=headers)


@router.get("/v1/models", summary="The model aliases you may ask for (OpenAI-compatible)")
async def models(principal: Asker, container: ContainerDep) -> Response:
    aliases = container.router.aliases(principal.tenant) if container.router is not None else []
    aliases = [a for a in aliases if principal.can(f"model:{a}")]
    data = [
        {"id": a, "object": "model", "created": 0, "owned_by": "colonnade"}
        for a in [*aliases, _EMBEDDINGS_ALIAS]
    ]
    return Response(orjson.dumps({"object": "list", "data": data}), media_type=_JSON)
