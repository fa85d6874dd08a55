from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from colonnade.knowledge.history import IngestRecord
from colonnade.knowledge.history.sqlite import SQLiteIngestHistory
from colonnade.knowledge.models import IngestReport
from tests.knowledge.history.history_contract import IngestHistoryContract


class TestSQLiteIngestHistory(IngestHistoryContract):
    @pytest.fixture
    def history(self, tmp_path: Path) -> Iterator[SQLiteIngestHistory]:
        h = SQLiteIngestHistory(tmp_path / "colonnade.db")
        yield h
        h.close()


def test_records_outlive_the_store_that_wrote_them(tmp_path: Path) -> None:
    """A record written by one process (a worker, the CLI) is read by another (the API)."""
    writer = SQLiteIngestHistory(tmp_path / "colonnade.db")
    writer.add(IngestRecord.of(IngestReport("hr", added=1), tenant="t", actor="a", kind="cli"))
    writer.close()
    reader = SQLiteIngestHistory(tmp_path / "colonnade.db")
    assert [(r.kind, r.added) for r in reader.recent("t")] == [("cli", 1)]
    reader.close()
