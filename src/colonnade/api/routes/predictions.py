"""``/v1/predictions``: predictive models served from the registry (the ``ml`` extra).

``POST /v1/predictions`` scores one row or many, with features inline or looked up in
the online feature store by entity id. ``GET /v1/predictions/models`` lists what is
served, with per-version metrics. The registry's promotion gate is also reachable here,
for principals whose roles grant ``approve_models``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from colonnade.api.deps import SECURED, ModelApprover, Predictor, Reader, authorize, container_of
from colonnade.api.governance import audit
from colonnade.api.problems import problems
from colonnade.api.reply_schemas import DriftReportOut
from colonnade.api.schemas import (
    ModelVersionOut,
    PredictionRequest,
    PredictionResponse,
    PromoteRequest,
    ServedModel,
    ServedModels,
)
from colonnade.errors import ColonnadeError, InvalidInput, NotFound
from colonnade.identity import Principal
from colonnade.identity.governance import check_model_owner, is_operator
from colonnade.mlplatform.ownership import Owners

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["predictions"])


class MLUnavailable(ColonnadeError):
    status_code = 503
    code = "ml_unavailable"


def _service(request: Request) -> Any:
    service = container_of(request).predictions
    if service is None:
        raise MLUnavailable(
            "the ML platform is not running: install the ml extra (pip install "
            "'colonnade[ml]') and keep ml.enabled on"
        )
    return service


def _owners(request: Request) -> Owners:
    """Which tenant each model belongs to: started with the predictions runtime."""
    owners = container_of(request).model_owners
    if owners is None:
        raise MLUnavailable("the ML platform is not running: keep ml.enabled on")
    return owners


def _platform(request: Request) -> str:
    return str(container_of(request).settings.security.platform_tenant)


async def _may_change(request: Request, service: Any, principal: Principal, name: str) -> None:
    """Promotion and rollback: the model's tenant's approvers, or platform operators."""
    owner = await asyncio.to_thread(service.registry.owner, name)
    check_model_owner(principal, name, owner, _platform(request))
    _owners(request).forget()


async def _visible(request: Request, service: Any, principal: Principal, name: str) -> bool:
    """A platform model serves every tenant; a tenant's model only its own."""
    owner = await _owners(request).of(name)
    return owner is None or owner == principal.tenant or is_operator(principal, _platform(request))


_REQUEST_SCHEMA = PredictionRequest.model_json_schema()


def _body(raw: bytes) -> PredictionRequest:
    try:
        return PredictionRequest.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            raise InvalidInput(f"the request body is not valid JSON: {errors[0]['msg']}") from exc
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from exc


# The hottest route: it reads its own body and authorizes in the handler, without FastAPI's
# per-request dependency solving and response re-validation (half the CPU of a request).
@router.post(
    "/predictions",
    summary="Predict with a served model",
    response_model=PredictionResponse,
    responses=problems(403, 404, 413, 429, 503),
    openapi_extra={
        **SECURED,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _REQUEST_SCHEMA}},
        },
    },
)
async def predict(request: Request) -> Response:
    """Features inline (``features`` or ``rows``) or by ``entity_id(s)``; checked field by field."""
    started = time.perf_counter()
    principal, headers = await authorize(request, "predict")
    body = _body(await request.body())
    service = _service(request)
    if not await _visible(request, service, principal, body.model):
        raise NotFound(f"no served model {body.model!r}", field="model")
    slot = service.slot(body.model)
    encoder = slot.champion.encoder
    limit = service.ml.max_rows
    if body.features is not None:
        rows = [body.features]
        encoder.check(body.features, "features")
    elif body.rows is not None:
        rows = body.rows
        if len(rows) > limit:
            raise InvalidInput(f"rows: at most {limit} per request (ml.max_rows)", field="rows")
        for i, row in enumerate(rows):
            encoder.check(row, f"rows[{i}]")
    else:
        ids = [body.entity_id] if body.entity_id is not None else list(body.entity_ids or [])
        if len(ids) > limit:
            raise InvalidInput(f"entity_ids: at most {limit} per request", field="entity_ids")
        rows = await service.rows_for(
            slot, ids, "entity_id" if body.entity_id is not None else "entity_ids"
        )
    sticky = request.headers.get("x-colonnade-sticky") or (
        str(body.entity_id) if body.entity_id is not None else None
    )
    predictor = container_of(request).predictor or service
    outcome = await predictor.predict(body.model, rows, sticky=sticky)
    threshold = slot.champion.spec.threshold
    out = [
        {"prediction": None if p is None else int(p >= threshold), "probability": p}
        for p in outcome.probabilities
    ]
    single = body.features is not None or body.entity_id is not None
    payload = {
        "model": body.model,
        "model_version": outcome.version,
        "step": outcome.step,
        "prediction": out[0]["prediction"] if single else None,
        "probability": out[0]["probability"] if single else None,
        "predictions": out,
        "latency_ms": round((time.perf_counter() - started) * 1000, 3),
    }
    return Response(orjson.dumps(payload), media_type="application/json", headers=headers)


@router.get(
    "/predictions/models",
    summary="The served models, their versions and traffic split",
    response_model=ServedModels,
    responses=problems(403, 503),
)
async def served_models(principal: Predictor, request: Request) -> ServedModels:
    """What is served: champion, challenger, canary weight, fallbacks, schema, per-version stats."""
    service = _service(request)
    return ServedModels(
        data=[
            ServedModel.model_validate(m)
            for m in service.describe()
            if await _visible(request, service, principal, m["model"])
        ]
    )


@router.get(
    "/predictions/models/{name}/drift",
    response_model=None,
    responses={200: {"model": DriftReportOut}, **problems(403, 404, 503)},
    summary="A served model's data quality and drift",
)
async def drift(name: str, principal: Reader, request: Request) -> dict[str, Any]:
    """Data quality and drift of the latest logged rows against the training reference."""
    service = _service(request)
    if not await _visible(request, service, principal, name):
        raise NotFound(f"no served model {name!r}")
    report = await service.compute_drift(name)
    result: dict[str, Any] = report.as_dict()
    return result


@router.get(
    "/admin/models/{name}/versions",
    summary="A model's registered versions",
    response_model=list[ModelVersionOut],
    responses=problems(403, 404, 503),
)
async def versions(name: str, principal: ModelApprover, request: Request) -> list[ModelVersionOut]:
    service = _service(request)
    owner = await asyncio.to_thread(service.registry.owner, name)
    if owner is not None:  # a platform model's versions are open to every approver to read
        check_model_owner(principal, name, owner, _platform(request))
    found = await asyncio.to_thread(service.registry.versions, name)
    return [_version_out(v) for v in found]


@router.post(
    "/admin/models/{name}/versions/{version}/promote",
    summary="Promote a version to champion or challenger",
    response_model=ModelVersionOut,
    responses=problems(403, 404, 409, 503),
)
async def promote(
    name: str, version: str, body: PromoteRequest, principal: ModelApprover, request: Request
) -> ModelVersionOut:
    """The gate: held-out metrics must pass the pipeline's thresholds; you are the approver."""
    service = _service(request)
    await _may_change(request, service, principal, name)
    info = await asyncio.to_thread(
        service.registry.promote,
        name,
        version,
        body.alias,
        principal,
        note=body.note,
        approver_may_train=service.ml.approver_may_train,
    )
    audit(request, "admin.model_promoted", principal, model=name, version=version, alias=body.alias)
    await service.refresh()
    return _version_out(info)


@router.post(
    "/admin/models/{name}/rollback",
    summary="Roll a model back to its previous champion",
    response_model=ModelVersionOut,
    responses=problems(403, 404, 409, 503),
)
async def rollback(name: str, principal: ModelApprover, request: Request) -> ModelVersionOut:
    service = _service(request)
    await _may_change(request, service, principal, name)
    info = await asyncio.to_thread(service.registry.rollback, name, principal)
    audit(request, "admin.model_rolled_back", principal, model=name, version=info.version)
    await service.refresh()
    return _version_out(info)


def _version_out(info: Any) -> ModelVersionOut:
    return ModelVersionOut(
        model=info.model,
        version=info.version,
        status=info.status,
        aliases=info.aliases,
        metrics=info.metrics,
        run_id=info.run_id,
        history=info.history,
    )
