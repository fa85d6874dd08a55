"""The connections under the providers' HTTP client: asyncio transports, one write a request.

httpcore2's default backend goes through anyio, which costs every read and write a cancel
scope and a pass through the event loop, and sends a request's head and body in two
writes: on loopback or a fast network, two wake-ups of the model server where one would do.
This backend speaks to the event loop directly (any asyncio loop, uvloop included):

- writes are held until the connection next reads (or 64 KiB are held), so a request goes
  out in one write, and the server gets it whole;
- a read returns what has already arrived without waiting for the loop, and waits on one
  future (with a timer for its timeout) otherwise;
- an idle connection the server closed is known from the close having been seen, without a
  system call per request.

TLS goes through ``loop.start_tls``. Errors are httpcore2's, so httpx2 maps them as usual.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections import deque
from collections.abc import Iterable
from typing import Any, cast

import httpcore2
import httpx2
from httpcore2 import AsyncNetworkBackend, AsyncNetworkStream

__all__ = ["AsyncioBackend", "AsyncioStream", "use_asyncio_backend"]

_FLUSH_AT = 64 * 1024  # held writes go out once this many bytes wait
_PAUSE_AT = 1024 * 1024  # stop reading the socket while this much waits to be read


class _Protocol(asyncio.Protocol):
    """Collects what arrives; wakes the one reader waiting for it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.eof = False
        self.error: BaseException | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.drained: asyncio.Future[None] | None = None
        self.paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > _PAUSE_AT and self.transport is not None and not self.paused:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def pause_writing(self) -> None:
        if self.drained is None or self.drained.done():
            self.drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class AsyncioStream(AsyncNetworkStream):
    """One connection: an asyncio transport and the protocol that collects its bytes."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._held: list[bytes] = []
        self._held_bytes = 0

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._held:
            await self._flush(timeout)
        p = self._protocol
        if not p.chunks and not p.eof:
            loop = asyncio.get_running_loop()
            waiter = p.waiter = loop.create_future()
            timer = loop.call_later(timeout, _expire, waiter) if timeout is not None else None
            try:
                await waiter
            except TimeoutError as exc:
                raise httpcore2.ReadTimeout("timed out reading from the server") from exc
            finally:
                p.waiter = None
                if timer is not None:
                    timer.cancel()
        if p.chunks:
            data = p.chunks.popleft()
            if len(data) > max_bytes:
                data, rest = data[:max_bytes], data[max_bytes:]
                p.chunks.appendleft(rest)
            p.buffered -= len(data)
            if p.paused and p.buffered <= _PAUSE_AT // 2 and p.transport is not None:
                p.paused = False
                p.transport.resume_reading()  # the object that paused it
            return data
        if p.error is not None:
            raise httpcore2.ReadError(str(p.error) or type(p.error).__name__) from p.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._protocol.error is not None or self._transport.is_closing():
            raise httpcore2.WriteError("the connection is closed")
        self._held.append(buffer)
        self._held_bytes += len(buffer)
        if self._held_bytes >= _FLUSH_AT:
            await self._flush(timeout)

    async def _flush(self, timeout: float | None) -> None:
        data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held.clear()
        self._held_bytes = 0
        if self._protocol.error is not None or self._transport.is_closing():
            raise httpcore2.WriteError("the connection is closed")
        self._transport.write(data)
        drained = self._protocol.drained
        if drained is not None and not drained.done():
            try:
                await asyncio.wait_for(asyncio.shield(drained), timeout)
            except TimeoutError as exc:
                raise httpcore2.WriteTimeout("timed out writing to the server") from exc

    async def aclose(self) -> None:
        self._held.clear()
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(
                self._transport,
                self._protocol,
                ssl_context,
                server_hostname=server_hostname,
                ssl_handshake_timeout=timeout,
            )
        except TimeoutError as exc:
            self._transport.close()
            raise httpcore2.ConnectTimeout("timed out in the TLS handshake") from exc
        except (OSError, ssl.SSLError) as exc:
            self._transport.close()
            raise httpcore2.ConnectError(str(exc)) from exc
        if transport is None:  # the server closed the connection during the handshake
            raise httpcore2.ConnectError("the server closed the connection during TLS setup")
        # asyncio does not call connection_made again after the upgrade: reading is paused
        # and resumed through the TLS transport from now on, one object for both
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # idle and readable: the server closed it (or misbehaved)
            p = self._protocol
            return p.eof or bool(p.chunks)
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info in ("ssl_object", "socket"):
            return self._transport.get_extra_info(info)
        return None


class AsyncioBackend(AsyncNetworkBackend):
    """httpcore2's network backend on the running asyncio loop."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=local
                )
        except TimeoutError as exc:
            raise httpcore2.ConnectTimeout(f"timed out connecting to {host}:{port}") from exc
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc)) from exc
        return _stream(transport, protocol, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_unix_connection(_Protocol, path)
        except TimeoutError as exc:
            raise httpcore2.ConnectTimeout(f"timed out connecting to {path}") from exc
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc)) from exc
        return _stream(transport, protocol, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _stream(
    transport: asyncio.BaseTransport, protocol: _Protocol, options: Iterable[Any] | None
) -> AsyncioStream:
    sock: socket.socket | None = transport.get_extra_info("socket")
    for option in options or ():
        if sock is not None:
            sock.setsockopt(*option)
    return AsyncioStream(cast(asyncio.Transport, transport), protocol)


def use_asyncio_backend(client: httpx2.AsyncClient) -> bool:
    """Put ``client``'s direct connections on :class:`AsyncioBackend`; those through a proxy
    (from the environment) keep httpcore2's own. False when the client's transport is not
    httpx2's default one (a test's mock transport): it is left as it is."""
    transport = getattr(client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore2.AsyncConnectionPool:
        return False
    pool._network_backend = AsyncioBackend()
    return True
