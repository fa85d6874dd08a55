"""Every tool call goes through here: permission, tenant allow-list, argument schema,
approval for high-risk tools, bounded and injection-checked results, an audit record.

``ToolGateway`` is what the orchestrator, the API and the CLI call; a tool never runs any
other way. The audit record holds hashes of the arguments and the result, not their
text: it explains a call later without copying business data into the trail.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from colonnade.errors import ColonnadeError, Forbidden, InvalidInput
from colonnade.identity import Principal
from colonnade.safety.injection import check_injection, quote_as_data
from colonnade.settings import ToolsSettings
from colonnade.tools.approvals import Approval, ApprovalStore, arguments_hash
from colonnade.tools.ports import ToolRegistry, ToolResult, ToolSpec

if TYPE_CHECKING:
    from colonnade.observability.audit import AuditLog

__all__ = ["ToolGateway", "ToolOutcome", "bound_result"]

WITHHELD = "[withheld: the tool's result carried instructions to the assistant]"


@dataclass(slots=True)
class ToolOutcome:
    """A governed call's outcome: ``done`` with a result safe to put in a prompt, or
    ``pending_approval`` with the approval to wait for."""

    status: Literal["done", "pending_approval"]
    tool: str
    risk: str
    text: str = ""
    data: Any = None
    is_error: bool = False
    approval: Approval | None = None
    injection: tuple[str, ...] = ()
    truncated: bool = False
    latency_ms: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    def public(self, now: float | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status,
            "tool": self.tool,
            "risk": self.risk,
            "text": self.text,
            "data": self.data,
            "is_error": self.is_error,
            "injection": list(self.injection),
            "truncated": self.truncated,
            "latency_ms": self.latency_ms,
        }
        if self.approval is not None:
            out["approval"] = self.approval.public(time.time() if now is None else now)
        return out


def _sha(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def bound_result(result: ToolResult, max_chars: int) -> tuple[str, Any, bool]:
    """The result's text cut to ``max_chars``, and its data dropped when it is larger."""
    text, data, truncated = result.text, result.data, False
    if len(text) > max_chars:
        text = text[:max_chars] + f"\n[truncated: the result had {len(result.text)} characters]"
        truncated = True
    if data is not None:
        try:
            size = len(json.dumps(data, default=str))
        except (TypeError, ValueError):
            data, truncated = None, True
        else:
            if size > max_chars:
                data, truncated = None, True
    return text, data, truncated


class ToolGateway:
    def __init__(
        self,
        registry: ToolRegistry,
        settings: ToolsSettings,
        *,
        approvals: ApprovalStore | None,
        audit: AuditLog | None,
    ) -> None:
        self.registry = registry
        self.settings = settings
        self.approvals = approvals
        self.audit = audit
        self._validators: dict[str, Draft202012Validator] = {}

    # -- who may call what ------------------------------------------------------------------
    def allowed(self, principal: Principal, name: str) -> bool:
        if not principal.can(f"tool:{name}"):
            return False
        listed = self.settings.allow.get(principal.tenant)
        return listed is None or "*" in listed or name in listed

    def visible(self, principal: Principal) -> list[ToolSpec]:
        """The tools this principal may call, in its tenant."""
        return [s for s in self.registry.specs() if self.allowed(principal, s.name)]

    def _validator(self, spec: ToolSpec) -> Draft202012Validator:
        v = self._validators.get(spec.name)
        if v is None:
            try:
                Draft202012Validator.check_schema(dict(spec.input_schema))
            except SchemaError as exc:
                raise ColonnadeError(
                    f"tool {spec.name} declares an invalid input schema: {exc.message}"
                ) from exc
            v = Draft202012Validator(dict(spec.input_schema))
            self._validators[spec.name] = v
        return v

    def validate(self, spec: ToolSpec, arguments: Any) -> dict[str, Any]:
        if not isinstance(arguments, Mapping):
            raise InvalidInput(f"the arguments of tool {spec.name} must be a JSON object")
        errors = sorted(self._validator(spec).iter_errors(dict(arguments)), key=lambda e: e.path)
        if errors:
            detail = "; ".join(
                f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
                for e in errors[:5]
            )
            raise InvalidInput(f"invalid arguments for tool {spec.name}: {detail}")
        return dict(arguments)

    # -- the call -------------------------------------------------------------------------------
    async def call(
        self,
        principal: Principal,
        name: str,
        arguments: Any,
        *,
        approval_id: str | None = None,
        route: str = "tools",
    ) -> ToolOutcome:
        started = time.perf_counter()
        record: dict[str, Any] = {"user": principal.user, "tool": name, "route": route}
        try:
            tool = self.registry.get(name)
            spec = tool.spec
            record["risk"] = spec.risk
            if not self.allowed(principal, name):
                raise Forbidden(
                    f"you may not call tool {name}: it needs the tool:{name} permission in a "
                    "tenant whose allow-list names it",
                    code="tool_forbidden",
                )
            args = self.validate(spec, arguments)
            record["arguments_sha256"] = arguments_hash(args)
            approval: Approval | None = None
            if spec.risk == "high":
                if self.approvals is None:
                    raise Forbidden(
                        f"tool {name} needs a person's approval and no approval store is "
                        "configured: the call is denied",
                        code="approval_denied",
                    )
                if approval_id is None:
                    pending = self.approvals.request(principal, name, args)
                    record.update(outcome="pending_approval", approval=pending.id)
                    return ToolOutcome("pending_approval", name, spec.risk, approval=pending)
                approval = self.approvals.consume(principal, approval_id, name, args)
                record.update(approval=approval.id, approved_by=approval.decided_by)
            result = await tool.call(args, principal)
            text, data, truncated = bound_result(result, self.settings.max_result_chars)
            check = check_injection(text)
            if check.flagged:
                text = WITHHELD if self.settings.injection == "drop" else quote_as_data(text)
                data = None
            record.update(
                outcome="error" if result.is_error else "done",
                result_sha256=_sha(result.text),
                result_chars=len(result.text),
                truncated=truncated or None,
                injection=list(check.patterns) or None,
            )
            return ToolOutcome(
                "done",
                name,
                spec.risk,
                text=text,
                data=data,
                is_error=result.is_error,
                approval=approval,
                injection=check.patterns,
                truncated=truncated,
                latency_ms=round((time.perf_counter() - started) * 1000, 2),
                meta=result.meta,
            )
        except ColonnadeError as exc:
            record.update(outcome="denied" if exc.status_code in (403, 404) else "failed")
            record["error"] = exc.code
            raise
        except Exception as exc:
            record.update(outcome="failed", error=type(exc).__name__)
            raise
        finally:
            if self.audit is not None:
                record["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
                self.audit.append("tool_call", tenant=principal.tenant, **record)
