"""The audit chain's contract, shared by every storage adapter (SQLite file, PostgreSQL).

Each adapter's test class provides ``open_trail`` (a new ``AuditLog`` on the same chain
each call: another process or replica) and ``tamper`` (runs SQL on the chain's database
the way an attacker holding no key could).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr

from colonnade.observability.audit import AuditLog

OpenTrail = Callable[..., AuditLog]
Tamper = Callable[[str], None]
KEY = SecretStr("contract-audit-key-0123456789")


class AuditChainContract:
    def test_records_chain_and_verify(self, open_trail: OpenTrail) -> None:
        trail = open_trail()
        for i in range(5):
            trail.append("answer", tenant="acme" if i % 2 else "globex", n=i)
        result = trail.verify()
        assert result.ok and result.records == 5, result
        records = list(trail.records())
        assert [r["n"] for r in records] == [0, 1, 2, 3, 4]
        assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
        acme = list(trail.records(tenant="acme"))
        assert [(r["seq"], r["n"]) for r in acme] == [(1, 1), (2, 3)]  # the tenant's own numbers
        assert trail.verify("acme").ok and trail.verify("acme").records == 2
        assert [r["n"] for r in trail.records(action="answer", limit=2)] == [0, 1]

    def test_a_second_writer_extends_the_same_chain(self, open_trail: OpenTrail) -> None:
        one, two = open_trail(), open_trail()
        one.append("answer", tenant="acme", n=1, now=True)
        two.append("answer", tenant="acme", n=2, now=True)
        one.append("answer", tenant="acme", n=3, now=True)
        for trail in (one, two):
            result = trail.verify()
            assert result.ok and result.records == 3, result
        assert [r["n"] for r in two.records(tenant="acme")] == [1, 2, 3]

    def test_concurrent_appends_from_several_writers_stay_one_chain(
        self, open_trail: OpenTrail
    ) -> None:
        writers = [open_trail(batch=3) for _ in range(3)]

        def write(i: int) -> None:
            writers[i % 3].append("answer", tenant=f"t{i % 2}", n=i)
            if i % 5 == 0:
                writers[i % 3].flush()

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(write, range(60)))
        for w in writers:
            w.flush()
        result = writers[0].verify()
        assert result.ok and result.records == 60, result
        assert sorted(r["n"] for r in writers[1].records()) == list(range(60))
        assert writers[2].verify("t0").ok and writers[2].verify("t1").records == 30

    def test_deleting_a_middle_record_is_found(self, open_trail: OpenTrail, tamper: Tamper) -> None:
        trail = open_trail()
        for i in range(5):
            trail.append("answer", tenant="t", n=i)
        trail.flush()
        tamper("DELETE FROM audit_log WHERE seq = 3")
        result = trail.verify()
        assert not result.ok and result.first_bad_seq == 4 and "missing" in result.reason

    def test_deleting_the_newest_records_is_found(
        self, open_trail: OpenTrail, tamper: Tamper
    ) -> None:
        trail = open_trail()
        for i in range(4):
            trail.append("answer", tenant="t", n=i)
        trail.flush()
        tamper("DELETE FROM audit_log WHERE seq >= 3")
        result = trail.verify()
        assert not result.ok and "newest" in result.reason
        assert not trail.verify("t").ok

    def test_an_edited_record_or_column_is_found(
        self, open_trail: OpenTrail, tamper: Tamper
    ) -> None:
        trail = open_trail()
        for i in range(3):
            trail.append("answer", tenant="t", n=i, principal=f"u{i}")
        trail.flush()
        tamper("UPDATE audit_log SET record = replace(record, '\"u1\"', '\"nobody\"')")
        assert not trail.verify().ok
        assert "changed" in trail.verify().reason

    def test_moving_a_record_to_another_tenant_is_found(
        self, open_trail: OpenTrail, tamper: Tamper
    ) -> None:
        trail = open_trail()
        for i in range(3):
            trail.append("answer", tenant="a" if i else "b", n=i)
        trail.flush()
        tamper("UPDATE audit_log SET tenant = 'a' WHERE seq = 1")
        assert not trail.verify().ok

    def test_another_key_cannot_verify_or_extend_silently(
        self, open_trail: OpenTrail, tamper: Tamper
    ) -> None:
        trail = open_trail()
        trail.append("answer", tenant="t", n=1, now=True)
        other = open_trail(key=SecretStr("a-different-key-0123456789"))
        result = other.verify()
        assert not result.ok and "key" in result.reason

    def test_retention_moves_the_anchors_and_keeps_the_rest_verifiable(
        self, open_trail: OpenTrail
    ) -> None:
        trail = open_trail(retention=timedelta(days=30))
        for i in range(3):
            trail.append("answer", tenant="t", n=i)
        trail.flush()
        assert trail.purge(now=datetime.now(UTC) + timedelta(days=31)) == 3
        trail.append("answer", tenant="t", n=3)
        result = trail.verify()
        assert result.ok and result.records == 1, result
        assert [(r["seq"], r["n"]) for r in trail.records()] == [(4, 3)]
        assert trail.verify("t").ok
        again = open_trail()  # another writer picks the anchors up from the head
        again.append("answer", tenant="t", n=4, now=True)
        assert again.verify().ok and again.verify().records == 2

    def test_records_since_a_time(self, open_trail: OpenTrail) -> None:
        trail = open_trail()
        trail.append("answer", tenant="t", n=1, now=True)
        later: Any = datetime.now(UTC) + timedelta(seconds=1)
        assert list(trail.records(since=later)) == []
        assert len(list(trail.records(since=datetime.now(UTC) - timedelta(minutes=1)))) == 1
