from __future__ import annotations

import io
import sys

import pytest

from colonnade.observability import configure_logging, get_logger


def test_logs_follow_the_current_stderr_even_after_a_swapped_stream_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gone = io.StringIO()
    monkeypatch.setattr(sys, "stderr", gone)
    configure_logging("INFO")
    gone.close()
    now = io.StringIO()
    monkeypatch.setattr(sys, "stderr", now)
    get_logger("t").info("still_logging", answer=42)
    assert "still_logging" in now.getvalue() and "answer=42" in now.getvalue()
