"""Chat completions from any OpenAI-compatible endpoint (Azure OpenAI, OpenAI, vLLM, KServe,
Ollama, a llama.cpp server) through the official async SDK.

The SDK builds the request (auth, Azure deployment URLs, API versions, headers)
and maps HTTP failures to its exceptions; the body comes back raw and is parsed
once with orjson, so a gateway request pays for no model classes. Streams are
read a network read at a time (each chunk kept with its bytes, for the gateway to
relay as they are) and opened only when the first meaningful chunk is in.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

import httpx2
import openai
import orjson

from colonnade.errors import LLMError, LLMErrorKind
from colonnade.llm.credentials import credential_kwargs
from colonnade.llm.ports import ChatRequest, ChatStream, Completion, Frame, Served, Usage
from colonnade.llm.providers.http1 import Http1
from colonnade.llm.providers.network import use_asyncio_backend
from colonnade.llm.providers.sse import DataLines
from colonnade.settings import DeploymentSettings

__all__ = ["OpenAICompatibleChatModel", "build_async_client", "estimate_tokens"]

_RAW_STREAM = {"X-Stainless-Raw-Response": "stream"}
_DRAIN_S = 0.25  # how long the end of a stream may follow its [DONE]
_DRAIN_READS = 8
_CONTEXT_SIGNS = ("context_length", "context length", "context size", "maximum context", "too long")


def estimate_tokens(text: str) -> int:
    """Tokens counted here when the upstream sends no usage: about four characters each."""
    return max(1, (len(text) + 3) // 4) if text else 0


def build_async_client(
    dep: DeploymentSettings, base_url: str | None = None, http_client: Any = None
) -> Any:
    timeout = httpx2.Timeout(dep.total_timeout_s, connect=dep.connect_timeout_s)
    common: dict[str, Any] = {
        "timeout": timeout,
        "http_client": http_client,
        "max_retries": 0,  # retries are the Retrying wrapper's, inside the request's deadline
        "default_headers": dep.headers or None,
        **credential_kwargs(dep),
    }
    if dep.provider == "azure_openai":
        return openai.AsyncAzureOpenAI(
            azure_endpoint=base_url or dep.base_url or "", api_version=dep.api_version, **common
        )
    return openai.AsyncOpenAI(base_url=base_url or dep.base_url, **common)


def _retry_after(headers: Any) -> float | None:
    try:
        if ms := headers.get("retry-after-ms"):
            return float(ms) / 1000
        if value := headers.get("retry-after"):
            return float(value)
    except ValueError:
        return None
    return None


def _status_kind(status: int, message: str, body: Any) -> LLMErrorKind:
    text = message.lower()
    body = body if isinstance(body, dict) else {}
    code = str(body.get("code") or body.get("type") or "").lower()
    if status == 429:
        return LLMErrorKind.rate_limited
    if status == 408:
        return LLMErrorKind.timeout
    if status >= 500:
        return LLMErrorKind.server
    if "content_filter" in code or "content_filter" in text or "content management" in text:
        return LLMErrorKind.content_filter
    if "context" in code or "exceed_context" in code or any(s in text for s in _CONTEXT_SIGNS):
        return LLMErrorKind.context_length
    if status in (401, 403):
        return LLMErrorKind.auth
    if status == 404:
        return LLMErrorKind.unavailable
    return LLMErrorKind.bad_request


class OpenAICompatibleChatModel:
    """One deployment: its model name, timeouts and an SDK client per event loop.

    Connections belong to the event loop that opened them, so the API's loop and
    the CLI's private loop each get their own client.
    """

    def __init__(
        self,
        name: str,
        dep: DeploymentSettings,
        client_factory: Callable[[Any], Any] | None = None,
        *,
        base_url: str | None = None,
    ) -> None:
        self._name = name
        self.dep = dep
        self.model = dep.model
        self.base_url = base_url or dep.base_url
        self._factory = client_factory or (
            lambda http: build_async_client(dep, self.base_url, http)
        )
        # OpenAI-compatible endpoints with a static key or none: the SDK's headers and URL,
        # sent on its own connection pool without its per-request option handling (over
        # http1.py unless a proxy stands in front of the URL: then httpx2's).
        self._fast_ok = dep.provider == "openai" and dep.auth != "entra_id"
        self._fast: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[Any, str, dict[str, str], Http1 | None]
        ] = weakref.WeakKeyDictionary()
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, Any]] = (
            weakref.WeakKeyDictionary()
        )

    def _pair(self) -> tuple[Any, Any]:
        """This event loop's SDK client and the connection pool it sends on."""
        loop = asyncio.get_running_loop()
        pair = self._clients.get(loop)
        if pair is None:
            http = httpx2.AsyncClient(
                timeout=httpx2.Timeout(
                    self.dep.total_timeout_s, connect=self.dep.connect_timeout_s
                ),
                limits=httpx2.Limits(max_connections=1000, max_keepalive_connections=200),
            )
            use_asyncio_backend(http)
            pair = self._clients[loop] = (self._factory(http), http)
        return pair

    @property
    def _client(self) -> Any:
        return self._pair()[0]

    def _fast_path(self) -> tuple[Any, str, dict[str, str], Http1 | None] | None:
        if not self._fast_ok:
            return None
        loop = asyncio.get_running_loop()
        fast = self._fast.get(loop)
        if fast is None:
            sdk, http = self._pair()
            headers = {k: v for k, v in sdk.default_headers.items() if isinstance(v, str)}
            headers.update(sdk.auth_headers)
            url = f"{str(sdk.base_url).rstrip('/')}/chat/completions"
            wire = (
                Http1.for_client(http, url, headers, connect_timeout_s=self.dep.connect_timeout_s)
                if use_asyncio_backend(http)
                else None
            )
            fast = (http, url, headers, wire)
            self._fast[loop] = fast
        return fast

    async def aclose(self) -> None:
        """Close this event loop's client and its connections."""
        fast = self._fast.pop(asyncio.get_running_loop(), None)
        if fast is not None and fast[3] is not None:
            fast[3].aclose()
        pair = self._clients.pop(asyncio.get_running_loop(), None)
        if pair is not None:
            await pair[0].close()
            await pair[1].aclose()

    @property
    def name(self) -> str:
        return self._name

    @property
    def _where(self) -> str:
        return f"deployment {self._name} ({self.base_url or self.dep.provider})"

    def _error(self, exc: Exception) -> LLMError:
        """The SDK's and the fast path's exceptions as one LLMError."""
        where = self._where
        if isinstance(exc, openai.APIStatusError):
            return self._status_error(
                exc.status_code, str(exc.message), exc.body, exc.response.headers
            )
        timeouts = openai.APITimeoutError | TimeoutError | httpx2.TimeoutException
        if isinstance(exc, timeouts):
            return LLMError(f"{where} timed out", provider=self._name, kind=LLMErrorKind.timeout)
        if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
            return LLMError(
                f"cannot reach {where}: {exc}; check its base_url",
                provider=self._name,
                kind=LLMErrorKind.connection,
            )
        return LLMError(f"{where} failed: {exc}", provider=self._name, kind=LLMErrorKind.server)

    def _status_error(self, status: int, message: str, body: Any, headers: Any) -> LLMError:
        return LLMError(
            f"{self._where} answered {status}: {message}",
            provider=self._name,
            status_code=status,
            kind=_status_kind(status, message, body),
            retry_after=_retry_after(headers),
        )

    async def _raise_for_status(self, raw: Any) -> None:
        """The fast path's error mapping: OpenAI's error body into an LLMError."""
        if raw.status_code < 400:
            return
        content = await raw.aread()
        await raw.aclose()
        try:
            error = orjson.loads(content).get("error") or {}
        except (orjson.JSONDecodeError, AttributeError):
            error = {}
        if not isinstance(error, dict):
            error = {"message": str(error)}
        message = str(error.get("message") or content[:200].decode(errors="replace"))
        raise self._status_error(raw.status_code, message, error, raw.headers)

    def _no_first_token(self) -> LLMError:
        return LLMError(
            f"deployment {self._name} sent no first token within "
            f"{self.dep.first_token_timeout_s:g}s",
            provider=self._name,
            kind=LLMErrorKind.timeout,
        )

    def _payload(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        payload = {**request.body, "model": self.model}
        if stream:
            payload["stream"] = True
            payload["stream_options"] = {**payload.get("stream_options", {}), "include_usage": True}
        return payload

    def _deadline(self, request: ChatRequest) -> float:
        loop_now = asyncio.get_running_loop().time()
        budget = self.dep.total_timeout_s
        remaining = request.remaining()
        if remaining is not None:
            budget = min(budget, max(remaining, 0.001))
        return loop_now + budget

    def _served(self, model: str | None) -> Served:
        return Served(self._name, self.dep.path, model=model or self.model)

    def _usage(self, raw: dict[str, Any] | None, prompt: list[Any], text: str) -> Usage:
        dep = self.dep
        if raw:
            usage = Usage(raw.get("prompt_tokens") or 0, raw.get("completion_tokens") or 0)
        else:
            prompt_text = "".join(
                str(m.get("content") or "") for m in prompt if isinstance(m, dict)
            )
            usage = Usage(estimate_tokens(prompt_text), estimate_tokens(text), estimated=True)
        usage.cost_usd = (
            usage.prompt_tokens * dep.cost_input_per_1k
            + usage.completion_tokens * dep.cost_output_per_1k
        ) / 1000
        return usage

    async def complete(self, request: ChatRequest) -> Completion:
        try:
            async with asyncio.timeout_at(self._deadline(request)):
                if fast := self._fast_path():
                    http, url, headers, wire = fast
                    payload = orjson.dumps(self._payload(request, stream=False))
                    if wire is not None:
                        raw = await wire.post(payload)
                    else:
                        raw = await http.post(url, content=payload, headers=headers)
                    await self._raise_for_status(raw)
                else:
                    raw = await self._client.post(
                        "/chat/completions",
                        cast_to=httpx2.Response,
                        body=self._payload(request, stream=False),
                    )
            body = orjson.loads(raw.content)
        except (openai.APIError, httpx2.HTTPError, TimeoutError, orjson.JSONDecodeError) as exc:
            raise self._error(exc) from exc
        if "error" in body and "choices" not in body:
            raise LLMError(f"deployment {self._name}: {body['error']}", provider=self._name)
        completion = Completion(body, self._served(body.get("model")))
        if completion.finish_reason == "content_filter":
            raise LLMError(
                f"deployment {self._name}'s content filter stopped the answer",
                provider=self._name,
                kind=LLMErrorKind.content_filter,
            )
        completion.usage = self._usage(
            body.get("usage"), request.body.get("messages", []), completion.text
        )
        return completion

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        deadline = self._deadline(request)
        loop = asyncio.get_running_loop()
        first_by = min(deadline, loop.time() + self.dep.first_token_timeout_s)
        try:
            async with asyncio.timeout_at(first_by):
                if fast := self._fast_path():
                    http, url, headers, wire = fast
                    payload = orjson.dumps(self._payload(request, stream=True))
                    if wire is not None:
                        raw = await wire.post(payload, stream=True)
                    else:
                        sent = http.build_request("POST", url, content=payload, headers=headers)
                        raw = await http.send(sent, stream=True)
                    await self._raise_for_status(raw)
                else:
                    raw = await self._client.post(
                        "/chat/completions",
                        cast_to=httpx2.Response,
                        body=self._payload(request, stream=True),
                        options={"headers": _RAW_STREAM},
                    )
        except TimeoutError as exc:
            raise self._no_first_token() from exc
        except (openai.APIError, httpx2.HTTPError) as exc:
            raise self._error(exc) from exc
        frames: AsyncGenerator[list[Frame]] = self._frames(raw, deadline)
        buffer: list[Frame] = []
        try:
            async with asyncio.timeout_at(first_by):
                async for batch in frames:
                    buffer += batch
                    if any(_meaningful(chunk) for chunk, _ in batch):
                        break
        except BaseException as exc:
            await frames.aclose()
            if isinstance(exc, TimeoutError):
                raise self._no_first_token() from exc
            raise
        model = next((c.get("model") for c, _ in buffer if c.get("model")), None)
        stream = ChatStream(self._served(model), [])
        prompt = request.body.get("messages", [])
        stream.on_close(lambda s, err: self._settle(s, prompt))
        stream._source = self._observe(stream, buffer, frames)
        return stream

    async def _observe(
        self,
        stream: ChatStream,
        buffer: list[Frame],
        frames: AsyncIterator[list[Frame]],
    ) -> AsyncIterator[list[Frame]]:
        """Pass chunks on while noting text, finish reason and usage."""
        if buffer:
            for chunk, _ in buffer:
                self._note(stream, chunk)
            yield buffer
        async for batch in frames:
            for chunk, _ in batch:
                self._note(stream, chunk)
            yield batch
        if stream.finish_reason is None:
            raise LLMError(
                f"deployment {self._name}'s stream ended before the answer was finished",
                provider=self._name,
                kind=LLMErrorKind.truncated,
            )
        if stream.finish_reason == "content_filter":
            raise LLMError(
                f"deployment {self._name}'s content filter stopped the answer",
                provider=self._name,
                kind=LLMErrorKind.content_filter,
            )

    @staticmethod
    def _note(stream: ChatStream, chunk: dict[str, Any]) -> None:
        for choice in chunk.get("choices") or ():
            content = (choice.get("delta") or {}).get("content")
            if content:
                stream.collected.append(content)
            if choice.get("finish_reason"):
                stream.finish_reason = choice["finish_reason"]
        if chunk.get("usage"):
            stream.usage = Usage(
                chunk["usage"].get("prompt_tokens") or 0,
                chunk["usage"].get("completion_tokens") or 0,
            )

    def _settle(self, stream: ChatStream, prompt: list[Any]) -> None:
        raw = stream.usage.as_dict() if stream.usage.prompt_tokens else None
        stream.usage = self._usage(raw, prompt, "".join(stream.collected))

    async def _frames(self, raw: Any, deadline: float) -> AsyncGenerator[list[Frame]]:
        """The stream's chunks, a batch per network read, until ``[DONE]`` or the total
        deadline; each with its JSON as the upstream sent it."""
        reader = raw.aiter_bytes()
        lines = DataLines()
        try:
            while not lines.done:
                data = await self._read(reader, deadline)
                batch: list[Frame] = []
                for payload in lines.feed(data) if data is not None else lines.end():
                    chunk = orjson.loads(payload)
                    if "error" in chunk:
                        if batch:
                            yield batch
                        raise LLMError(
                            f"deployment {self._name} sent an error mid-stream: {chunk['error']}",
                            provider=self._name,
                            kind=LLMErrorKind.server,
                        )
                    batch.append((chunk, payload))
                if batch:
                    yield batch
                if data is None:
                    return
            await _drain(reader, deadline)
        finally:
            await raw.aclose()

    async def _read(self, reader: AsyncIterator[bytes], deadline: float) -> bytes | None:
        """The next bytes of the stream; None at its end."""
        try:
            async with asyncio.timeout_at(deadline):
                return await anext(reader)
        except StopAsyncIteration:
            return None
        except TimeoutError as exc:
            raise LLMError(
                f"deployment {self._name} passed its total timeout mid-stream",
                provider=self._name,
                kind=LLMErrorKind.timeout,
            ) from exc
        except (httpx2.HTTPError, openai.APIError) as exc:
            raise LLMError(
                f"deployment {self._name}'s stream broke: {exc}",
                provider=self._name,
                kind=LLMErrorKind.truncated,
            ) from exc


async def _drain(reader: AsyncIterator[bytes], deadline: float) -> None:
    """Read what follows ``[DONE]`` (the end of the body, already in hand as a rule): a
    response read to its end leaves its connection open for the next call, where one closed
    half read costs the next call a new connection. An upstream that keeps its body open
    past ``[DONE]`` is given a moment, then its connection is closed."""
    loop = asyncio.get_running_loop()
    with contextlib.suppress(Exception):
        async with asyncio.timeout_at(min(deadline, loop.time() + _DRAIN_S)):
            for _ in range(_DRAIN_READS):
                await anext(reader)


def _meaningful(chunk: dict[str, Any]) -> bool:
    for choice in chunk.get("choices") or ():
        delta = choice.get("delta") or {}
        if delta.get("content") or delta.get("tool_calls") or choice.get("finish_reason"):
            return True
    return bool(chunk.get("usage"))
