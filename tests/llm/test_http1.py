"""The fast path's HTTP/1.1 (``colonnade.llm.providers.http1``) against real servers on
loopback: the request httpx2 would send, in one write; sized, chunked, compressed and
connection-delimited answers; kept-alive connections, replaced when the server closed
them; failures as httpx2's own exceptions; and the URLs it leaves to httpx2."""

from __future__ import annotations

import asyncio
import gzip
import ssl
from pathlib import Path
from typing import Any

import httpx2
import pytest

from colonnade.llm.providers.http1 import Http1
from tests.llm.test_network import OK, Handler, _certificate, _request, _server
from tests.servers import free_port

HEADERS = {"Authorization": "Bearer sk-test", "Content-Type": "application/json"}
BODY = b'{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'


def _wire(url: str, headers: dict[str, str] | None = None, **client: Any) -> Http1:
    wire = Http1.for_client(
        httpx2.AsyncClient(**client),
        f"{url}/v1/chat/completions",
        HEADERS if headers is None else headers,
        connect_timeout_s=5,
    )
    assert wire is not None
    return wire


async def _serve(handler: Handler, calls: int, *, stream: bool = False) -> list[Any]:
    server, url = await _server(handler)
    async with server:
        wire = _wire(url)
        out = []
        for _ in range(calls):
            response = await wire.post(BODY, stream=stream)
            out.append((response, [p async for p in response.aiter_bytes()] if stream else None))
        wire.aclose()
        return out


def test_the_request_is_the_one_httpx2_sends_and_goes_out_in_one_write() -> None:
    seen: dict[str, Any] = {}

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen["first_read"] = await reader.read(65536)
        writer.write(OK)
        await writer.drain()

    async def capture(request: httpx2.Request) -> httpx2.Response:
        seen["httpx2"] = request
        return httpx2.Response(200)

    asyncio.run(_serve(handler, 1))
    head, _, body = seen["first_read"].partition(b"\r\n\r\n")
    assert body == BODY  # head and body came in one read
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /v1/chat/completions HTTP/1.1"
    sent = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}

    async def through_httpx2() -> None:
        async with httpx2.AsyncClient(transport=httpx2.MockTransport(capture)) as client:
            await client.post(
                "http://127.0.0.1:1/v1/chat/completions", content=BODY, headers=HEADERS
            )

    asyncio.run(through_httpx2())
    expected = {k.lower(): v for k, v in seen["httpx2"].headers.items()}
    assert sent.pop("host").startswith("127.0.0.1:")
    expected.pop("host")
    assert sent == expected


def test_answers_sized_chunked_and_compressed_keep_one_connection() -> None:
    connections = 0
    zipped = gzip.compress(b'{"ok": "zipped"}')
    answers = [
        OK,
        b'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"ok"\r\n7\r\n: true}\r\n0\r\n\r\n',
        b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n%s"
        % (len(zipped), zipped),
    ]

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        for answer in answers:
            assert (await _request(reader)).endswith(BODY)
            writer.write(answer)
            await writer.drain()
        await reader.read()

    got = asyncio.run(_serve(handler, 3))
    assert [r.content for r, _ in got] == [b'{"ok": true}', b'{"ok": true}', b'{"ok": "zipped"}']
    assert [r.status_code for r, _ in got] == [200, 200, 200]
    assert got[2][0].headers["content-encoding"] == "gzip"
    assert connections == 1


def test_a_stream_comes_a_read_at_a_time_and_a_body_may_end_with_its_connection() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n")
        for part in (b"data: 1\n\n", b"data: 2\n\n"):
            writer.write(part)
            await writer.drain()
            await asyncio.sleep(0.05)
        writer.close()  # no length, not chunked: the body ends with the connection

    got = asyncio.run(_serve(handler, 2, stream=True))
    assert [parts for _, parts in got] == [[b"data: 1\n\n", b"data: 2\n\n"]] * 2
    assert connections == 2  # a connection that ended its body is not used again


def test_a_connection_the_server_closed_is_replaced() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _request(reader)
        writer.write(OK)
        await writer.drain()  # then closes (the wrapper in _server), keep-alive or not

    async def main() -> list[bytes]:
        server, url = await _server(handler)
        async with server:
            wire = _wire(url)
            out = []
            for _ in range(3):
                out.append((await wire.post(BODY)).content)
                await asyncio.sleep(0.05)  # the close has come in
            return out

    assert asyncio.run(main()) == [b'{"ok": true}'] * 3
    assert connections == 3


def test_failures_are_httpx2_exceptions() -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial')
        await writer.drain()

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(1)

    async def main(handler: Handler) -> None:
        server, url = await _server(handler)
        async with server:
            await _wire(url).post(BODY)

    with pytest.raises(httpx2.RemoteProtocolError):
        asyncio.run(main(cut))
    with pytest.raises(httpx2.RemoteProtocolError):
        asyncio.run(main(garbage))
    with pytest.raises(httpx2.ConnectError):
        asyncio.run(_wire(f"http://127.0.0.1:{free_port()}").post(BODY))


def test_a_cancelled_request_closes_its_connection() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                await _request(reader)
            except asyncio.IncompleteReadError:
                return
            if connections == 1:
                await asyncio.sleep(0.5)  # too slow for the caller's deadline
            writer.write(OK)
            await writer.drain()

    async def main() -> bytes:
        server, url = await _server(handler)
        async with server:
            wire = _wire(url)
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.1):
                    await wire.post(BODY)
            return (await wire.post(BODY)).content  # on a new connection, not the cut one

    assert asyncio.run(main()) == b'{"ok": true}'
    assert connections == 2


def test_https_is_verified_against_the_client_s_authorities(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _request(reader)
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            return  # the client refused the certificate
        writer.write(OK)
        await writer.drain()
        await reader.read()  # open until the client is done

    async def main(verify: Any) -> tuple[bytes, Any]:
        server, url = await _server(handler, server_tls)
        async with server:
            wire = _wire(url, verify=verify)
            assert wire.tls is not None
            response = await wire.post(BODY)
            assert response._conn.transport is not None
            tls = response._conn.transport.get_extra_info("ssl_object")
            wire.aclose()
            return response.content, tls

    content, tls = asyncio.run(main(ssl.create_default_context(cafile=str(cert))))
    assert content == b'{"ok": true}'
    assert isinstance(tls, ssl.SSLObject)
    with pytest.raises(httpx2.ConnectError):  # the system's authorities do not know it
        asyncio.run(main(True))


def test_urls_it_does_not_speak_to_stay_on_httpx2(monkeypatch: pytest.MonkeyPatch) -> None:
    client = httpx2.AsyncClient()
    url = "https://api.example.com/v1/chat/completions"
    assert Http1.for_client(client, url, HEADERS, connect_timeout_s=5) is not None
    bad = {"X-Injected": "a\r\nX-Other: b"}
    plain = "http://127.0.0.1:8000/v1/chat/completions"
    assert Http1.for_client(client, plain, bad, connect_timeout_s=5) is None
    assert Http1.for_client(client, plain, HEADERS, connect_timeout_s=5) is not None
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.internal:3128")
    proxied = httpx2.AsyncClient()  # reads the environment's proxies as it is made
    assert Http1.for_client(proxied, plain, HEADERS, connect_timeout_s=5) is None
