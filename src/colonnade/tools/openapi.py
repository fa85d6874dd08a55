"""HTTP services described by an OpenAPI 3 document: each operation with an
``operationId`` becomes a tool.

The tool's input schema gathers the operation's path, query and header parameters and,
as ``body``, its JSON request body; ``$ref``s are inlined so a model sees one plain
schema. Responses are checked against the document's schema for their status and a
response that does not match is refused (``malformed``), so a service cannot push
arbitrary shapes into a prompt. Risk: the operation's ``x-colonnade-risk``, else GET and
HEAD read, DELETE high, anything else write. Credentials come from settings (an API key) or
from workload identity (an Entra ID token for the service's scope, ``llm/credentials.py``),
sent in a header that no tool argument can set.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2
import yaml
from jsonschema import Draft202012Validator

from colonnade.identity.principal import Principal
from colonnade.llm.credentials import (
    TokenCredential,
    TokenProvider,
    azure_credential,
    entra_id_token_provider,
)
from colonnade.settings import OpenAPIServiceSettings
from colonnade.tools.ports import RISKS, Risk, ToolError, ToolResult, ToolSpec

__all__ = ["BearerTokenAuth", "OpenAPIOperation", "OpenAPIToolset", "load_document"]

_METHODS = ("get", "put", "post", "delete", "patch", "head")
_IN = ("path", "query", "header")


def load_document(path: str | Path) -> dict[str, Any]:
    text = Path(path).read_text(encoding="utf-8")
    doc = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
        raise ValueError(f"{path} is not an OpenAPI 3 document (no 'openapi: 3.x' at its root)")
    return doc


def _inline(node: Any, doc: Mapping[str, Any], depth: int = 0) -> Any:
    """Replace local ``$ref``s by what they point at (a cycle stops at depth 12)."""
    if depth > 12:
        return {}
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _inline(target, doc, depth + 1)
        out = {
            k: _inline(v, doc, depth) for k, v in node.items() if k not in ("nullable", "example")
        }
        if node.get("nullable") is True and isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]  # OpenAPI 3.0's nullable, in JSON Schema
        return out
    if isinstance(node, list):
        return [_inline(v, doc, depth) for v in node]
    return node


def _risk(method: str, op: Mapping[str, Any]) -> Risk:
    declared = op.get("x-colonnade-risk")
    if declared in RISKS:
        return declared  # type: ignore[no-any-return]
    if method in ("get", "head"):
        return "read"
    return "high" if method == "delete" else "write"


class OpenAPIOperation:
    def __init__(
        self,
        toolset: OpenAPIToolset,
        method: str,
        path: str,
        op: Mapping[str, Any],
        parameters: list[dict[str, Any]],
        spec: ToolSpec,
    ) -> None:
        self.toolset = toolset
        self.method = method
        self.path = path
        self.parameters = parameters
        self._spec = spec
        doc = toolset.document
        self._responses: dict[str, Draft202012Validator | None] = {}
        for status, resp in (op.get("responses") or {}).items():
            resp = _inline(resp, doc)
            schema = ((resp.get("content") or {}).get("application/json") or {}).get("schema")
            self._responses[str(status)] = (
                Draft202012Validator(schema) if isinstance(schema, dict) else None
            )

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    def _validator(self, status: int) -> Draft202012Validator | None:
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in self._responses:
                return self._responses[key]
        return None

    async def call(self, arguments: Mapping[str, Any], caller: Principal) -> ToolResult:
        name = self._spec.name
        path = self.path
        query: dict[str, Any] = {}
        headers: dict[str, str] = {}
        for p in self.parameters:
            if p["name"] not in arguments:
                continue
            value = arguments[p["name"]]
            if p["in"] == "path":
                path = path.replace("{" + p["name"] + "}", quote(str(value), safe=""))
            elif p["in"] == "query":
                query[p["name"]] = value
            else:
                headers[p["name"]] = str(value)
        body = arguments.get("body")
        try:
            response = await self.toolset.http.request(
                self.method.upper(),
                path,
                params=query,
                headers=headers,
                json=body if "body" in arguments else None,
            )
        except httpx2.TimeoutException as exc:
            raise ToolError(
                f"{name}: the service timed out", tool=name, retryable=True, kind="timeout"
            ) from exc
        except httpx2.TransportError as exc:
            raise ToolError(
                f"{name}: cannot reach the service: {exc}",
                tool=name,
                retryable=True,
                kind="connection",
            ) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise ToolError(
                f"{name}: the service answered {response.status_code}",
                tool=name,
                retryable=True,
                kind="server",
            )
        data: Any = None
        if "json" in response.headers.get("content-type", ""):
            try:
                data = response.json()
            except ValueError as exc:
                raise ToolError(
                    f"{name}: the response is not valid JSON", tool=name, kind="malformed"
                ) from exc
        if response.status_code >= 400:
            return ToolResult(
                text=f"HTTP {response.status_code}: {response.text[:2000]}",
                data=data,
                is_error=True,
                meta={"status": response.status_code},
            )
        validator = self._validator(response.status_code)
        if validator is not None:
            error = next(iter(validator.iter_errors(data)), None)
            if error is not None:
                raise ToolError(
                    f"{name}: the response does not match the service's schema: {error.message}",
                    tool=name,
                    kind="malformed",
                )
        text = json.dumps(data, ensure_ascii=False) if data is not None else response.text
        return ToolResult(text=text, data=data, meta={"status": response.status_code})


class BearerTokenAuth(httpx2.Auth):
    """Each request carries a token from ``tokens`` (cached and renewed by the provider)."""

    def __init__(
        self,
        tokens: TokenProvider,
        *,
        service: str,
        header: str = "Authorization",
        scheme: str = "Bearer",
    ) -> None:
        self.tokens = tokens
        self.service = service
        self.header = header
        self.scheme = scheme

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        try:
            token = await self.tokens()
        except Exception as exc:  # azure-identity's errors, a token endpoint down
            raise ToolError(
                f"no Entra ID token for the {self.service} service: {exc}".splitlines()[0],
                tool=self.service,
                kind="unavailable",
            ) from exc
        request.headers[self.header] = f"{self.scheme} {token}".strip()
        yield request


class OpenAPIToolset:
    """The operations of one OpenAPI document as tools, over one pooled HTTP client."""

    def __init__(
        self,
        name: str,
        document: dict[str, Any],
        *,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        prefix: str = "",
        risk: Mapping[str, Risk] | None = None,
        timeout_s: float = 20.0,
        transport: httpx2.AsyncBaseTransport | None = None,
        auth: BearerTokenAuth | None = None,
    ) -> None:
        self.name = name
        self.document = document
        self.credential: object = None  # an azure-identity credential built for it, closed with it
        servers = document.get("servers") or [{}]
        url = base_url or servers[0].get("url")
        if not url:
            raise ValueError(f"tools.openapi.{name}: set base_url (the document names no server)")
        self.http = httpx2.AsyncClient(
            base_url=url,
            headers=dict(headers or {}),
            timeout=timeout_s,
            transport=transport,
            auth=auth,
        )
        self.tools: list[OpenAPIOperation] = []
        overrides = dict(risk or {})
        hidden = {"authorization", *(h.lower() for h in (headers or {}))}
        if auth is not None:
            hidden.add(auth.header.lower())
        for path, item in (document.get("paths") or {}).items():
            shared = item.get("parameters", [])
            for method in _METHODS:
                op = item.get(method)
                if not isinstance(op, dict) or not op.get("operationId"):
                    continue
                params = [_inline(p, document) for p in (*shared, *op.get("parameters", []))]
                # the credential header is the toolset's, never an argument
                params = [
                    p
                    for p in params
                    if p.get("in") in _IN
                    and not (p["in"] == "header" and p["name"].lower() in hidden)
                ]
                props: dict[str, Any] = {}
                required: list[str] = []
                for p in params:
                    props[p["name"]] = {
                        **_inline(p.get("schema", {}), document),
                        **({"description": p["description"]} if p.get("description") else {}),
                    }
                    if p.get("required") or p["in"] == "path":
                        required.append(p["name"])
                body = _inline(op.get("requestBody"), document)
                if isinstance(body, dict):
                    schema = ((body.get("content") or {}).get("application/json") or {}).get(
                        "schema"
                    )
                    if isinstance(schema, dict):
                        props["body"] = schema
                        if body.get("required"):
                            required.append("body")
                input_schema: dict[str, Any] = {
                    "type": "object",
                    "properties": props,
                    "additionalProperties": False,
                }
                if required:
                    input_schema["required"] = required
                tool_name = f"{prefix}{op['operationId']}"
                spec = ToolSpec(
                    name=tool_name,
                    description=op.get("summary") or op.get("description") or tool_name,
                    input_schema=input_schema,
                    risk=overrides.get(tool_name, _risk(method, op)),
                    source=f"openapi:{name}",
                )
                self.tools.append(OpenAPIOperation(self, method, path, op, params, spec))

    @classmethod
    def from_settings(
        cls,
        name: str,
        s: OpenAPIServiceSettings,
        *,
        risk: Mapping[str, Risk],
        timeout_s: float,
        credential: TokenCredential | None = None,
    ) -> OpenAPIToolset:
        """The service as its settings describe it; ``credential`` stands in for the
        azure-identity credential that ``auth = entra_id`` otherwise builds."""
        headers = {}
        auth = None
        built = False
        if s.auth == "entra_id":
            assert s.scope is not None  # the settings require it
            built = credential is None
            if credential is None:
                credential = azure_credential(s.identity)
            tokens = entra_id_token_provider(s.scope, credential)
            auth = BearerTokenAuth(tokens, service=name, header=s.auth_header, scheme=s.auth_scheme)
        elif s.api_key is not None:
            key = s.api_key.get_secret_value()
            headers[s.auth_header] = f"{s.auth_scheme} {key}".strip()
        toolset = cls(
            name,
            load_document(s.spec),
            base_url=s.base_url,
            headers=headers,
            prefix=s.prefix,
            risk=risk,
            timeout_s=timeout_s,
            auth=auth,
        )
        if auth is not None and built:
            toolset.credential = credential
        return toolset

    async def aclose(self) -> None:
        await self.http.aclose()
        close = getattr(self.credential, "close", None)
        if close is not None:
            await close()
