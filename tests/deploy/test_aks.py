"""deploy/aks: Azure Service Operator resources valid against their CRDs, and agreeing with the
chart (pool labels and taints, the federated ServiceAccount, private-only data services)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.manifests import ROOT, find, profile_values, render
from tests.deploy.test_chart import validate_custom

AKS = ROOT / "deploy" / "aks"


def resources() -> list[dict[str, Any]]:
    return [d for f in sorted(AKS.glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d]


def pool(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = next(
        r["spec"]
        for r in resources()
        if r["kind"] == "ManagedClustersAgentPool" and r["spec"]["azureName"] == name
    )
    return spec


@pytest.mark.parametrize("path", sorted(AKS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_resource_validates(path: Path) -> None:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    assert docs
    assert [e for d in docs for e in validate_custom(d)] == []


def test_cluster_has_workload_identity_and_network_policy() -> None:
    cluster = next(r for r in resources() if r["kind"] == "ManagedCluster")["spec"]
    assert cluster["oidcIssuerProfile"]["enabled"] is True
    assert cluster["securityProfile"]["workloadIdentity"]["enabled"] is True
    assert cluster["networkProfile"]["networkPlugin"] == "azure"
    assert cluster["networkProfile"]["networkPolicy"] in ("azure", "calico", "cilium")
    assert cluster["addonProfiles"]["azureKeyvaultSecretsProvider"]["enabled"] is True
    (system,) = cluster["agentPoolProfiles"]
    assert system["mode"] == "System"


def test_node_pools_match_the_chart() -> None:
    values = profile_values("aks")
    chart_pools = yaml.safe_load((ROOT / "deploy/helm/colonnade/values.yaml").read_text())[
        "nodePools"
    ]
    assert "nodePools" not in values  # AKS labels nodes agentpool=<pool name>
    cpu, gpu, spot = pool("cpu"), pool("gpu"), pool("spot")
    assert (cpu["vmSize"], cpu["minCount"], cpu["maxCount"]) == ("Standard_D4s_v3", 3, 20)
    assert (gpu["vmSize"], gpu["minCount"], gpu["maxCount"]) == ("Standard_NC6s_v3", 0, 10)
    assert spot["scaleSetPriority"] == "Spot" and spot["minCount"] == 0
    assert all(p["enableAutoScaling"] for p in (cpu, gpu, spot))
    for name in ("cpu", "gpu", "spot"):
        assert chart_pools[name] == {"key": "agentpool", "value": name}
    # the taints are exactly what the chart's GPU and spot workloads tolerate
    objects = render("aks")
    isvc = find(objects, "InferenceService")["spec"]["predictor"]["tolerations"][0]
    assert gpu["nodeTaints"] == [f"{isvc['key']}=present:{isvc['effect']}"]
    job = find(objects, "Job")["spec"]["template"]["spec"]["tolerations"][0]
    assert spot["nodeTaints"] == [f"{job['key']}={job['value']}:{job['effect']}"]
    assert cpu.get("nodeTaints") is None  # the CPU pool takes the API and the workers


def test_federated_credential_trusts_the_charts_service_account() -> None:
    fic = next(r for r in resources() if r["kind"] == "FederatedIdentityCredential")["spec"]
    cluster = next(r for r in resources() if r["kind"] == "ManagedCluster")["spec"]
    assert fic["issuerFromConfig"] == cluster["operatorSpec"]["configMaps"]["oidcIssuerProfile"]
    sa = find(render("aks"), "ServiceAccount", "colonnade")
    assert fic["subject"] == f"system:serviceaccount:colonnade:{sa['metadata']['name']}"
    assert sa["metadata"]["annotations"]["azure.workload.identity/client-id"]


def test_data_services_are_private_and_keyless() -> None:
    by_kind = {r["kind"]: r["spec"] for r in resources()}
    assert by_kind["Vault"]["properties"]["publicNetworkAccess"] == "Disabled"
    assert by_kind["Vault"]["properties"]["enableRbacAuthorization"] is True
    assert by_kind["FlexibleServer"]["network"]["publicNetworkAccess"] == "Disabled"
    assert set(by_kind["FlexibleServer"]["administratorLoginPassword"]) == {"name", "key"}
    assert by_kind["Redis"]["publicNetworkAccess"] == "Disabled"
    assert by_kind["Redis"]["enableNonSslPort"] is False
    endpoints = [r for r in resources() if r["kind"] == "PrivateEndpoint"]
    targets = {
        c["privateLinkServiceReference"]["kind"]
        for e in endpoints
        for c in e["spec"]["privateLinkServiceConnections"]
    }
    assert targets == {"Vault", "FlexibleServer", "Redis"}


def test_argo_cd_application_points_at_the_chart_and_its_aks_profile() -> None:
    app = yaml.safe_load((ROOT / "deploy" / "argocd" / "colonnade.yaml").read_text())
    assert (app["apiVersion"], app["kind"]) == ("argoproj.io/v1alpha1", "Application")
    source = app["spec"]["source"]
    chart = ROOT / source["path"]
    assert (chart / "Chart.yaml").is_file()
    assert all((chart / f).is_file() for f in source["helm"]["valueFiles"])
    assert source["helm"]["releaseName"] == "colonnade"  # the name the federated subject expects
    assert app["spec"]["destination"]["namespace"] == "colonnade"
    assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
