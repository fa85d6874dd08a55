"""Wiring: builds the platform's parts from Settings once, at start-up.

The CLI and (later) the API's lifespan create one Container and pass it down;
nothing is built at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from colonnade.conversations import SQLiteConversationStore
from colonnade.conversations.factory import build_conversation_store
from colonnade.knowledge.chunking import RegexTokenCounter, StructureChunker
from colonnade.knowledge.embedders import WordPieceCounter, build_embedder
from colonnade.knowledge.parsers import default_parsers
from colonnade.knowledge.pipeline import Ingestor
from colonnade.knowledge.ports import Embedder, KnowledgeStore, TokenCounter
from colonnade.knowledge.retriever import Retriever
from colonnade.knowledge.stores.factory import build_knowledge_store
from colonnade.llm.accounting import LLMMetrics
from colonnade.orchestration.assistant import Assistant
from colonnade.orchestration.extractive import ExtractiveAnswerer
from colonnade.orchestration.fallback import DefaultResponse, FallbackGenerator
from colonnade.orchestration.memory import ConversationMemory
from colonnade.orchestration.ports import Generator
from colonnade.settings import Settings

if TYPE_CHECKING:
    from colonnade.conversations.postgres import PostgresConversationStore
    from colonnade.identity import ApiKeyStore, Authenticator, Roles
    from colonnade.knowledge.queue import JobQueue
    from colonnade.knowledge.queue.embedded import EmbeddedWorker
    from colonnade.llm.blocking import BlockingChat
    from colonnade.llm.router import Router
    from colonnade.observability.audit import AuditLog
    from colonnade.safety import Guardrails
    from colonnade.storage.cache import ResponseCache

__all__ = ["Container"]


@dataclass
class Container:
    settings: Settings

    @cached_property
    def store(self) -> KnowledgeStore:
        return build_knowledge_store(self.settings.storage, self.settings.retrieval)

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
        return Retriever(self.store, self.embedder, self.settings.retrieval)

    @cached_property
    def ingestor(self) -> Ingestor:
        ing = self.settings.ingestion
        return Ingestor(
            self.store,
            self.embedder,
            default_parsers(),
            StructureChunker(self.token_counter, ing.chunk_tokens, ing.chunk_overlap),
            max_file_bytes=ing.max_file_bytes,
        )

    @cached_property
    def ingest_queue(self) -> JobQueue:
        from colonnade.knowledge.queue.factory import build_queue

        return build_queue(self.settings.ingestion)

    @cached_property
    def ingest_worker(self) -> EmbeddedWorker | None:
        """The worker inside this process when no shared queue is configured."""
        if self.settings.ingestion.queue_url:
            return None
        from colonnade.knowledge.queue.embedded import EmbeddedWorker

        return EmbeddedWorker(self.ingest_queue, self.ingestor)

    @cached_property
    def conversations(self) -> SQLiteConversationStore | PostgresConversationStore:
        days = self.settings.conversations.ttl_days
        return build_conversation_store(
            self.settings.storage, timedelta(days=days) if days else None
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
        )

    @cached_property
    def llm_metrics(self) -> LLMMetrics:
        return LLMMetrics()

    @cached_property
    def router(self) -> Router | None:
        """The LLM layer: the catalog's deployments behind one router; None with no catalog."""
        if not self.settings.llm.deployments:
            return None
        from colonnade.llm.catalog import build_router

        return build_router(
            self.settings.llm,
            ledger_path=self.settings.storage.sqlite_path(),
            ledger_url=self.settings.storage.database_url
            if self.settings.storage.is_postgres()
            else None,
            metrics=self.llm_metrics,
        )

    @cached_property
    def chat_model(self) -> BlockingChat | None:
        """The router's blocking face for the assistant, or None for the extractive default."""
        llm = self.settings.llm
        alias = llm.assistant_alias
        if self.router is None or alias is None:
            return None
        from colonnade.llm.blocking import BlockingChat

        return BlockingChat(
            self.router, alias, classification=llm.classification, deadline_s=llm.request_deadline_s
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

            return ApiKeyStore(PostgresKeyRows(storage.database_url))
        return ApiKeyStore(storage.sqlite_path())

    @cached_property
    def audit(self) -> AuditLog | None:
        a = self.settings.security.audit
        if not a.enabled:
            return None
        from colonnade.observability.audit import AuditLog
        from colonnade.observability.audit_storage import open_audit_storage

        days = a.retention_days
        return AuditLog(
            open_audit_storage(self.settings.storage),
            retention=timedelta(days=days) if days else None,
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

        return ResponseCache(self.settings.security.cache)

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
    def assistant(self) -> Assistant:
        from colonnade.orchestration.llm_answerer import llm_summariser

        window = self.settings.conversations.history_turns
        summariser = llm_summariser(self.chat_model) if self.chat_model is not None else None
        return Assistant(
            self.retriever,
            self.generator,
            self.conversations,
            top_k=self.settings.assistant.top_k,
            memory=ConversationMemory(self.conversations, window=window, summariser=summariser),
            max_question_chars=self.settings.assistant.max_question_chars,
            guard=self.guardrails,
            cache=self.cache,
            model_version=self.model_version,
        )

    def close(self) -> None:
        if "ingest_worker" in self.__dict__ and self.ingest_worker is not None:
            self.ingest_worker.stop()  # before the stores it writes to
        if "chat_model" in self.__dict__ and self.chat_model is not None:
            self.chat_model.close()
        if "router" in self.__dict__ and self.router is not None and self.router.ledger:
            self.router.ledger.close()
        if "store" in self.__dict__:
            self.store.close()
        if "conversations" in self.__dict__:
            self.conversations.close()
        if "ingest_queue" in self.__dict__:
            self.ingest_queue.close()
        if "api_keys" in self.__dict__:
            self.api_keys.close()
        if "audit" in self.__dict__ and self.audit is not None:
            self.audit.close()
