"""Chat completions from any OpenAI-compatible endpoint (Azure OpenAI, OpenAI, vLLM, Ollama,
llama.cpp server) through the official SDK, streamed, with usage from the stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai

from colonnade.errors import LLMError
from colonnade.integrations import build_openai_client
from colonnade.llm.ports import ChatMessage, ChatResult
from colonnade.settings import LLMSettings

__all__ = ["OpenAICompatibleChatModel", "build_chat_model"]


class OpenAICompatibleChatModel:
    def __init__(self, *, model: str, client: Any, provider: str = "openai") -> None:
        self.model = model
        self.provider = provider
        self._client = client

    @property
    def name(self) -> str:
        return f"{self.provider}:{self.model}"

    def stream(
        self, messages: list[ChatMessage], *, max_tokens: int, temperature: float
    ) -> Iterator[str | ChatResult]:
        pieces: list[str] = []
        finish: str | None = None
        usage: dict[str, int] = {}
        model = self.model
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
                stream_options={"include_usage": True},
            )
            for chunk in response:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = {
                        "prompt_tokens": chunk.usage.prompt_tokens,
                        "completion_tokens": chunk.usage.completion_tokens,
                    }
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        pieces.append(choice.delta.content)
                        yield choice.delta.content
                    if choice.finish_reason:
                        finish = choice.finish_reason
        except openai.APIStatusError as exc:
            raise LLMError(
                f"the model endpoint answered {exc.status_code}: {exc.message}",
                provider=self.provider,
                status_code=exc.status_code,
                retryable=exc.status_code == 429 or exc.status_code >= 500,
            ) from exc
        except openai.APIConnectionError as exc:
            raise LLMError(
                f"cannot reach the model endpoint ({exc}): check llm.base_url",
                provider=self.provider,
                retryable=True,
            ) from exc
        if finish is None:
            raise LLMError(
                "the model's stream ended before it finished the answer",
                provider=self.provider,
                retryable=True,
            )
        if finish == "content_filter":
            raise LLMError(
                "the model endpoint's content filter stopped the answer", provider=self.provider
            )
        yield ChatResult("".join(pieces), model, finish, usage)


def build_chat_model(settings: LLMSettings) -> OpenAICompatibleChatModel:
    key = settings.api_key.get_secret_value() if settings.api_key else None
    client = build_openai_client(
        base_url=settings.base_url,
        api_key=key,
        azure=settings.provider == "azure_openai",
        api_version=settings.api_version,
        timeout_s=settings.timeout_s,
    )
    return OpenAICompatibleChatModel(
        model=settings.model, client=client, provider=settings.provider
    )
