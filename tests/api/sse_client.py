"""Reading a text/event-stream response into (event, data) pairs, as a browser would."""

from __future__ import annotations

import json
from typing import Any

import httpx


def read_events(response: httpx.Response) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    buffer = ""
    for text in response.iter_text():
        buffer += text
        while "\n\n" in buffer:
            frame, buffer = buffer.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line)
            events.append((fields["event"], json.loads(fields["data"])))
    assert buffer == "", f"stream ended inside an event: {buffer!r}"
    return events
