"""Streams from an OpenAI-compatible upstream: server-sent events split from raw bytes, each
chunk kept with the bytes it came in, and the connection kept for the next call."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from colonnade.errors import LLMError
from colonnade.llm.ports import ChatRequest, ChatStream
from colonnade.llm.providers.sse import DataLines
from tests.llm.conftest import Upstreams, make_router, managed, run
from tests.llm.fake_openai import Fault


def test_data_lines_come_whole_across_reads_and_stop_at_done() -> None:
    lines = DataLines()
    assert lines.feed(b': keep-alive\n\nevent: chunk\ndata: {"a"') == []
    assert lines.feed(b": 1}\r") == []  # a \r may be half of \r\n: wait for the next read
    assert lines.feed(b'\n\r\ndata:{"b": 2}\rdata: {"c": 3}\n\n') == [
        b'{"a": 1}',
        b'{"b": 2}',
        b'{"c": 3}',
    ]
    assert lines.feed(b'data: [DONE]\n\ndata: {"late": 1}\n\n') == []
    assert lines.done


def test_a_last_line_without_its_end_is_read_when_the_stream_closes() -> None:
    lines = DataLines()
    assert lines.feed(b'data: {"a": 1}\n\ndata: {"b"') == [b'{"a": 1}']
    assert lines.feed(b": 2}") == []
    assert lines.end() == [b'{"b": 2}']
    assert not lines.done


def _router(upstreams: Upstreams, tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_router(
        tmp_path,
        deployments={"p": managed(upstreams.url("p"))},
        routes={"chat": {"deployments": ["p"]}},
    )


def _ask() -> ChatRequest:
    return ChatRequest({"messages": [{"role": "user", "content": "Hello"}]}, model="chat")


def test_frames_carry_the_upstreams_own_json_and_chunks_read_the_same(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = _router(upstreams, tmp_path)
    upstreams["p"].replies = ["one two three", "one two three"]

    async def go() -> tuple[list[tuple[dict, bytes | None]], list[dict], ChatStream]:
        framed = await router.open_stream(_ask())
        frames = [frame async for batch in framed.frames() for frame in batch]
        plain = await router.open_stream(_ask())
        return frames, [chunk async for chunk in plain], framed

    frames, chunks, stream = run(router, go)
    assert [chunk for chunk, _ in frames] == chunks
    for chunk, raw in frames:
        assert raw is not None and orjson.loads(raw) == chunk
    assert "".join(stream.collected) == "one two three"
    assert stream.finish_reason == "stop" and stream.usage.completion_tokens == 3


def test_a_stream_read_to_its_end_leaves_the_connection_for_the_next_call(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = _router(upstreams, tmp_path)
    upstreams["p"].replies = ["first answer", "second answer", "third answer"]

    async def go() -> list[str]:
        texts = [await (await router.open_stream(_ask())).text() for _ in range(2)]
        texts.append((await router.complete(_ask())).text)
        return texts

    assert run(router, go) == ["first answer", "second answer", "third answer"]
    clients = upstreams["p"].clients
    assert len(clients) == 3 and len(set(clients)) == 1  # one connection for all three


def test_an_error_mid_stream_comes_after_the_chunks_before_it(
    upstreams: Upstreams, tmp_path: Path
) -> None:
    router = _router(upstreams, tmp_path)
    upstreams["p"].replies = [Fault(text="one two three four", cut_after=2)]

    async def go() -> list[str]:
        stream = await router.open_stream(_ask())
        got: list[str] = []
        with pytest.raises(LLMError) as info:
            async for batch in stream.frames():
                got += [c["choices"][0]["delta"].get("content") or "" for c, _ in batch]
        assert info.value.kind == "truncated"
        return got

    assert "".join(run(router, go)) == "one two "
