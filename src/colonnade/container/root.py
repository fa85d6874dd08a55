"""Wiring: the one composition root, built from Settings once, at start-up.

The CLI and the API's lifespan create one Container and pass it down; nothing is
built at import time. Every long-lived part is built here on first use, typed
by the port it implements, and its closer goes on one ``AsyncExitStack``:
``aclose()`` (or ``close()`` outside an event loop) closes them newest first.
The parts only a running server needs (rate limiter, failed sign-in guard, predictions
runtime, tools layer) are started by :meth:`Container.serving` and stopped when the server
stops; the API's protocol endpoints (MCP, A2A) are set on it while they run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from colonnade.container.ml import MLParts
from colonnade.conversations import ConversationStore
from colonnade.conversations.factory import build_conversation_store
from colonnade.conversations.ports import FeedbackStore
from colonnade.knowledge.chunking import RegexTokenCounter, StructureChunker
from colonnade.knowledge.embedders import WordPieceCounter, build_embedder
from colonnade.knowledge.limits import content_limits
from colonnade.knowledge.parsers import default_parsers
from colonnade.knowledge.pipeline import Ingestor
from colonnade.knowledge.ports import Embedder, KnowledgeStore, TokenCounter
from colonnade.knowledge.retriever import Retriever
from colonnade.knowledge.stores.factory import build_knowledge_store
from colonnade.orchestration.answerability import Answerability, VocabularyCache
from colonnade.orchestration.assistant import Assistant
from colonnade.orchestration.expansion import QueryExpander
from colonnade.orchestration.extractive import ExtractiveAnswerer
from colonnade.orchestration.fallback import DefaultResponse, FallbackGenerator
from colonnade.orchestration.followup import FollowUpResolver, llm_rewriter
from colonnade.orchestration.memory import ConversationMemory
from colonnade.orchestration.multipart import PartsRetriever
from colonnade.orchestration.ports import Generator
from colonnade.reliability import BreakerFactory, local_breakers
from colonnade.settings import Settings

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from colonnade.api.auth_guard import AuthFailures
    from colonnade.api.metrics import HttpMetrics
    from colonnade.api.ratelimit import Limiter
    from colonnade.identity import ApiKeyStore, Authenticator, Roles
    from colonnade.knowledge.distributed import DistributedIngestor
    from colonnade.knowledge.history import IngestHistory
    from colonnade.knowledge.queue import JobQueue
    from colonnade.knowledge.queue.embedded import EmbeddedWorker
    from colonnade.llm.blocking import BlockingChat
    from colonnade.llm.ports import ChatModel
    from colonnade.llm.router import Router
    from colonnade.mlplatform.ownership import Owners
    from colonnade.mlplatform.serving import PredictionService
    from colonnade.observability.audit import AuditLog
    from colonnade.orchestration.routed import RoutedAssistant
    from colonnade.orchestration.turns import TurnRouter
    from colonnade.safety import Guardrails
    from colonnade.storage.cache import ResponseCache
    from colonnade.tools.runtime import ToolLayer

__all__ = ["Container"]

_P = TypeVar("_P")


@dataclass
class Container(MLParts):
    settings: Settings
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack, init=False, repr=False)
    # started by serving(): None outside a running server, or when turned off
    limiter: Limiter | None = field(default=None, init=False)
    auth_failures: AuthFailures | None = field(default=None, init=False)
    predictions: PredictionService | None = field(default=None, init=False)
    model_owners: Owners | None = field(default=None, init=False)
    tools: ToolLayer | None = field(default=None, init=False)
    # the API's protocol servers while they run (api.protocols.running_protocols)
    mcp: ASGIApp | None = field(default=None, init=False)
    a2a: ASGIApp | None = field(default=None, init=False)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[Container]:
        """The parts a running server needs besides the rest, stopped when it stops."""
        async with AsyncExitStack() as stack:
            for started in ("limiter", "auth_failures", "predictions", "model_owners", "tools"):
                stack.callback(setattr, self, started, None)  # runs after the closers below
            limits = self.settings.security.limits
            if limits.enabled:
                from colonnade.api.ratelimit import Limiter

                self.limiter = Limiter(limits)
                stack.push_async_callback(self.limiter.aclose)
            if limits.auth_failures:
                from colonnade.api.auth_guard import AuthFailures

                storage = self.limiter.storage if self.limiter is not None else None
                self.auth_failures = AuthFailures(limits.auth_failures, storage)
            self.predictions = await self._prediction_service()
            if self.predictions is not None:
                from colonnade.mlplatform.ownership import Owners

                service = self.predictions
                stack.push_async_callback(service.aclose)
                self.model_owners = Owners(lambda: service.registry.owners())
            if self.router is not None:
                stack.push_async_callback(self.router.aclose)
            if self.cache is not None:
                stack.push_async_callback(self.cache.aclose)
            from colonnade.tools.runtime import open_tools

            self.tools = await open_tools(self, lambda: self.predictions)
            if self.tools is not None:
                stack.push_async_callback(self.tools.aclose)
            yield self

    @cached_property
    def feedback(self) -> FeedbackStore:
        """Ratings of answers, beside the turns they rate (whose table must exist first)."""
        from colonnade.conversations.feedback import SQLiteFeedbackStore

        self.conversations  # noqa: B018 - creates the turns table the ratings refer to
        return self._owned(SQLiteFeedbackStore(self.settings.storage.sqlite_path()))

    @cached_property
    def http_metrics(self) -> HttpMetrics:
        """The API's request counts and latency, in the registry ``/metrics`` serves."""
        from colonnade.api.metrics import HttpMetrics

        return HttpMetrics.of(self.llm_metrics.registry)

    @cached_property
    def turns(self) -> TurnRouter:
        """One turn routed by intent: documents, a prediction, a tool, small talk."""
        from colonnade.orchestration.llm_planner import intent_planner
        from colonnade.orchestration.turns import TurnRouter

        return TurnRouter(
            intent_planner(self.router, self.settings.llm.assistant_alias),
            self.assistant,
            lambda: self.tools.gateway if self.tools is not None else None,
        )

    @cached_property
    def routed_assistant(self) -> RoutedAssistant:
        """``POST /v1/answers``: the assistant, with turns that ask for a prediction or a
        tool routed there first."""
        from colonnade.orchestration.routed import RoutedAssistant

        return RoutedAssistant(self.assistant, self.turns)

    @cached_property
    def session_secret(self) -> bytes:
        """Signs the web UI's sign-in cookies; kept in the data directory."""
        from colonnade.identity.local_key import load_or_create_secret

        path = self.settings.storage.data_dir / "session_secret"
        return load_or_create_secret(path).encode()

    @cached_property
    def store(self) -> KnowledgeStore:
        return self._owned(build_knowledge_store(self.settings.storage, self.settings.retrieval))

    @cached_property
    def embedder(self) -> Embedder:
        return build_embedder(self.settings.embeddings)

    @cached_property
    def token_counter(self) -> TokenCounter:
        if self.settings.embeddings.provider == "local":
            return WordPieceCounter()
        return RegexTokenCounter()

    @cached_property
    def retriever(self) -> Retriever:
        embedder = self.embedder
        if self.tracer is not None:
            from colonnade.knowledge.tracing import TracedEmbedder

            provider = self.settings.embeddings.provider
            embedder = TracedEmbedder(embedder, self.tracer, provider=f"colonnade.{provider}")
        return Retriever(self.store, embedder, self.settings.retrieval)

    @cached_property
    def ingestor(self) -> Ingestor:
        ing = self.settings.ingestion
        return Ingestor(
            self.store,
            self.embedder,
            default_parsers(),
            StructureChunker(self.token_counter, ing.chunk_tokens, ing.chunk_overlap),
            max_file_bytes=ing.max_file_bytes,
            limits=content_limits(ing),
        )

    @cached_property
    def batch_ingestor(self) -> Ingestor | DistributedIngestor:
        """``colonnade ingest``: parsing and embedding on the Dask cluster when
        ``compute.dask_scheduler`` is set; the local pipeline otherwise."""
        if not self.settings.compute.dask_scheduler:
            return self.ingestor
        from colonnade.compute import build_executor
        from colonnade.knowledge.distributed import DistributedIngestor

        executor = self._owned(build_executor(self.settings.compute))
        s = self.settings
        return DistributedIngestor(self.ingestor, executor, s.ingestion, s.embeddings)

    @cached_property
    def ingest_queue(self) -> JobQueue:
        from colonnade.knowledge.queue.factory import build_queue

        return self._owned(build_queue(self.settings.ingestion))

    @cached_property
    def ingest_worker(self) -> EmbeddedWorker | None:
        """The worker inside this process when no shared queue is configured; stopped before
        the stores it writes to (the exit stack closes what came last first)."""
        if self.settings.ingestion.queue_url:
            return None
        from colonnade.knowledge.queue.embedded import EmbeddedWorker

        worker = EmbeddedWorker(self.ingest_queue, self.ingestor, self.ingest_history)
        return self._owned(worker, worker.stop)

    @cached_property
    def ingest_history(self) -> IngestHistory:
        """A record of every finished ingestion, in the database every replica shares."""
        storage = self.settings.storage
        if storage.is_postgres() and storage.database_url:
            from colonnade.knowledge.history.postgres import PostgresIngestHistory

            return self._owned(PostgresIngestHistory(storage.database_url))
        from colonnade.knowledge.history.sqlite import SQLiteIngestHistory

        return self._owned(SQLiteIngestHistory(storage.sqlite_path()))

    @cached_property
    def conversations(self) -> ConversationStore:
        days = self.settings.conversations.ttl_days
        return self._owned(
            build_conversation_store(self.settings.storage, timedelta(days=days) if days else None)
        )

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        a = self.settings.assistant
        return ExtractiveAnswerer(
            self.embedder,
            max_sentences=a.max_sentences,
            min_confidence=a.min_confidence,
            max_hits=a.top_k,
            cache_size=a.sentence_cache,
            answerability=Answerability(VocabularyCache(self.store), embedder=self.embedder),
        )

    @cached_property
    def router(self) -> Router | None:
        """The LLM layer: the catalog's deployments behind one router; None with no catalog."""
        if not self.settings.llm.deployments:
            return None
        from colonnade.llm.catalog import build_router

        router = build_router(
            self.settings.llm,
            ledger_path=self.settings.storage.sqlite_path(),
            ledger_url=self.settings.storage.database_url
            if self.settings.storage.is_postgres()
            else None,
            metrics=self.llm_metrics,
            tracer=self.tracer,
            breakers=self.breakers,
        )
        if router.ledger is not None:
            self._owned(router.ledger)
        return router

    @cached_property
    def breakers(self) -> BreakerFactory:
        """Each LLM deployment's breaker: in Redis, shared by every replica, when the limits
        are counted there (``security.limits.storage_url``); in this process otherwise."""
        url = self.settings.security.limits.storage_url
        if not url.startswith(("redis://", "rediss://", "unix://")):
            return local_breakers
        from colonnade.storage.breakers import RedisBreakers

        return self._owned(RedisBreakers(url))

    @cached_property
    def chat_model(self) -> BlockingChat | None:
        """The router's blocking face for the assistant, or None for the extractive default."""
        llm = self.settings.llm
        alias = llm.assistant_alias
        if self.router is None or alias is None:
            return None
        from colonnade.llm.blocking import BlockingChat

        return self._owned(
            BlockingChat(
                self._traced_chat(self.router),
                alias,
                classification=llm.classification,
                deadline_s=llm.request_deadline_s,
            )
        )

    @cached_property
    def generator(self) -> Generator:
        """LLM (the router's whole chain) -> extractive -> the default response."""
        llm = self.settings.llm
        chain: Generator = self.extractive
        if self.chat_model is not None:
            from colonnade.orchestration.llm_answerer import LLMAnswerer

            answerer = LLMAnswerer(
                self.chat_model,
                max_tokens=llm.max_tokens,
                temperature=llm.temperature,
                collection_labels=llm.collection_classification,
                classification=llm.classification,
            )
            chain = FallbackGenerator(answerer, chain)
        if llm.default_response:
            chain = FallbackGenerator(
                chain, DefaultResponse(llm.default_response), catch=DefaultResponse.CATCH
            )
        return chain

    @cached_property
    def roles(self) -> Roles:
        from colonnade.identity import Roles

        return Roles(self.settings.security.roles)

    @cached_property
    def authenticator(self) -> Authenticator:
        """The local key, then managed keys, then OIDC tokens (when an issuer is set)."""
        from colonnade.identity import Authenticator, LocalKeyAuthenticator

        s = self.settings
        oidc = None
        if s.security.oidc.issuer:
            from colonnade.identity.oidc import OIDCVerifier

            oidc = OIDCVerifier(s.security.oidc, self.roles)
        local = LocalKeyAuthenticator(s.storage.data_dir, s.api.api_key)
        return Authenticator(local, self.api_keys, self.roles, oidc)

    @cached_property
    def api_keys(self) -> ApiKeyStore:
        from colonnade.identity import ApiKeyStore

        storage = self.settings.storage
        if storage.is_postgres() and storage.database_url:
            from colonnade.identity.api_keys_postgres import PostgresKeyRows

            return self._owned(ApiKeyStore(PostgresKeyRows(storage.database_url)))
        return self._owned(ApiKeyStore(storage.sqlite_path()))

    @cached_property
    def audit(self) -> AuditLog | None:
        a = self.settings.security.audit
        if not a.enabled:
            return None
        from colonnade.observability.audit import AuditLog
        from colonnade.observability.ports import AuditStorage

        storage: AuditStorage
        if self.settings.storage.is_postgres() and self.settings.storage.database_url:
            from colonnade.observability.audit_postgres import PostgresAuditStorage

            storage = PostgresAuditStorage(self.settings.storage.database_url)
        else:
            from colonnade.observability.audit_sqlite import SQLiteAuditStorage

            storage = SQLiteAuditStorage(self.settings.storage.sqlite_path())
        days = a.retention_days
        return self._owned(
            AuditLog(
                storage,
                retention=timedelta(days=days) if days else None,
                key=a.key,
                key_file=a.key_file,
            )
        )

    @cached_property
    def guardrails(self) -> Guardrails | None:
        s = self.settings.safety
        if s.pii == "off" and s.injection == "off" and s.output_pii == "off" and not s.deny_list:
            return None
        from colonnade.safety import Guardrails

        return Guardrails(s)

    @cached_property
    def cache(self) -> ResponseCache | None:
        if not self.settings.security.cache.enabled:
            return None
        from colonnade.storage.cache import ResponseCache

        return self._owned(ResponseCache(self.settings.security.cache))

    @cached_property
    def model_version(self) -> str:
        """What answers depend on besides the index: generator, catalog and embedder."""
        from colonnade.storage.cache import cache_key

        llm = self.settings.llm
        return cache_key(
            self.generator.name,
            self.embedder.model_id,
            llm.model_dump(mode="json", include={"deployments", "routes", "assistant_route"}),
            self.settings.assistant.model_dump(mode="json"),
        )

    @cached_property
    def gateway_chat(self) -> ChatModel | None:
        """The gateway's chat model: the router behind the completion cache, then the
        default response; None with no catalog."""
        if self.router is None:
            return None
        from colonnade.llm.cache import CachedChat
        from colonnade.llm.default_response import DefaultResponseChat

        chat: ChatModel = self.router
        if self.cache is not None:
            chat = CachedChat(chat, self.cache, model_version=self.model_version)
        if self.settings.llm.default_response:
            chat = DefaultResponseChat(chat, self.settings.llm.default_response)
        return self._traced_chat(chat)

    def _traced_chat(self, chat: ChatModel) -> ChatModel:
        """A span per request to an alias, around the attempts' spans, when tracing."""
        if self.tracer is None:
            return chat
        from colonnade.llm.tracing import TracedChatModel

        return TracedChatModel(chat, self.tracer)

    @cached_property
    def assistant(self) -> Assistant:
        from colonnade.orchestration.llm_answerer import llm_summariser
        from colonnade.safety.injection import injection_flags

        window = self.settings.conversations.history_turns
        flags = None if self.settings.safety.injection == "off" else injection_flags
        summariser = (
            llm_summariser(self.chat_model, flags=flags) if self.chat_model is not None else None
        )
        return Assistant(
            PartsRetriever(self.retriever, QueryExpander(self.extractive.answerability)),
            self.generator,
            self.conversations,
            top_k=self.settings.assistant.top_k,
            memory=ConversationMemory(self.conversations, window=window, summariser=summariser),
            max_question_chars=self.settings.assistant.max_question_chars,
            guard=self.guardrails,
            cache=self.cache,
            model_version=self.model_version,
            follow_ups=FollowUpResolver(
                self.retriever,
                self.extractive.answerability,
                rewriter=llm_rewriter(self.chat_model) if self.chat_model is not None else None,
            ),
            tracer=self.tracer,
        )
