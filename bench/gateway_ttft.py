"""Time to first streamed token for the gateway benchmark (bench/gateway.py): read off the
socket, the target figure, and through an httpx client, for comparison."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import h11
import httpx

__all__ = ["ttft", "ttft_httpx"]

PATH = "/v1/chat/completions"


async def ttft_httpx(
    url: str, headers: dict[str, str], body: dict[str, Any], n: int = 200
) -> list[float]:
    """Time to the first content line as an httpx client hands it over: the client's own work
    on the response head counts in it, and overlaps the wait for the token only where the head
    comes before the token (the upstream, the minimal proxy), not where it comes with it
    (Colonnade, which answers only once the first token is in, so that a failure before it can
    still fall back or be a clean error). Printed beside the socket figure, never the target."""
    streamed = {**body, "stream": True}
    out: list[float] = []
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        for _ in range(n):
            t0 = time.perf_counter()
            first = None
            try:
                async with client.stream("POST", PATH, json=streamed) as r:
                    async for line in r.aiter_lines():
                        if first is None and _has_token(line.encode()):
                            first = (time.perf_counter() - t0) * 1000
            except httpx.HTTPError:
                first = None  # counted as a miss (nan), the run goes on
            out.append(first if first is not None else float("nan"))
    return out


def _has_token(line: bytes) -> bool:
    """An SSE ``data:`` line whose chunk carries text (the role-only first chunk does not)."""
    if not line.startswith(b"data:") or line[5:].strip() == b"[DONE]":
        return False
    try:
        chunk = json.loads(line[5:])
    except ValueError:
        return False
    return any((c.get("delta") or {}).get("content") for c in chunk.get("choices") or ())


def ttft(url: str, headers: dict[str, str], body: dict[str, Any], n: int = 200) -> list[float]:
    """Time from sending a streamed request to the socket read that brought its first token.

    A blocking socket on one keep-alive connection. The reads are only timed and kept while
    the response comes in; h11 parses them afterwards, one read at a time, so the token is
    dated by the read that completed its line and no parsing delays the next read. The
    request goes out in one write."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    wire_body = json.dumps({**body, "stream": True}).encode()
    fields = [
        ("host", f"{host}:{port}"),
        ("content-type", "application/json"),
        ("content-length", str(len(wire_body))),
        *headers.items(),
    ]
    out: list[float] = []
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = h11.Connection(our_role=h11.CLIENT)
        for _ in range(n):
            wire = conn.send(h11.Request(method="POST", target=PATH, headers=fields))
            wire += conn.send(h11.Data(data=wire_body)) + conn.send(h11.EndOfMessage())
            t0 = time.perf_counter()
            sock.sendall(wire)
            reads = _read_response(sock)
            out.append(_first_token(conn, reads, t0))
            conn.start_next_cycle()
    return out


def _read_response(sock: socket.socket) -> list[tuple[bytes, float]]:
    """The reads of one response, each with the time it returned; the end is found from the
    bytes alone (a chunked body's last chunk, or a Content-Length body in full)."""
    reads: list[tuple[bytes, float]] = []
    seen = b""
    length: int | None = None
    head_end = -1
    while True:
        data = sock.recv(65536)
        reads.append((data, time.perf_counter()))
        if not data:
            return reads
        seen += data
        if head_end < 0 and (head_end := seen.find(b"\r\n\r\n")) >= 0:
            head = seen[:head_end].lower()
            if b"content-length:" in head:
                length = int(head.split(b"content-length:")[1].split(b"\r\n")[0])
        if head_end >= 0 and (
            seen.endswith(b"\r\n0\r\n\r\n")
            if length is None
            else len(seen) >= head_end + 4 + length
        ):
            return reads


def _first_token(conn: h11.Connection, reads: list[tuple[bytes, float]], t0: float) -> float:
    """Milliseconds from ``t0`` to the read that completed the first line carrying a token;
    nan for a response that is not a 200 stream with one."""
    status, pending, first = 0, b"", float("nan")
    for data, at in reads:
        conn.receive_data(data)
        while (event := conn.next_event()) is not h11.NEED_DATA:
            if isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data) and first != first:  # still nan
                *lines, pending = (pending + bytes(event.data)).split(b"\n")
                if status == 200 and any(_has_token(line) for line in lines):
                    first = (at - t0) * 1000
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                return first
    return first
