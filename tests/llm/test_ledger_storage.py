"""The usage ledger's contract on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from colonnade.llm.accounting import CallRecord, UsageLedger
from colonnade.llm.accounting_postgres import PostgresUsageLedger

OpenLedger = Callable[[], UsageLedger]


def call(deployment: str, outcome: str = "ok", tokens: int = 10, **extra: object) -> CallRecord:
    return CallRecord(
        route="chat",
        deployment=deployment,
        path="managed",
        attempt=1,
        outcome=outcome,
        stream=False,
        prompt_tokens=tokens,
        completion_tokens=tokens // 2,
        estimated=False,
        cost_usd=0.001 * tokens,
        latency_ms=12.5,
        classification="internal",
        **extra,  # type: ignore[arg-type]
    )


class LedgerContract:
    def test_calls_are_summed_per_route_and_deployment(self, open_ledger: OpenLedger) -> None:
        ledger = open_ledger()
        ledger.record(call("a", tokens=10))
        ledger.record(call("a", outcome="timeout", tokens=0))
        ledger.record(call("b", tokens=20))
        ledger.record(call("b", tokens=20, shadow=True))
        summary = {r["deployment"]: r for r in ledger.summary()}
        assert summary["a"]["calls"] == 2 and summary["a"]["failures"] == 1
        assert summary["b"]["calls"] == 1  # the shadow call is not usage
        assert summary["b"]["prompt_tokens"] == 20 and summary["b"]["completion_tokens"] == 10
        assert summary["b"]["cost_usd"] == pytest.approx(0.02)
        assert summary["a"]["avg_latency_ms"] == pytest.approx(12.5)
        assert ledger.summary(since=9e12) == []
        newest = ledger.calls(limit=1)[0]
        assert (newest["deployment"], newest["shadow"]) == ("b", 1)
        assert len(ledger.calls()) == 4

    def test_shadow_comparisons_are_kept(self, open_ledger: OpenLedger) -> None:
        ledger = open_ledger()
        ledger.record_shadow(
            request_id="r1",
            route="chat",
            primary="a",
            candidate="b",
            primary_text="hello",
            candidate_text=None,
            candidate_error="timeout",
            primary_ms=3.0,
            candidate_ms=None,
        )
        [row] = ledger.shadows()
        assert (row["primary_deployment"], row["candidate_error"]) == ("a", "timeout")

    def test_replicas_write_to_one_ledger(self, open_ledger: OpenLedger) -> None:
        one, two = open_ledger(), open_ledger()
        one.record(call("a"))
        two.record(call("a"))
        one.flush()
        assert two.summary()[0]["calls"] == 2


class TestSQLiteLedger(LedgerContract):
    @pytest.fixture
    def open_ledger(self, tmp_path: Path) -> Iterator[OpenLedger]:
        opened: list[UsageLedger] = []

        def make() -> UsageLedger:
            opened.append(UsageLedger(tmp_path / "ledger.db"))
            return opened[-1]

        yield make
        for ledger in opened:
            ledger.close()


class TestPostgresLedger(LedgerContract):
    @pytest.fixture
    def open_ledger(self, postgres_url: str) -> Iterator[OpenLedger]:
        opened: list[UsageLedger] = []

        def make() -> UsageLedger:
            opened.append(PostgresUsageLedger(postgres_url, pool_size=2))
            return opened[-1]

        yield make
        for ledger in opened:
            ledger.close()
