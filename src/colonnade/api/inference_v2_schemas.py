"""The Open Inference Protocol's (v2) answers, as ``/openapi.json`` describes them.

The routes in ``routes/inference_v2.py`` write their JSON themselves (fast, and byte for
byte what KServe and Triton clients expect); these models only document those bodies, so a
client generated from the document reads the same fields the protocol defines.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "InferOutput",
    "InferResponse",
    "ModelMetadata",
    "ModelReady",
    "ServerLive",
    "ServerMetadata",
    "ServerReady",
    "TensorMetadata",
]

Datatype = Literal[
    "BOOL",
    "BYTES",
    "FP16",
    "FP32",
    "FP64",
    "INT8",
    "INT16",
    "INT32",
    "INT64",
    "UINT8",
    "UINT16",
    "UINT32",
    "UINT64",
]


class ServerLive(BaseModel):
    live: bool = Field(description="the server answers")


class ServerReady(BaseModel):
    ready: bool = Field(description="at least one model has a champion to serve")


class ServerMetadata(BaseModel):
    name: str = Field(examples=["colonnade"])
    version: str
    extensions: list[str] = Field(description="protocol extensions, e.g. binary_tensor_data")


class ModelReady(BaseModel):
    name: str
    ready: bool


class TensorMetadata(BaseModel):
    name: str = Field(description="a feature's name, or an output's")
    datatype: Datatype
    shape: list[int] = Field(description="-1 where a dimension varies (the rows)")


class ModelMetadata(BaseModel):
    name: str
    versions: list[str] = Field(description="the champion's version, then the challenger's")
    platform: str = Field(examples=["colonnade_onnx"])
    inputs: list[TensorMetadata] = Field(description="one tensor per feature")
    outputs: list[TensorMetadata] = Field(description="probability (FP32), prediction (INT64)")


class InferOutput(BaseModel):
    name: Literal["probability", "prediction"]
    shape: list[int] = Field(description="[rows]")
    datatype: Datatype
    data: list[float | None] = Field(
        description="one value per row; null where no model could score the row"
    )


class InferResponse(BaseModel):
    model_name: str
    model_version: str = Field(description="the version that answered; empty on a fallback")
    id: str | None = Field(None, description="the request's id, when it carried one")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="``step``: what answered (champion, challenger, rules or default)",
    )
    outputs: list[InferOutput]
