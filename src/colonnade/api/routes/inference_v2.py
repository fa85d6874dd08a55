"""The Open Inference Protocol (v2, KServe/Triton) on Colonnade's predictive models.

The same models, fallback chain, canary and metrics as ``POST /v1/predictions``, spoken in
the protocol KServe, Triton and their clients use, so one client reaches a model served by
Colonnade or exported to a KServe InferenceService (``colonnade models export``) alike.

A request carries one input tensor per feature, named after it (``BYTES`` for categories,
``BOOL``, ``INT*``/``UINT*`` or ``FP*`` for numbers), each of shape ``[rows]`` (or
``[rows, 1]``); the answer holds ``probability`` (FP32) and ``prediction`` (INT64). Inputs may
come as JSON ``data`` or in the binary tensor extension (``Inference-Header-Content-Length``)
that tritonclient uses by default. The health routes are open, as probes need; model routes
take the same credentials and ``predict`` permission as ``/v1/predictions``.
"""

from __future__ import annotations

import math
import struct
from typing import Any

import numpy as np
import orjson
from fastapi import APIRouter, Request, Response

from colonnade import __version__
from colonnade.api.deps import SECURED, authorize, container_of
from colonnade.api.inference_v2_schemas import (
    InferResponse,
    ModelMetadata,
    ModelReady,
    ServerLive,
    ServerMetadata,
    ServerReady,
)
from colonnade.api.problems import MEDIA_TYPE, Problem, problem_body, problems
from colonnade.api.routes.predictions import MLUnavailable
from colonnade.errors import InvalidInput

__all__ = ["router"]

router = APIRouter(prefix="/v2", tags=["inference v2"])

_NUMPY = {
    "BOOL": np.bool_,
    "INT8": np.int8,
    "INT16": np.int16,
    "INT32": np.int32,
    "INT64": np.int64,
    "UINT8": np.uint8,
    "UINT16": np.uint16,
    "UINT32": np.uint32,
    "UINT64": np.uint64,
    "FP16": np.float16,
    "FP32": np.float32,
    "FP64": np.float64,
}
_DATATYPE = {"category": "BYTES", "bool": "BOOL", "int": "INT64", "float": "FP64"}
_JSON = "application/json"
_TENSOR = {
    "type": "object",
    "required": ["name", "shape", "datatype"],
    "properties": {
        "name": {"type": "string", "description": "a feature's name"},
        "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "datatype": {"type": "string", "enum": ["BYTES", *sorted(_NUMPY)]},
        "parameters": {"type": "object"},
        "data": {"type": "array", "description": "one value per row"},
    },
}
_REQUEST_BODY = {
    "required": True,
    "content": {
        _JSON: {
            "schema": {
                "type": "object",
                "required": ["inputs"],
                "properties": {
                    "id": {"type": "string"},
                    "parameters": {"type": "object"},
                    "inputs": {"type": "array", "minItems": 1, "items": _TENSOR},
                    "outputs": {"type": "array", "items": {"type": "object"}},
                },
            }
        }
    },
}
# the protocol answers "not ready" with a 4xx status; here a problem document that also
# carries the protocol's own field
_NOT_READY: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "no model is served yet"}
}


def _json(payload: Any, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type=_JSON, headers=headers)


def _service(request: Request) -> Any:
    service = container_of(request).predictions
    if service is None:
        raise MLUnavailable(
            "the ML platform is not running: install the ml extra and keep ml.enabled on"
        )
    return service


@router.get("/health/live", response_model=ServerLive, summary="Server liveness (open, for probes)")
async def live() -> Response:
    """Always ``{"live": true}`` while the process answers."""
    return _json({"live": True})


@router.get(
    "/health/ready",
    response_model=ServerReady,
    responses=_NOT_READY,
    summary="Server readiness (open, for probes)",
)
async def ready(request: Request) -> Response:
    """Ready once a model has a champion; 400 with ``"ready": false`` before."""
    service = container_of(request).predictions
    ok = service is not None and any(s.champion is not None for s in service.slots.values())
    if ok:
        return _json({"ready": True})
    detail = "no model is served yet: promote a version to champion"
    body = {**problem_body(request, 400, "not_ready", detail), "ready": False, "error": detail}
    return Response(orjson.dumps(body), status_code=400, media_type=MEDIA_TYPE)


@router.get(
    "",
    response_model=ServerMetadata,
    responses=problems(403),
    openapi_extra=SECURED,
    summary="Server metadata: name, version and protocol extensions",
)
async def server_metadata(request: Request) -> Response:
    _, headers = await authorize(request, "predict")
    return _json(
        {"name": "colonnade", "version": __version__, "extensions": ["binary_tensor_data"]}, headers
    )


@router.get(
    "/models/{name}",
    response_model=ModelMetadata,
    responses=problems(403, 404, 503),
    openapi_extra=SECURED,
    summary="A served model's metadata",
)
async def model_metadata(name: str, request: Request) -> Response:
    """Name, served versions, platform and the input and output tensors."""
    _, headers = await authorize(request, "predict")
    slot = _service(request).slot(name)
    champion = slot.champion
    versions = [champion.version] + ([slot.challenger.version] if slot.challenger else [])
    return _json(
        {
            "name": name,
            "versions": versions,
            "platform": f"colonnade_{champion.runtime}",
            "inputs": [
                {"name": f.name, "datatype": _DATATYPE[f.type], "shape": [-1]}
                for f in champion.spec.features
            ],
            "outputs": [
                {"name": "probability", "datatype": "FP32", "shape": [-1]},
                {"name": "prediction", "datatype": "INT64", "shape": [-1]},
            ],
        },
        headers,
    )


@router.get(
    "/models/{name}/ready",
    response_model=ModelReady,
    responses=problems(403, 404, 503),
    openapi_extra=SECURED,
    summary="Whether a model is served",
)
async def model_ready(name: str, request: Request) -> Response:
    """404 naming the served models when ``name`` is not one of them."""
    _, headers = await authorize(request, "predict")
    _service(request).slot(name)  # 404 naming the served models when it is not one
    return _json({"name": name, "ready": True}, headers)


@router.post(
    "/models/{name}/infer",
    response_model=InferResponse,
    responses=problems(403, 404, 413, 429, 503),
    summary="Score rows with a served model (JSON or binary tensors)",
    openapi_extra={**SECURED, "requestBody": _REQUEST_BODY},
)
async def infer(name: str, request: Request) -> Response:
    """Score the rows the feature tensors carry; the step taken is in ``parameters``."""
    _, headers = await authorize(request, "predict")
    body = await request.body()
    header_length = request.headers.get("inference-header-content-length")
    doc, binary = _split(body, header_length)
    service = _service(request)
    slot = service.slot(name)
    encoder = slot.champion.encoder
    rows = _rows(doc, binary, service.ml.max_rows)
    for i, row in enumerate(rows):
        encoder.check(row, f"inputs[row {i}]")
    params = doc.get("parameters") or {}
    sticky = request.headers.get("x-colonnade-sticky") or (
        str(params["sticky"]) if isinstance(params, dict) and "sticky" in params else None
    )
    outcome = await service.predict(name, rows, sticky=sticky)
    threshold = slot.champion.spec.threshold
    probabilities = outcome.probabilities
    answer: dict[str, Any] = {
        "model_name": name,
        "model_version": outcome.version or "",
        "parameters": {"step": outcome.step},
        "outputs": [
            {
                "name": "probability",
                "datatype": "FP32",
                "shape": [len(rows)],
                "data": probabilities,
            },
            {
                "name": "prediction",
                "datatype": "INT64",
                "shape": [len(rows)],
                "data": [None if p is None else int(p >= threshold) for p in probabilities],
            },
        ],
    }
    if "id" in doc:
        answer["id"] = doc["id"]
    return _json(answer, headers)


def _split(body: bytes, header_length: str | None) -> tuple[dict[str, Any], bytes]:
    """The JSON inference header and, with the binary extension, the tensor bytes after it."""
    cut = len(body)
    if header_length is not None:
        try:
            cut = int(header_length)
        except ValueError:
            raise InvalidInput("Inference-Header-Content-Length: must be an integer") from None
        if not 0 <= cut <= len(body):
            raise InvalidInput("Inference-Header-Content-Length: longer than the request body")
    try:
        doc = orjson.loads(body[:cut])
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the inference request is not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), list) or not doc["inputs"]:
        raise InvalidInput(
            'the inference request needs "inputs": a list of tensors', field="inputs"
        )
    return doc, body[cut:]


def _rows(doc: dict[str, Any], binary: bytes, limit: int) -> list[dict[str, Any]]:
    """Feature tensors (one per feature, one element per row) to the rows the encoder checks."""
    columns: dict[str, list[Any]] = {}
    offset = 0
    for i, tensor in enumerate(doc["inputs"]):
        where = f"inputs[{i}]"
        if not isinstance(tensor, dict) or not isinstance(tensor.get("name"), str):
            raise InvalidInput(
                f"{where}: a tensor has a name, datatype, shape and data", field=where
            )
        name, datatype = tensor["name"], tensor.get("datatype")
        parameters = tensor.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise InvalidInput(f"{name}: parameters must be an object", field=name)
        size = parameters.get("binary_data_size")
        if size is not None:
            if not _is_count(size) or offset + size > len(binary):
                raise InvalidInput(
                    f"{name}: binary_data_size runs past the request body", field=name
                )
            values = _decode(binary[offset : offset + size], datatype, name)
            offset += size
        else:
            values = _flatten(tensor.get("data"), name)
        shape = tensor.get("shape")
        if (
            not isinstance(shape, list)
            or not shape
            or not all(_is_count(d) for d in shape)
            or math.prod(shape) != len(values)
            or any(d != 1 for d in shape[1:])
        ):
            raise InvalidInput(
                f"{name}: shape {shape} does not fit {len(values)} values (one value per row: "
                "[rows] or [rows, 1])",
                field=name,
            )
        # numbers take the tensor's type; anything else is left for the encoder to name
        if datatype == "BOOL":
            values = [bool(v) if v in (0, 1) and not isinstance(v, float) else v for v in values]
        elif datatype in _NUMPY and datatype.startswith(("INT", "UINT")):
            values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
        elif datatype in ("FP16", "FP32", "FP64"):
            values = [float(v) if _is_number(v) else v for v in values]
        elif datatype != "BYTES":
            raise InvalidInput(f"{name}: unknown datatype {datatype!r}", field=name)
        columns[name] = values
    counts = {len(v) for v in columns.values()}
    if len(counts) != 1:
        raise InvalidInput("every input tensor holds one value per row: their lengths differ")
    n = counts.pop()
    if n > limit:
        raise InvalidInput(f"at most {limit} rows per request (ml.max_rows)", field="inputs")
    return [{k: v[r] for k, v in columns.items()} for r in range(n)]


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _flatten(data: Any, name: str) -> list[Any]:
    if not isinstance(data, list):
        raise InvalidInput(f"{name}: data must be a list", field=name)
    out: list[Any] = []
    for item in data:
        out.extend(_flatten(item, name) if isinstance(item, list) else [item])
    return out


def _decode(raw: bytes, datatype: Any, name: str) -> list[Any]:
    """The binary tensor extension: fixed-width little-endian numbers, or length-prefixed bytes."""
    if datatype == "BYTES":
        out: list[Any] = []
        at = 0
        while at < len(raw):
            if at + 4 > len(raw):
                raise InvalidInput(f"{name}: a BYTES element is cut short", field=name)
            (length,) = struct.unpack_from("<I", raw, at)
            at += 4
            if at + length > len(raw):
                raise InvalidInput(f"{name}: a BYTES element is cut short", field=name)
            try:
                out.append(raw[at : at + length].decode())
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"{name}: BYTES elements must be UTF-8 text", field=name
                ) from None
            at += length
        return out
    dtype = _NUMPY.get(datatype) if isinstance(datatype, str) else None
    if dtype is None:
        raise InvalidInput(f"{name}: unknown datatype {datatype!r}", field=name)
    width = np.dtype(dtype).itemsize
    if len(raw) % width:
        raise InvalidInput(f"{name}: {len(raw)} bytes are not whole {datatype} values", field=name)
    values: list[Any] = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).tolist()
    return values
