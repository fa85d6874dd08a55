"""The ``data:`` payloads of a server-sent event stream, split from the bytes as they arrive.

An OpenAI-compatible stream sends one JSON chunk per ``data:`` line and ends with
``data: [DONE]``. Reading it a network read at a time, rather than a line at a time,
hands the gateway every chunk that came in one read as one batch, each payload still the
upstream's own bytes, so that it can relay them in one write without encoding them again.
"""

from __future__ import annotations

__all__ = ["DataLines"]

_DONE = b"[DONE]"


class DataLines:
    """Feed it bytes; it returns the complete ``data:`` payloads, up to ``[DONE]``.

    Lines may end in ``\\n``, ``\\r\\n`` or ``\\r``; a line cut between two reads waits for
    the rest. Other fields (``event:``, ``id:``) and comments (``: keep-alive``) are skipped.
    """

    __slots__ = ("_pending", "done")

    def __init__(self) -> None:
        self.done = False
        self._pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        lines = (self._pending + data if self._pending else data).splitlines(keepends=True)
        # the last line is not complete without its end; a lone \r may be half of \r\n
        self._pending = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        return self._payloads(lines)

    def end(self) -> list[bytes]:
        """The stream closed: what is left is a last line without its end."""
        rest, self._pending = self._pending, b""
        return self._payloads([rest]) if rest else []

    def _payloads(self, lines: list[bytes]) -> list[bytes]:
        out = []
        for line in lines:
            if self.done:
                break
            if line.startswith(b"data:"):
                payload = line[5:].strip()
                if payload == _DONE:
                    self.done = True
                else:
                    out.append(payload)
        return out
