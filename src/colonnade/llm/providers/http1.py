"""HTTP/1.1 for the providers' fast path: a request in one write, its response parsed in C.

Measured faster than httpx2 (with httpcore2 and h11 under it), which it replaces where it
can: a small completion from a model server on loopback costs the gateway about 50 µs of
CPU here against 250-340 µs through httpx2, a third of a proxied request's CPU. The
request goes out in one write on a kept-alive connection; the response is parsed by
httptools (llhttp, the parser uvicorn serves with) as it arrives, chunked, sized or
ending with the connection; its body is decoded as httpx2 decodes it (gzip, deflate,
br, zstd).

It speaks to ``http://`` and ``https://`` upstreams that no proxy from the environment
stands in front of, over HTTP/1.1 as the httpx2 client does (HTTP/2 is not turned on
there): TLS through the client's own SSL context, so certificates are verified against
the same authorities, with the same ALPN. A proxied URL stays on httpx2
(``Http1.for_client`` says which). Its failures are httpx2's exceptions
(``ConnectError``, ``ReadError``, ``RemoteProtocolError`` ...), so callers map them as
they map httpx2's. A connection goes back to the pool only once its response was read
whole and the server keeps it alive; one whose response was cut short, or whose request
was cancelled, is closed.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncIterator
from typing import cast

import httptools
import httpx2
from httpx2._decoders import MultiDecoder  # how httpx2 decodes a content-encoded body

__all__ = ["Http1", "Http1Response"]

_PAUSE_AT = 1024 * 1024  # stop reading the socket while this much body waits to be read
_MAX_IDLE = 200  # kept-alive connections per upstream, as the httpx2 client keeps


class Http1Response:
    """What the fast path reads of a response: status, headers, body (whole or as it comes)."""

    def __init__(self, conn: _Connection) -> None:
        self._conn = conn
        self.status_code = 0
        self.headers: dict[str, str] = {}  # lower-cased names; repeated ones joined by ", "
        self.content = b""
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.sized = False  # a content-length or chunked body: its end is not the connection's
        self.complete = False
        self.read = False
        self.error: BaseException | None = None
        self.waiter: asyncio.Future[None] | None = None
        self._decoder: MultiDecoder | None = None

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def _wait(self) -> None:
        self.waiter = asyncio.get_running_loop().create_future()
        try:
            await self.waiter
        finally:
            self.waiter = None

    def _decoded(self, data: bytes) -> bytes:
        if self._decoder is None:
            return data
        return b"".join(self._decoder.decode(data))

    async def _next_raw(self) -> bytes | None:
        """The body bytes that have arrived since the last call, waiting for some; None at
        the end of the body."""
        while not self.chunks:
            if self.complete:
                return None
            if self.error is not None:
                raise self.error
            await self._wait()
        data = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        self.chunks.clear()
        self.buffered = 0
        self._conn.resume()
        return data

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The decoded body, a piece per network read (as much as has arrived)."""
        while (data := await self._next_raw()) is not None:
            if decoded := self._decoded(data):
                yield decoded
        if self._decoder is not None and (rest := b"".join(self._decoder.flush())):
            yield rest
        self._conn.finished(self)

    async def aread(self) -> bytes:
        """The whole decoded body (kept as ``content``: a second call returns it)."""
        if not self.read:
            parts = [piece async for piece in self.aiter_bytes()]
            self.content = parts[0] if len(parts) == 1 else b"".join(parts)
            self.read = True
        return self.content

    async def aclose(self) -> None:
        """Done with the response: its connection is kept when it was read whole."""
        self._conn.finished(self)


class _Connection(asyncio.Protocol):
    """One connection to the upstream and the response being read on it."""

    def __init__(self, pool: Http1) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.response: Http1Response | None = None
        self.closed = False
        self.paused = False
        self.interim = False

    # -- asyncio.Protocol ----------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.response is None:  # bytes nobody asked for: the connection is not reused
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(httpx2.RemoteProtocolError(f"the upstream's response is malformed: {exc}"))
            self.close()

    def eof_received(self) -> bool:
        self._ended()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended(exc)

    # -- httptools callbacks -----------------------------------------------------
    def on_header(self, name: bytes, value: bytes) -> None:
        response = self.response
        if response is None:
            return
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers = response.headers
        headers[key] = f"{headers[key]}, {text}" if key in headers else text

    def on_headers_complete(self) -> None:
        response = self.response
        if response is None:
            return
        status = self.parser.get_status_code()
        if status < 200:  # an interim response (100 Continue): the real one follows
            self.interim = True
            response.headers.clear()
            return
        response.status_code = status
        headers = response.headers
        response.sized = "content-length" in headers or "chunked" in headers.get(
            "transfer-encoding", ""
        )
        encoding = headers.get("content-encoding")
        if encoding:
            codings = [c.strip().lower() for c in encoding.split(",")]
            decoder = MultiDecoder([c for c in codings if c and c != "identity"])
            if decoder.children:
                response._decoder = decoder
        response._wake()

    def on_body(self, body: bytes) -> None:
        response = self.response
        if response is None or self.interim:
            return
        response.chunks.append(body)
        response.buffered += len(body)
        if response.buffered > _PAUSE_AT and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()
        response._wake()

    def on_message_complete(self) -> None:
        response = self.response
        if self.interim:
            self.interim = False
            return
        if response is None:
            return
        response.complete = True
        if not self.parser.should_keep_alive():
            self.closed = True  # told to close: it is closed once the response is read
        response._wake()

    # -- the pool's side ---------------------------------------------------------
    def _fail(self, error: BaseException) -> None:
        response = self.response
        if response is not None and not response.complete and response.error is None:
            response.error = error
            response._wake()

    def _ended(self, exc: Exception | None = None) -> None:
        self.closed = True
        response = self.response
        if response is None or response.complete:
            return
        if response.status_code and not response.sized and exc is None:
            response.complete = True  # a body that ends with its connection (closed, not cut)
            response._wake()
            return
        what = "a complete response" if response.status_code else "a response"
        detail = f": {exc}" if exc else ""
        self._fail(
            httpx2.RemoteProtocolError(f"the upstream closed the connection before {what}{detail}")
        )

    def resume(self) -> None:
        if self.paused and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()

    def finished(self, response: Http1Response) -> None:
        if self.response is not response:
            return
        self.response = None
        if response.complete and not self.closed and response.error is None:
            self.pool._release(self)
        else:
            self.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Http1:
    """A pool of kept-alive connections to one upstream (host and port), on one event loop,
    and the head of the one request it sends there (method, path and headers, as httpx2
    would send them)."""

    def __init__(
        self,
        host: str,
        port: int,
        head: bytes,
        *,
        connect_timeout_s: float,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.head = head
        self.connect_timeout_s = connect_timeout_s
        self.tls = tls
        self._idle: list[_Connection] = []

    @classmethod
    def for_client(
        cls,
        client: httpx2.AsyncClient,
        url: str,
        headers: dict[str, str],
        *,
        connect_timeout_s: float,
    ) -> Http1 | None:
        """POSTs to ``url`` with ``headers`` over this module, or None where ``client`` is
        the one to use: a URL a proxy stands in front of, a client whose transport is not
        httpx2's own, or a header that httpx2 would refuse."""
        target = httpx2.URL(url)
        if target.scheme not in ("http", "https") or not target.host:
            return None
        if client._transport_for_url(target) is not client._transport:  # a proxy's
            return None
        tls = None
        if target.scheme == "https":
            pool = getattr(client._transport, "_pool", None)
            tls = getattr(pool, "_ssl_context", None)
            if not isinstance(tls, ssl.SSLContext) or getattr(pool, "_http2", False):
                return None
            tls.set_alpn_protocols(["http/1.1"])  # what httpcore2 sets on it for HTTP/1.1
        merged = httpx2.Headers(client.headers)
        merged.update(headers)
        host = target.host if target.port is None else f"{target.host}:{target.port}"
        port = target.port or (443 if tls is not None else 80)
        lines = [f"POST {target.raw_path.decode('ascii')} HTTP/1.1", f"Host: {host}"]
        for name, value in merged.multi_items():
            if name.lower() in ("host", "content-length", "transfer-encoding"):
                continue
            if any(c in name or c in value for c in "\r\n\0"):
                return None
            lines.append(f"{name}: {value}")
        try:
            head = ("\r\n".join(lines) + "\r\nContent-Length: ").encode("latin-1")
        except UnicodeEncodeError:
            return None
        return cls(target.host, port, head, connect_timeout_s=connect_timeout_s, tls=tls)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                _, conn = await loop.create_connection(
                    lambda: _Connection(self),
                    self.host,
                    self.port,
                    ssl=self.tls,
                    server_hostname=self.host if self.tls is not None else None,
                )
        except TimeoutError as exc:
            raise httpx2.ConnectTimeout(f"timed out connecting to {self.host}:{self.port}") from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpx2.ConnectError(str(exc) or type(exc).__name__) from exc
        return conn

    def _release(self, conn: _Connection) -> None:
        if len(self._idle) < _MAX_IDLE:
            self._idle.append(conn)
        else:
            conn.close()

    async def post(self, body: bytes, *, stream: bool = False) -> Http1Response:
        """Send the request with ``body``; the response once its head is in (its body read
        whole too unless ``stream``). A failure or a cancellation closes the connection."""
        conn = None
        while self._idle:
            candidate = self._idle.pop()
            transport = candidate.transport
            if not candidate.closed and transport is not None and not transport.is_closing():
                conn = candidate
                break
        if conn is None:
            conn = await self._connect()
        response = Http1Response(conn)
        conn.response = response
        try:
            assert conn.transport is not None
            conn.transport.write(b"%s%d\r\n\r\n%s" % (self.head, len(body), body))
            while not response.status_code:
                if response.error is not None:
                    raise response.error
                await response._wait()
            if not stream:
                await response.aread()
        except BaseException:
            conn.response = None
            conn.close()
            raise
        return response

    def aclose(self) -> None:
        """Close the idle connections."""
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
