"""The registry workflow on MLflow's model registry: aliases, a promotion gate, history.

Aliases say what serves: ``staging`` (just trained), ``challenger`` (canary or shadow
traffic) and ``champion`` (everything else). Promotion to ``challenger`` or
``champion`` is a gate: the version's held-out metrics must pass the thresholds its
pipeline declared and, for the metrics it names in ``compare``, be no worse than its
baseline's (on the same split) and the current champion's; and an approver (a
principal whose roles grant ``approve_models``, and not the one who trained it unless
``ml.approver_may_train``) signs off. A failed gate marks the version rejected.
Every act is appended to the version's ``colonnade.history`` tag, so rejected,
retired and rolled-back versions keep their story; the model's
``colonnade.champions`` tag is the stack that ``rollback`` pops.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from colonnade.errors import Conflict, Forbidden, InvalidInput, NotFound
from colonnade.mlplatform.spec import GateSpec
from colonnade.mlplatform.tracking import Tracking
from colonnade.settings import Settings

__all__ = [
    "ALIASES",
    "HISTORY_TAG",
    "Approver",
    "GateFailed",
    "ModelVersionInfo",
    "Registry",
    "event",
]

HISTORY_TAG = "colonnade.history"
CHAMPIONS_TAG = "colonnade.champions"
OWNER_TAG = "colonnade.tenant"  # absent: a platform model, changed only by platform operators
FALLBACK_TAG = "colonnade.fallback"
ALIASES = ("staging", "challenger", "champion")
GATED = ("challenger", "champion")


class Approver(Protocol):
    """Who signs off: the API's ``Principal`` is one (the registry needs no more of it)."""

    @property
    def user(self) -> str: ...

    @property
    def owner(self) -> str: ...

    def can(self, permission: str) -> bool: ...


class GateFailed(Conflict):
    code = "gate_failed"


def event(action: str, *, by: str, **data: Any) -> dict[str, Any]:
    return {"at": round(time.time(), 3), "action": action, "by": by, **data}


@dataclass
class ModelVersionInfo:
    model: str
    version: str
    run_id: str
    aliases: list[str]
    tags: dict[str, str]
    created: float
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.tags.get("colonnade.status", "unknown")

    @property
    def metrics(self) -> dict[str, float]:
        loaded: dict[str, float] = json.loads(self.tags.get("colonnade.metrics", "{}"))
        return loaded

    @property
    def baseline_metrics(self) -> dict[str, float]:
        """The baseline's metrics on this version's own held-out split (empty without one)."""
        loaded: dict[str, float] = json.loads(self.tags.get("colonnade.baseline_metrics", "{}"))
        return loaded

    @property
    def serving_path(self) -> str:
        return self.tags.get("colonnade.serving_path", "serving")


class Registry:
    def __init__(self, tracking: Tracking) -> None:
        self.tracking = tracking
        self.client = tracking.client()

    @classmethod
    def from_settings(cls, settings: Settings) -> Registry:
        return cls(Tracking.from_settings(settings))

    # reading ------------------------------------------------------------------------------
    def models(self) -> list[str]:
        return sorted(m.name for m in self.client.search_registered_models())

    def owner(self, name: str) -> str | None:
        """The tenant a model belongs to; None for a platform model."""
        tag = dict(self._exists(name).tags or {}).get(OWNER_TAG)
        return str(tag) if tag else None

    def owners(self) -> dict[str, str | None]:
        return {
            m.name: (dict(m.tags or {}).get(OWNER_TAG) or None)
            for m in self.client.search_registered_models()
        }

    def set_owner(self, name: str, tenant: str | None) -> None:
        """Give a model to a tenant (its approvers promote it), or back to the platform."""
        self._exists(name)
        if tenant:
            self.client.set_registered_model_tag(name, OWNER_TAG, tenant)
        else:
            self.client.delete_registered_model_tag(name, OWNER_TAG)

    def versions(self, name: str) -> list[ModelVersionInfo]:
        aliases = dict(self._exists(name).aliases or {})
        found = self.client.search_model_versions(f"name='{_quote(name)}'")
        out = [self._info(v) for v in found]
        for info in out:  # search results carry no aliases; the registered model does
            info.aliases = sorted(a for a, v in aliases.items() if str(v) == info.version)
        return sorted(out, key=lambda v: int(v.version))

    def version(self, name: str, version: str) -> ModelVersionInfo:
        from mlflow.exceptions import MlflowException

        self._exists(name)
        try:
            return self._info(self.client.get_model_version(name, version))
        except MlflowException as exc:
            raise NotFound(f"model {name!r} has no version {version}") from exc

    def by_alias(self, name: str, alias: str) -> ModelVersionInfo | None:
        from mlflow.exceptions import MlflowException

        try:
            return self._info(self.client.get_model_version_by_alias(name, alias))
        except MlflowException:
            return None

    def download(self, info: ModelVersionInfo) -> Path:
        """The version's serving folder (spec.json, model.onnx, reference.parquet), cached."""
        import mlflow.artifacts

        target = self.tracking.cache / info.model / info.version
        done = target / ".complete"
        if not done.exists():
            target.mkdir(parents=True, exist_ok=True)
            mlflow.artifacts.download_artifacts(
                run_id=info.run_id,
                artifact_path=info.serving_path,
                dst_path=str(target),
                tracking_uri=self.tracking.uri,
            )
            done.touch()
        return target / info.serving_path

    # writing ------------------------------------------------------------------------------
    def annotate(self, name: str, version: str, tags: dict[str, str]) -> None:
        for key, value in tags.items():
            self.client.set_model_version_tag(name, version, key, value)

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self.client.set_registered_model_alias(name, alias, version)

    def set_fallback(self, name: str, fallback: str) -> None:
        self.client.set_registered_model_tag(name, FALLBACK_TAG, fallback)

    def _record(self, info: ModelVersionInfo, status: str | None, entry: dict[str, Any]) -> None:
        history = [*info.history, entry]
        tags = {HISTORY_TAG: json.dumps(history)}
        if status is not None:
            tags["colonnade.status"] = status
        self.annotate(info.model, info.version, tags)

    def promote(
        self,
        name: str,
        version: str,
        alias: str,
        approver: Approver,
        *,
        note: str = "",
        approver_may_train: bool = False,
    ) -> ModelVersionInfo:
        if alias not in ALIASES:
            raise InvalidInput(f"alias {alias!r}: use one of {', '.join(ALIASES)}")
        info = self.version(name, version)
        who = approver.owner
        if alias in GATED:
            if not approver.can("approve_models"):
                raise Forbidden(
                    f"{who} may not approve models: a role granting 'approve_models' is needed",
                    code="approval_required",
                )
            trainer = info.tags.get("colonnade.trained_by", "")
            if not approver_may_train and trainer in (approver.user, who):
                raise Forbidden(
                    f"{who} trained version {version}: another approver must sign off "
                    "(or set ml.approver_may_train)",
                    code="four_eyes",
                )
            if info.status == "rejected":
                raise Conflict(
                    f"{name} version {version} was rejected; train a new version instead"
                )
            gate = GateSpec.model_validate_json(info.tags.get("colonnade.gate", "{}"))
            failures = gate.failures(info.metrics)
            failures += gate.worse_than(info.metrics, info.baseline_metrics, "baseline")
            champion = self.by_alias(name, "champion")
            if champion is not None and champion.version != info.version:
                failures += gate.worse_than(
                    info.metrics, champion.metrics, f"champion (version {champion.version})"
                )
            if failures:
                self._record(
                    info, "rejected", event("rejected", by=who, alias=alias, reasons=failures)
                )
                raise GateFailed(
                    f"{name} version {version} fails its gate: {'; '.join(failures)}",
                    failures=failures,
                )
        current = self.by_alias(name, alias)
        if current is not None and current.version == info.version:
            return info
        if alias == "champion":
            stack = self._champions(name)
            if current is not None:
                stack.append(current.version)
                self._record(current, "retired", event("retired", by=who, replaced_by=version))
            self.client.set_registered_model_tag(name, CHAMPIONS_TAG, json.dumps(stack[-50:]))
        self.set_alias(name, alias, info.version)
        self._record(info, alias, event("promoted", by=who, alias=alias, note=note))
        return self.version(name, version)

    def reject(self, name: str, version: str, approver: Approver, reason: str) -> ModelVersionInfo:
        info = self.version(name, version)
        for alias in info.aliases:
            if alias in GATED:
                raise Conflict(f"{name} version {version} is {alias}: roll it back first")
        self._record(info, "rejected", event("rejected", by=approver.owner, reasons=[reason]))
        return self.version(name, version)

    def rollback(self, name: str, approver: Approver, *, note: str = "") -> ModelVersionInfo:
        """Put the previous champion back; the current one is marked rolled back."""
        if not approver.can("approve_models"):
            raise Forbidden(
                f"{approver.owner} may not roll back models: a role granting "
                "'approve_models' is needed",
                code="approval_required",
            )
        self._exists(name)
        stack = self._champions(name)
        current = self.by_alias(name, "champion")
        if not stack:
            raise Conflict(f"{name} has no earlier champion to roll back to")
        previous = self.version(name, stack.pop())
        self.set_alias(name, "champion", previous.version)
        self.client.set_registered_model_tag(name, CHAMPIONS_TAG, json.dumps(stack))
        if current is not None:
            self._record(
                current,
                "rolled_back",
                event("rolled_back", by=approver.owner, restored=previous.version, note=note),
            )
        self._record(previous, "champion", event("restored", by=approver.owner, note=note))
        return self.version(name, previous.version)

    # helpers ------------------------------------------------------------------------------
    def _champions(self, name: str) -> list[str]:
        tags = self.client.get_registered_model(name).tags
        stack: list[str] = json.loads(tags.get(CHAMPIONS_TAG, "[]"))
        return stack

    def _exists(self, name: str) -> Any:
        from mlflow.exceptions import MlflowException

        try:
            return self.client.get_registered_model(name)
        except MlflowException as exc:
            known = ", ".join(self.models()) or "none yet: run `colonnade train PIPELINE`"
            raise NotFound(f"no registered model {name!r} (registered: {known})") from exc

    def _info(self, v: Any) -> ModelVersionInfo:
        tags = dict(v.tags or {})
        return ModelVersionInfo(
            model=v.name,
            version=str(v.version),
            run_id=v.run_id or "",
            aliases=list(getattr(v, "aliases", []) or []),
            tags=tags,
            created=(v.creation_timestamp or 0) / 1000,
            history=json.loads(tags.get(HISTORY_TAG, "[]")),
        )


def _quote(name: str) -> str:
    return name.replace("'", "\\'")
