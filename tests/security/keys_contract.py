"""The contract every API key storage passes (SQLite and PostgreSQL).

Subclass and provide ``open_keys``: a new ``ApiKeyStore`` on one shared database, as
another process or replica would open it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from colonnade.errors import InvalidInput, NotFound, Unauthorized
from colonnade.identity import ApiKeyStore

OpenKeys = Callable[[], ApiKeyStore]


class ApiKeyStoreContract:
    def test_a_key_works_once_created_and_its_secret_is_not_stored(
        self, open_keys: OpenKeys
    ) -> None:
        keys = open_keys()
        key, token = keys.create("bot", tenant="acme", roles=("reader",), created_by="ann")
        assert token.startswith(f"col_{key.id}_")
        secret = token.removeprefix(f"col_{key.id}_")  # the secret itself may hold "_"
        assert len(secret) == 43 and secret not in repr(keys.rows.get(key.id))
        got = keys.authenticate(token)
        assert (got.id, got.tenant, got.roles, got.created_by) == (
            key.id,
            "acme",
            ("reader",),
            "ann",
        )
        assert got.state(datetime.now(UTC)) == "active"
        assert keys.get(key.id, tenant="acme") is not None
        assert keys.authenticate(token).last_used_at is not None

    def test_wrong_secrets_and_malformed_tokens_are_refused(self, open_keys: OpenKeys) -> None:
        keys = open_keys()
        _, token = keys.create("bot", tenant="t", roles=("reader",), created_by="ann")
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "col_x", "", "nonsense"):
            with pytest.raises(Unauthorized, match="not valid"):
                keys.authenticate(bad)

    def test_tenants_list_only_their_keys(self, open_keys: OpenKeys) -> None:
        keys = open_keys()
        a, _ = keys.create("a", tenant="t1", roles=("reader",), created_by="x")
        b, _ = keys.create("b", tenant="t2", roles=("admin",), created_by="x")
        assert [k.id for k in keys.list(tenant="t1")] == [a.id]
        assert {k.id for k in keys.list(tenant=None)} == {a.id, b.id}
        assert keys.get(a.id, tenant="t2") is None
        with pytest.raises(NotFound):
            keys.revoke(a.id, tenant="t2")

    def test_revoked_and_expired_keys_stop_working(self, open_keys: OpenKeys) -> None:
        keys = open_keys()
        key, token = keys.create("bot", tenant="t", roles=("reader",), created_by="x")
        revoked = keys.revoke(key.id, tenant="t")
        assert revoked.revoked_at is not None
        assert keys.revoke(key.id, tenant="t").revoked_at == revoked.revoked_at
        with pytest.raises(Unauthorized, match="revoked"):
            keys.authenticate(token)
        soon = datetime.now(UTC) + timedelta(milliseconds=50)
        short, _ = keys.create(
            "short", tenant="t", roles=("reader",), created_by="x", expires_at=soon
        )
        assert short.expires_at == soon
        assert short.state(soon + timedelta(seconds=1)) == "expired"
        with pytest.raises(InvalidInput, match="past"):
            keys.create(
                "old",
                tenant="t",
                roles=("reader",),
                created_by="x",
                expires_at=soon - timedelta(days=1),
            )
        with pytest.raises(InvalidInput):
            keys.create("no roles", tenant="t", roles=(), created_by="x")

    def test_a_key_made_through_one_replica_works_on_another(self, open_keys: OpenKeys) -> None:
        one, two = open_keys(), open_keys()
        key, token = one.create("bot", tenant="t", roles=("reader",), created_by="x")
        assert two.authenticate(token).id == key.id
        two.revoke(key.id, tenant="t")
        with pytest.raises(Unauthorized, match="revoked"):
            one.authenticate(token)
