"""Attacks on governance: a tenant's admin reaching platform models and platform routes,
key managers acting on stronger keys, tokens without a tenant, counts that leak."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from colonnade.api import create_app
from colonnade.container import Container
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.mlplatform.registry import Registry
from colonnade.mlplatform.tracking import Tracking
from colonnade.mlplatform.training import train
from tests.api.conftest import Api, start_api
from tests.ml.conftest import APPROVER, churn_spec, ml_settings
from tests.security.conftest import Issuer, call, oidc_settings
from tests.servers import serve

ROW = {
    "contract": "month-to-month",
    "payment_method": "electronic-check",
    "tenure_months": 3.0,
    "monthly_charges": 99.5,
    "support_tickets": 4,
    "usage_gb": 20.0,
}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real server with churn (a platform model, v1 champion, v2 trained) and keys."""
    data = tmp_path_factory.mktemp("governance-ml")
    settings = ml_settings(data)
    settings.security.limits.enabled = False
    first = train(churn_spec(), settings, trained_by="trainer")
    train(churn_spec(seed=11), settings, trained_by="trainer")
    registry = Registry(Tracking.from_settings(settings))
    registry.promote("churn", first.version, "champion", APPROVER)
    assert first.baseline is not None
    registry.promote(first.baseline[0], first.baseline[1], "champion", APPROVER)
    registry.set_owner(first.baseline[0], "beta")  # the baseline belongs to tenant beta
    c = Container(settings)
    keys = {
        name: c.api_keys.create(name, tenant=tenant, roles=roles, created_by="t")[1]
        for name, tenant, roles in (
            ("beta_admin", "beta", ("admin",)),
            ("beta_reader", "beta", ("reader",)),
            ("alpha_admin", "alpha", ("admin",)),
            ("default_admin", "default", ("admin",)),
            ("operator", "default", ("operator",)),
            ("beta_operator", "beta", ("operator",)),  # the role outside the platform tenant
        )
    }
    c.close()
    with serve(create_app(settings)) as url:
        yield {"url": url, "keys": keys, "baseline": first.baseline[0]}


def _post(p: dict[str, Any], key: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.post(
        p["url"] + path,
        json=body,
        headers={"Authorization": f"Bearer {p['keys'][key]}"},
        timeout=60,
    )


def _get(p: dict[str, Any], key: str, path: str) -> httpx.Response:
    return httpx.get(
        p["url"] + path, headers={"Authorization": f"Bearer {p['keys'][key]}"}, timeout=60
    )


def _champion(p: dict[str, Any]) -> str:
    served = _get(p, "operator", "/v1/predictions/models").json()["data"]
    return str(next(m for m in served if m["model"] == "churn")["champion"]["version"])


@pytest.mark.parametrize(
    "attacker", ["beta_admin", "alpha_admin", "default_admin", "beta_operator"]
)
def test_only_a_platform_operator_changes_a_platform_model(
    platform: dict[str, Any], attacker: str
) -> None:
    before = _champion(platform)
    promote = _post(
        platform, attacker, "/v1/admin/models/churn/versions/2/promote", {"alias": "champion"}
    )
    assert promote.status_code == 403, promote.text
    assert "platform operator" in promote.json()["detail"]
    rollback = _post(platform, attacker, "/v1/admin/models/churn/rollback")
    assert rollback.status_code == 403, rollback.text
    challenger = _post(
        platform, attacker, "/v1/admin/models/churn/versions/2/promote", {"alias": "challenger"}
    )
    assert challenger.status_code == 403
    assert _champion(platform) == before  # every tenant's predictions are unchanged


def test_the_operator_promotes_and_rolls_back(platform: dict[str, Any]) -> None:
    r = _post(
        platform, "operator", "/v1/admin/models/churn/versions/2/promote", {"alias": "champion"}
    )
    assert r.status_code == 200, r.text
    r = _post(platform, "operator", "/v1/admin/models/churn/rollback")
    assert r.status_code == 200, r.text


def test_a_tenants_model_is_hidden_from_other_tenants(platform: dict[str, Any]) -> None:
    model = platform["baseline"]
    body = {"model": model, "features": ROW}
    assert _post(platform, "beta_reader", "/v1/predictions", body).status_code == 200
    for other in ("alpha_admin", "default_admin"):
        r = _post(platform, other, "/v1/predictions", body)
        assert r.status_code == 404, r.text
        assert _get(platform, other, f"/v1/admin/models/{model}/versions").status_code == 404
        assert _post(platform, other, f"/v1/admin/models/{model}/rollback").status_code == 404
        served = {
            m["model"] for m in _get(platform, other, "/v1/predictions/models").json()["data"]
        }
        assert model not in served and "churn" in served
        assert _get(platform, other, f"/v1/predictions/models/{model}/drift").status_code == 404
    # its own tenant's admin may manage it (the gate still applies)
    assert _get(platform, "beta_admin", f"/v1/admin/models/{model}/versions").status_code == 200


@pytest.mark.parametrize(
    "path", ["/metrics", "/v1/admin/llm", "/v1/admin/llm/usage", "/v1/admin/llm/shadows"]
)
def test_every_platform_route_refuses_tenant_admins(platform: dict[str, Any], path: str) -> None:
    for attacker in ("default_admin", "beta_admin", "beta_operator"):
        r = _get(platform, attacker, path)
        assert r.status_code == 403, (attacker, r.text)
    assert _get(platform, "operator", path).status_code != 403


def test_a_tenant_admin_cannot_mint_an_operator_key(platform: dict[str, Any]) -> None:
    for attacker in ("default_admin", "beta_admin"):
        r = _post(platform, attacker, "/v1/admin/keys", {"name": "x", "roles": ["operator"]})
        assert r.status_code == 403, r.text


# -- keys acting on stronger keys ----------------------------------------------------------
@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(
        tmp_path_factory.mktemp("keyed"),
        minilm,
        security={
            "limits": {"enabled": False},
            "roles": {
                "keymgr": ["manage_keys", "ask", "search", "read", "predict", "model:*", "tool:*"]
            },
        },
    )


def test_a_key_manager_cannot_revoke_or_inspect_a_stronger_key(keyed: Api) -> None:
    keys = keyed.container.api_keys
    admin, admin_token = keys.create("admin", tenant="default", roles=("admin",), created_by="t")
    contrib, _ = keys.create("contrib", tenant="default", roles=("contributor",), created_by="t")
    reader, _ = keys.create("reader", tenant="default", roles=("reader",), created_by="t")
    _, mgr = keys.create("mgr", tenant="default", roles=("keymgr",), created_by="t")
    for target in (admin, contrib):
        r = call(keyed, "DELETE", f"/v1/admin/keys/{target.id}", mgr)
        assert r.status_code == 403, r.text
        r = call(keyed, "GET", f"/v1/admin/usage/keys/{target.id}", mgr)
        assert r.status_code == 403, r.text
    assert call(keyed, "GET", "/v1/documents", admin_token).status_code == 200  # still works
    # a key it covers, it may revoke
    assert call(keyed, "DELETE", f"/v1/admin/keys/{reader.id}", mgr).status_code == 200
    # nor may it mint one stronger than itself
    r = call(keyed, "POST", "/v1/admin/keys", mgr, json={"name": "up", "roles": ["contributor"]})
    assert r.status_code == 403


def test_collections_count_only_documents_the_caller_may_open(
    tmp_path: Path, minilm: MiniLMEmbedder, issuer: Issuer
) -> None:
    for api in start_api(
        tmp_path, minilm, security={"oidc": oidc_settings(issuer), "limits": {"enabled": False}}
    ):
        hr = issuer.token("hana", tid="acme", groups=("hr",), roles=("contributor",))
        eng = issuer.token("bob", tid="acme", groups=("eng",))
        for i in range(3):
            r = call(
                api,
                "POST",
                "/v1/documents",
                hr,
                files={
                    "files": (f"pay{i}.md", f"# Pay {i}\n\nSalary band {i} is secret.".encode())
                },
                data={"collection": "mixed", "metadata": json.dumps({"acl": {"groups": ["hr"]}})},
            )
            assert r.status_code == 201, r.text
        r = call(
            api,
            "POST",
            "/v1/documents",
            hr,
            files={"files": ("open.md", b"# Open\n\nThe canteen opens at noon.")},
            data={"collection": "mixed"},
        )
        assert r.status_code == 201
        seen = {c["name"]: c for c in call(api, "GET", "/v1/collections", eng).json()}
        assert seen["mixed"]["documents"] == 1, seen
        own = {c["name"]: c for c in call(api, "GET", "/v1/collections", hr).json()}
        assert own["mixed"]["documents"] == 4
        assert seen["mixed"]["chunks"] < own["mixed"]["chunks"]


# -- tokens without a tenant ---------------------------------------------------------------
@pytest.mark.parametrize("tid", [None, "", 42, ["acme"]])
def test_a_token_without_a_tenant_is_refused(secure_api: Api, issuer: Issuer, tid: object) -> None:
    token = issuer.token("mallory", tid=tid, roles=("admin",))  # type: ignore[arg-type]
    r = call(secure_api, "GET", "/v1/collections", token)
    assert r.status_code == 401, r.text
    assert "tid" in r.json()["detail"]


def test_a_default_tenant_configured_on_purpose(
    tmp_path: Path, minilm: MiniLMEmbedder, issuer: Issuer
) -> None:
    for api in start_api(
        tmp_path,
        minilm,
        security={
            "oidc": oidc_settings(issuer, default_tenant="solo"),
            "limits": {"enabled": False},
        },
    ):
        r = call(api, "GET", "/v1/usage", issuer.token("ann", tid=None))
        assert r.status_code == 200 and r.json()["tenant"] == "solo"
        # and it is not the platform: no operator routes for it
        admin = issuer.token("ann", tid=None, roles=("admin", "operator"))
        assert call(api, "GET", "/metrics", admin).status_code == 403
