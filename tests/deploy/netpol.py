"""Who can open a connection to whom, by the rendered NetworkPolicies' rules.

A connection from a source to a destination pod on a port is allowed when the destination's
ingress and the source's egress both allow it. A pod that some policy of a type selects is
isolated for that type and allowed only what one of those policies' rules admits; a pod no
policy of that type selects is open. The release's policies live in its namespace and so only
isolate its pods: a source elsewhere (the ingress controller, Prometheus) is limited by the
destination's ingress only. Pod addresses are taken to lie outside every ``ipBlock`` (the
private endpoints' and firewall's subnets are not the pod range), so an ``ipBlock`` peer admits
addresses (``Peer.ip``), never a pod.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.deploy.manifests import NAMESPACE, pods
from tests.deploy.policies import _selects

__all__ = ["Peer", "allowed", "release_peers"]


@dataclass(frozen=True)
class Peer:
    """A pod (its namespace and labels) or, with ``ip``, an address outside the cluster."""

    name: str
    namespace: str = NAMESPACE
    labels: dict[str, str] = field(default_factory=dict)
    ip: str | None = None

    def namespace_labels(self) -> dict[str, str]:
        return {"kubernetes.io/metadata.name": self.namespace}


def release_peers(objects: list[dict[str, Any]]) -> list[Peer]:
    """One peer per pod the release makes, named after its owner."""
    return [Peer(p.owner, NAMESPACE, p.labels) for p in pods(objects)]


def _policies(objects: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == "NetworkPolicy"]


def _types(policy: dict[str, Any]) -> set[str]:
    spec = policy["spec"]
    declared = spec.get("policyTypes")
    if declared:
        return set(declared)
    return {"Ingress"} | ({"Egress"} if "egress" in spec else set())


def _peer_matches(rule_peer: dict[str, Any], other: Peer) -> bool:
    if "ipBlock" in rule_peer:
        if other.ip is None:
            return False
        block = rule_peer["ipBlock"]
        address = ipaddress.ip_address(other.ip)
        return address in ipaddress.ip_network(block["cidr"]) and not any(
            address in ipaddress.ip_network(c) for c in block.get("except", [])
        )
    if other.ip is not None:
        return False
    if "namespaceSelector" in rule_peer:
        if not _selects(rule_peer["namespaceSelector"], other.namespace_labels()):
            return False
    elif other.namespace != NAMESPACE:  # a bare podSelector means the policy's namespace
        return False
    return "podSelector" not in rule_peer or _selects(rule_peer["podSelector"], other.labels)


def _port_matches(ports: list[dict[str, Any]] | None, port: int) -> bool:
    if not ports:
        return True
    for p in ports:
        if p.get("protocol", "TCP") != "TCP":
            continue
        if "port" not in p:
            return True
        if not isinstance(p["port"], int):
            raise ValueError(f"named port {p['port']!r}: give NetworkPolicies numbers")
        if p["port"] <= port <= p.get("endPort", p["port"]):
            return True
    return False


def _side_allows(
    objects: list[dict[str, Any]], kind: str, pod: Peer, other: Peer, port: int
) -> bool:
    """Whether ``pod``'s policies of ``kind`` (Ingress or Egress) let ``other`` through."""
    key, peers_key = ("ingress", "from") if kind == "Ingress" else ("egress", "to")
    selecting = [
        p
        for p in _policies(objects)
        if kind in _types(p) and _selects(p["spec"].get("podSelector", {}), pod.labels)
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if (not peers or any(_peer_matches(r, other) for r in peers)) and _port_matches(
                rule.get("ports"), port
            ):
                return True
    return False


def allowed(objects: list[dict[str, Any]], src: Peer, dst: Peer, port: int) -> bool:
    """Whether ``src`` may open a TCP connection to ``dst`` on ``port``."""
    if src.ip is not None:
        raise ValueError("sources are pods")
    ingress_ok = (
        dst.ip is not None
        or dst.namespace != NAMESPACE
        or _side_allows(objects, "Ingress", dst, src, port)
    )
    egress_ok = src.namespace != NAMESPACE or _side_allows(objects, "Egress", src, dst, port)
    return ingress_ok and egress_ok
