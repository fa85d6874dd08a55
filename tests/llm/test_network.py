"""The providers' connections (``colonnade.llm.providers.network``) against real servers on
loopback: a request goes out whole in one write, answers and failures come back as httpx2's
own, a connection the server closed is replaced, and TLS works."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from colonnade.llm.providers.network import AsyncioBackend, use_asyncio_backend
from tests.servers import free_port

OK = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n{"ok": true}'
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _request(reader: asyncio.StreamReader) -> bytes:
    """One whole request as it came in (head and Content-Length body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head + await reader.readexactly(length)


async def _server(handler: Handler, tls: ssl.SSLContext | None = None) -> tuple[Any, str]:
    async def closing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handler(reader, writer)
        finally:  # also when the test ends first and the handler is cancelled
            writer.close()

    server = await asyncio.start_server(closing, "127.0.0.1", 0, ssl=tls)
    port = server.sockets[0].getsockname()[1]
    return server, f"{'https' if tls else 'http'}://127.0.0.1:{port}"


def _client(**kwargs: Any) -> httpx2.AsyncClient:
    client = httpx2.AsyncClient(timeout=5, **kwargs)
    assert use_asyncio_backend(client)
    return client


def test_writes_are_held_until_the_answer_is_read_and_go_out_as_one() -> None:
    arrived: list[bytes] = []
    nothing_yet = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with pytest.raises(TimeoutError):  # head and body written, nothing sent yet
            await asyncio.wait_for(reader.read(65536), 0.2)
        nothing_yet.set()
        arrived.append(await reader.read(65536))  # one read brings both
        writer.write(OK)
        await writer.drain()

    async def main() -> bytes:
        server, url = await _server(handler)
        async with server:
            stream = await AsyncioBackend().connect_tcp("127.0.0.1", int(url.rsplit(":", 1)[1]))
            await stream.write(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n")
            await stream.write(b"{}")
            await nothing_yet.wait()
            answer = await stream.read(65536, timeout=5)  # sends what is held, then reads
            await stream.aclose()
            return answer

    assert asyncio.run(main()) == OK
    assert arrived == [b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}"]


def test_a_client_keeps_its_connection_and_gets_each_answer() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                request = await _request(reader)
            except asyncio.IncompleteReadError:
                return
            assert request.endswith(b'"content": "hi"}]}')
            writer.write(OK)
            await writer.drain()

    async def main() -> list[httpx2.Response]:
        server, url = await _server(handler)
        async with server, _client() as client:
            body = b'{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'
            return [await client.post(f"{url}/v1/chat/completions", content=body) for _ in range(3)]

    assert [r.json() for r in asyncio.run(main())] == [{"ok": True}] * 3
    assert connections == 1


def test_a_stream_is_read_as_it_comes() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for part in (b"data: 1\n\n", b"data: 2\n\n"):
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
            await asyncio.sleep(0.05)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    async def main() -> list[bytes]:
        server, url = await _server(handler)
        async with (
            server,
            _client() as client,
            client.stream("POST", url, content=b"{}") as response,
        ):
            return [part async for part in response.aiter_bytes()]

    assert asyncio.run(main()) == [b"data: 1\n\n", b"data: 2\n\n"]


def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _request(reader)
        writer.write(OK)  # keep-alive by default, then closed at once
        await writer.drain()
        writer.close()

    async def main() -> list[int]:
        server, url = await _server(handler)
        async with server, _client() as client:
            first = await client.get(url)
            await asyncio.sleep(0.1)  # the close reaches the client
            second = await client.get(url)
            return [first.status_code, second.status_code]

    assert asyncio.run(main()) == [200, 200]
    assert connections == 2


def test_a_silent_server_times_out_and_a_closed_port_refuses() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        await asyncio.sleep(5)

    async def main() -> None:
        server, url = await _server(silent)
        async with server, _client() as client:
            with pytest.raises(httpx2.ReadTimeout):
                await client.get(url, timeout=httpx2.Timeout(5, read=0.2))
            with pytest.raises(httpx2.ConnectError):
                await client.get(f"http://127.0.0.1:{free_port()}/")

    asyncio.run(main())


def test_a_server_that_cuts_the_answer_short_is_a_protocol_error() -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial')
        await writer.drain()
        writer.close()

    async def main() -> None:
        server, url = await _server(cut)
        async with server, _client() as client:
            with pytest.raises(httpx2.RemoteProtocolError):
                await client.get(url)

    asyncio.run(main())


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 that is its own authority: (cert, key)."""
    now = dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    paths = directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def test_https_goes_through_a_tls_handshake_and_refuses_an_unknown_authority(
    tmp_path: Path,
) -> None:
    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _request(reader)
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            return  # the refused handshake
        writer.write(OK)
        await writer.drain()
        writer.close()

    async def main() -> tuple[Any, Any]:
        server, url = await _server(handler, server_tls)
        async with server:
            async with _client(verify=ssl.create_default_context(cafile=str(cert))) as client:
                answer = await client.get(url)
                tls = answer.extensions["network_stream"].get_extra_info("ssl_object")
            async with _client() as untrusting:  # the system's authorities only
                with pytest.raises(httpx2.ConnectError):
                    await untrusting.get(url)
        return answer.json(), tls

    body, tls = asyncio.run(main())
    assert body == {"ok": True}
    assert isinstance(tls, ssl.SSLObject)


def test_only_a_default_transport_is_switched() -> None:
    async def main() -> None:
        mocked = httpx2.AsyncClient(transport=httpx2.MockTransport(lambda r: httpx2.Response(204)))
        assert not use_asyncio_backend(mocked)  # left as it is, and still answers
        assert (await mocked.get("http://example.invalid/")).status_code == 204
        await mocked.aclose()
        direct = httpx2.AsyncClient()
        assert use_asyncio_backend(direct)
        assert isinstance(direct._transport._pool._network_backend, AsyncioBackend)  # type: ignore[attr-defined]
        await direct.aclose()

    asyncio.run(main())


@pytest.mark.parametrize("use_tls", [False, True], ids=["tcp", "tls"])
def test_a_slow_reader_gets_every_byte_after_the_socket_was_paused(
    tmp_path: Path, use_tls: bool
) -> None:
    """More than the read-ahead limit arrives before the reader comes back: reading pauses
    the socket and resumes it through the same transport (the TLS one after a handshake)."""
    from tests.servers import tls_files

    size = 4 * 2**20
    ca, cert, key = tls_files(tmp_path)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        writer.write(b"x" * size)
        await writer.drain()
        writer.close()

    async def main() -> int:
        server_tls = None
        if use_tls:
            server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_tls.load_cert_chain(cert, key)
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_tls)
        port = server.sockets[0].getsockname()[1]
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        if use_tls:
            client_tls = ssl.create_default_context(cafile=str(ca))
            stream = await stream.start_tls(client_tls, server_hostname="127.0.0.1", timeout=5)
        await stream.write(b"hello")
        got = len(await stream.read(1, timeout=5))
        await asyncio.sleep(0.5)  # more than 1 MiB waits meanwhile
        while got < size:
            data = await stream.read(65536, timeout=5)
            if not data:
                break
            got += len(data)
        await stream.aclose()
        server.close()
        return got

    assert asyncio.run(main()) == size
