"""The contract every audit chain storage passes (SQLite and PostgreSQL).

Subclass and provide ``open_storage`` (a new storage on one shared database, as
another process or replica would open it) and ``tamper`` (edits rows behind the
chain's back, as someone with database access could).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from colonnade.observability.audit import AuditLog
from colonnade.observability.audit_storage import AuditStorage


class Tamper(Protocol):
    def edit(self, seq: int, record: str) -> None: ...
    def drop(self, seq: int) -> None: ...


OpenStorage = Callable[[], AuditStorage]


class AuditStorageContract:
    def test_records_read_back_and_verify(self, open_storage: OpenStorage) -> None:
        log = AuditLog(open_storage(), batch=2)
        for i in range(5):
            log.append("answer" if i % 2 else "admin.key_created", tenant=f"t{i % 2}", n=i)
        records = list(log.records())
        assert [r["n"] for r in records] == [0, 1, 2, 3, 4]
        assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
        assert [r["n"] for r in log.records(tenant="t1")] == [1, 3]
        assert [r["n"] for r in log.records(action="admin.key_created", limit=2)] == [0, 2]
        since = datetime.now(UTC) - timedelta(minutes=5)
        assert len(list(log.records(since=since))) == 5
        assert list(log.records(since=datetime.now(UTC) + timedelta(minutes=5))) == []
        result = log.verify()
        assert (result.ok, result.records) == (True, 5)
        log.close()

    def test_a_changed_record_breaks_the_chain(
        self, open_storage: OpenStorage, tamper: Tamper
    ) -> None:
        log = AuditLog(open_storage())
        for i in range(4):
            log.append("answer", tenant="t", n=i)
        log.flush()
        [third] = [r for r in log.records() if r["seq"] == 3]
        tamper.edit(3, f'{{"action":"answer","at":"{third["at"]}","n":99,"tenant":"t"}}')
        result = log.verify()
        assert not result.ok and result.first_bad_seq == 3 and "changed" in result.reason
        log.close()

    def test_a_removed_record_breaks_the_chain(
        self, open_storage: OpenStorage, tamper: Tamper
    ) -> None:
        log = AuditLog(open_storage())
        for i in range(5):
            log.append("answer", tenant="t", n=i)
        log.flush()
        tamper.drop(3)
        result = log.verify()
        assert not result.ok and result.first_bad_seq == 4 and "missing" in result.reason
        log.close()

    def test_retention_anchors_the_rest(self, open_storage: OpenStorage) -> None:
        log = AuditLog(open_storage(), retention=timedelta(days=30))
        for i in range(3):
            log.append("answer", tenant="t", n=i)
        log.flush()
        assert log.purge(now=datetime.now(UTC) + timedelta(days=31)) == 3
        log.append("answer", tenant="t", n=3)
        result = log.verify()
        assert result.ok and result.records == 1
        assert [(r["seq"], r["n"]) for r in log.records()] == [(4, 3)]
        log.close()

    def test_concurrent_writers_keep_one_chain(self, open_storage: OpenStorage) -> None:
        """Two logs on one database (two replicas), each with two threads, append at once."""
        logs = [AuditLog(open_storage(), batch=3), AuditLog(open_storage(), batch=3)]
        errors: list[BaseException] = []

        def write(log: AuditLog, who: str) -> None:
            try:
                for i in range(30):
                    log.append("answer", tenant="t", who=who, n=i)
                log.flush()
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=write, args=(log, f"{r}-{t}"))
            for r, log in enumerate(logs)
            for t in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        result = logs[1].verify()
        assert (result.ok, result.records) == (True, 120)
        seen = {(r["who"], r["n"]) for r in logs[0].records()}
        assert len(seen) == 120
        for log in logs:
            log.close()
