"""The per-document time budget interrupts a busy parser thread and never leaks."""

from __future__ import annotations

import threading

import pytest

from colonnade.errors import DocumentError
from colonnade.knowledge.budget import OverBudget, time_budget


def _spin() -> None:
    while True:  # a parser stuck in pure Python
        pass


def test_a_busy_block_is_interrupted_with_a_reason() -> None:
    with (
        pytest.raises(DocumentError, match=r"ingestion\.max_seconds_per_document") as caught,
        time_budget(0.05, "slow.docx"),
    ):
        _spin()
    assert caught.value.reason == "over_budget"


def test_blocks_ending_at_their_deadline_leave_no_stray_interrupt() -> None:
    outcomes = {"ok": 0, "over": 0}
    for _ in range(300):
        try:
            with time_budget(0.0005, "edge.md"):
                sum(range(3000))
            outcomes["ok"] += 1
        except DocumentError:
            outcomes["over"] += 1
        try:
            sum(range(20000))  # an interrupt left pending would land here
        except OverBudget:  # pragma: no cover - the failure this test looks for
            pytest.fail("a budget's interrupt escaped after its block ended")
    assert outcomes["ok"] + outcomes["over"] == 300


def test_the_budget_applies_to_the_thread_that_set_it() -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with time_budget(0.05, "worker.pptx"):
                _spin()
        except BaseException as exc:  # the test inspects whatever arrived
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert [type(e) for e in errors] == [DocumentError]
    with time_budget(0, "unlimited.txt"):  # 0: no limit, nothing armed
        sum(range(1000))
