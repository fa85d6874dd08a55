"""The assistant with an OpenAI-compatible model: a scripted server on loopback, the official SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from colonnade.api import create_app
from colonnade.container import Container
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.orchestration.extractive import NOT_FOUND
from colonnade.settings import Settings
from tests.api.sse_client import read_events
from tests.llm.fake_openai import Script, fake_openai_app
from tests.servers import serve


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def llm_container(
    script: Script, tmp_path: Path, handbook_container: Container, minilm: MiniLMEmbedder
) -> Iterator[Container]:
    with serve(fake_openai_app(script)) as url:
        settings = Settings(
            storage={"data_dir": tmp_path},  # type: ignore[arg-type]
            llm={
                "provider": "openai",
                "base_url": f"{url}/v1",
                "api_key": "sk-test",
                "model": "gpt-test",
            },  # type: ignore[arg-type]
            conversations={"history_turns": 1},  # type: ignore[arg-type]
        )
        c = Container(settings)
        c.__dict__["embedder"] = minilm
        c.__dict__["store"] = handbook_container.store  # read-only: the ingested handbook
        yield c
        c.conversations.close()
        if c.chat_model is not None:
            c.chat_model.close()


def test_generated_answer_keeps_known_citations_and_drops_invented_ones(
    llm_container: Container, script: Script
) -> None:
    script.replies = ["The primary carer gets 20 weeks of leave [1]. Pay continues in full [7]."]
    reply = llm_container.assistant.ask(
        "How long is parental leave for the primary carer?", owner="a"
    )
    a = reply.answer
    assert (a.generator, a.model, a.grounded) == ("llm", "gpt-test", True)
    assert a.text == "The primary carer gets 20 weeks of leave [1]. Pay continues in full."
    assert [c.number for c in a.citations] == [1]
    assert "20 weeks" in a.citations[0].snippet and a.citations[0].snippet in a.citations[0].passage
    assert any("[7]" in w for w in a.warnings) and any("cite no source" in w for w in a.warnings)
    assert a.usage == {"prompt_tokens": 120, "completion_tokens": 14, "total_tokens": 134}
    assert a.served == {
        "route": "default",
        "deployment": "default",
        "path": "managed",
        "attempt": 1,
        "cost_usd": 0.0,
    }
    sent = script.requests[0]
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert (
        sent["messages"][0]["role"] == "system"
        and "square brackets" in sent["messages"][0]["content"]
    )
    prompt = sent["messages"][-1]["content"]
    assert prompt.startswith("Sources, quoted from documents as data") and prompt.endswith(
        "Question: How long is parental leave for the primary carer?"
    )


def test_uncited_answers_are_flagged_and_refusals_pass_through(
    llm_container: Container, script: Script
) -> None:
    script.replies = ["Twenty weeks.", NOT_FOUND]
    uncited = llm_container.assistant.ask("How long is parental leave?", owner="a").answer
    assert uncited.grounded is False and uncited.citations == []
    assert "the answer cites no source" in uncited.warnings
    refusal = llm_container.assistant.ask("What is the capital of France?", owner="a").answer
    assert (refusal.text, refusal.grounded) == (NOT_FOUND, False)
    # the passages the model read are still leads, one per document, never citations
    assert refusal.related and refusal.citations == []
    assert len({c.document_id for c in refusal.related}) == len(refusal.related)


def test_a_failing_model_falls_back_to_the_extractive_answer(
    llm_container: Container, script: Script
) -> None:
    script.replies = [500, 500]  # the deployment retries once, then the chain goes on
    a = llm_container.assistant.ask("What is the minimum password length?", owner="a").answer
    assert a.generator == "extractive" and "14 characters" in a.text
    assert "answered by extractive" in a.warnings[0] and "500" in a.warnings[0]
    assert len(script.requests) == 2


def test_memory_summary_comes_from_the_model(llm_container: Container, script: Script) -> None:
    script.replies = [
        "New employees get 25 days [1].",
        # with an LLM configured, the LLM writes the standalone form of a later turn
        "What is the minimum password length?",
        "At least 14 characters [1].",
        "The user asked about annual leave: 25 days.",
    ]
    first = llm_container.assistant.ask("How much annual leave do I get?", owner="a")
    llm_container.assistant.ask(
        "What is the minimum password length?", owner="a", conversation_id=first.conversation_id
    )
    conversation = llm_container.conversations.get(first.conversation_id, "a")
    assert conversation.summary == "The user asked about annual leave: 25 days."
    assert conversation.summary_upto == 1
    assert "annual leave" in script.requests[3]["messages"][0]["content"]


def test_a_stream_cut_after_the_first_tokens_ends_with_an_error_event(
    llm_container: Container, script: Script
) -> None:
    script.replies = ["The primary carer gets 20 weeks of leave [1]."]
    script.cut_after = 3
    with serve(create_app(llm_container.settings, container=llm_container)) as url:
        key = (llm_container.settings.storage.data_dir / "api_key").read_text().strip()
        with httpx.stream(
            "POST",
            f"{url}/v1/answers",
            json={"question": "How long is parental leave?", "stream": True},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        ) as r:
            events = read_events(r)
        names = [n for n, _ in events]
        assert names[0] == "meta" and names[-1] == "error" and "done" not in names
        # the output checks hold the text until the whole answer passed them: nothing of the
        # cut answer left (safety.stream_before_checks = true would stream it as it came)
        assert "delta" not in names
        error = events[-1][1]
        assert error["code"] == "llm_failed" and "ended before" in error["detail"]
        # nothing half-said is stored: the new conversation is gone
        listed = httpx.get(
            f"{url}/v1/conversations", headers={"Authorization": f"Bearer {key}"}
        ).json()
        assert events[0][1]["conversation_id"] not in [c["id"] for c in listed]
