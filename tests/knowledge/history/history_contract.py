"""The contract every IngestHistory adapter passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from colonnade.knowledge.history import MAX_FAILURES, IngestHistory, IngestRecord
from colonnade.knowledge.models import FileFailure, IngestReport

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _record(collection: str, minutes: int, *, tenant: str = "acme", **counts: int) -> IngestRecord:
    report = IngestReport(collection, seconds=2.5, **counts)
    return IngestRecord.of(
        report,
        tenant=tenant,
        actor="alice",
        kind="upload",
        finished_at=T0 + timedelta(minutes=minutes),
    )


class IngestHistoryContract:
    def test_records_come_back_newest_first_and_whole(self, history: IngestHistory) -> None:
        report = IngestReport(
            "hr",
            added=1,
            updated=2,
            skipped=3,
            deleted=4,
            failed=[FileFailure("upload://broken.pdf", "parse_error", "not a PDF: export again")],
            seconds=1.25,
        )
        first = IngestRecord.of(
            report, tenant="acme", actor="bob", kind="queue", job_id="j1", finished_at=T0
        )
        history.add(first)
        history.add(_record("hr", 5, added=9))
        got = history.recent("acme")
        assert [r.added for r in got] == [9, 1]
        assert got[1] == first
        assert got[1].started_at == T0 - timedelta(seconds=1.25)
        assert got[1].failures[0].message == "not a PDF: export again"

    def test_records_of_one_finishing_instant_come_newest_written_first(
        self, history: IngestHistory
    ) -> None:
        for added in (1, 2, 3):
            history.add(_record("hr", 0, added=added))
        assert [r.added for r in history.recent("acme")] == [3, 2, 1]

    def test_another_tenants_records_never_appear(self, history: IngestHistory) -> None:
        history.add(_record("hr", 0, tenant="acme"))
        history.add(_record("hr", 1, tenant="globex"))
        assert [r.tenant for r in history.recent("acme")] == ["acme"]
        assert [r.tenant for r in history.recent("globex")] == ["globex"]
        assert history.recent("initech") == []

    def test_collection_and_limit_narrow_the_list(self, history: IngestHistory) -> None:
        for minute, collection in enumerate(["hr", "it", "hr", "hr"]):
            history.add(_record(collection, minute, added=minute))
        assert [r.added for r in history.recent("acme", collection="hr", limit=2)] == [3, 2]
        assert [r.added for r in history.recent("acme", collection="it")] == [1]

    def test_failures_are_bounded_but_all_counted(self, history: IngestHistory) -> None:
        failed = [FileFailure(f"upload://{i}.pdf", "parse_error", "x" * 5000) for i in range(80)]
        history.add(
            IngestRecord.of(IngestReport("hr", failed=failed), tenant="acme", actor="a", kind="cli")
        )
        (got,) = history.recent("acme")
        assert got.failed == 80 and len(got.failures) == MAX_FAILURES
        assert got.failures[0].source_uri == "upload://0.pdf"
        assert len(got.failures[0].message) < 1000
