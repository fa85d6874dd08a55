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


@pytest.mark.parametrize("json_logs", [False, True])
def test_tracebacks_never_print_local_variables(
    json_logs: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    from colonnade.observability import configure_logging, get_logger

    configure_logging("INFO", json=json_logs)

    def handler() -> None:
        authorization = "Bearer col_0123456789ab_secret-that-must-not-leak"  # noqa: F841
        raise RuntimeError("boom")

    try:
        handler()
    except RuntimeError:
        get_logger("t").exception("unhandled_error")
    err = capsys.readouterr().err
    assert "RuntimeError: boom" in err or "RuntimeError" in err
    assert "secret-that-must-not-leak" not in err
