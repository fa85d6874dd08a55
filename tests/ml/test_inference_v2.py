"""The Open Inference Protocol v2 on a real server on loopback, called by tritonclient's HTTP
client: health, model metadata and readiness, inference with JSON and binary tensors, the
same answers as /v1/predictions, and errors the client reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import tritonclient.http as triton
from tritonclient.utils import InferenceServerException

from colonnade.api.app import create_app
from tests.ml.conftest import ml_settings
from tests.ml.test_serving import LOYAL, ROW, _key
from tests.servers import serve

pytestmark = pytest.mark.integration

DTYPES = {
    "contract": ("BYTES", object),
    "payment_method": ("BYTES", object),
    "tenure_months": ("FP64", np.float64),
    "monthly_charges": ("FP64", np.float64),
    "support_tickets": ("INT64", np.int64),
    "usage_gb": ("FP64", np.float64),
}


@pytest.fixture(scope="module")
def server(trained: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    import shutil

    data_dir = tmp_path_factory.mktemp("v2") / "data"
    shutil.copytree(trained.data_dir, data_dir, ignore=shutil.ignore_patterns("serving"))
    settings = ml_settings(data_dir)
    settings.security.limits.enabled = False
    with serve(create_app(settings)) as url:
        yield url, _key(data_dir)


@pytest.fixture
def client(server: tuple[str, str]) -> Iterator[triton.InferenceServerClient]:
    c = triton.InferenceServerClient(url=server[0].removeprefix("http://"))
    yield c
    c.close()


def auth(server: tuple[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {server[1]}"}


def tensors(rows: list[dict[str, Any]], binary: bool) -> list[triton.InferInput]:
    out = []
    for name, (datatype, dtype) in DTYPES.items():
        t = triton.InferInput(name, [len(rows)], datatype)
        t.set_data_from_numpy(np.array([r[name] for r in rows], dtype=dtype), binary_data=binary)
        out.append(t)
    return out


def test_health_and_model_metadata(
    client: triton.InferenceServerClient, server: tuple[str, str]
) -> None:
    assert client.is_server_live() and client.is_server_ready()
    assert client.get_server_metadata(headers=auth(server))["name"] == "colonnade"
    assert client.is_model_ready("churn", headers=auth(server))
    assert not client.is_model_ready("nope", headers=auth(server))
    meta = client.get_model_metadata("churn", headers=auth(server))
    assert meta["versions"] == ["1"] and meta["platform"] == "colonnade_onnx"
    inputs = {i["name"]: i["datatype"] for i in meta["inputs"]}
    assert inputs == {k: v[0] for k, v in DTYPES.items()}
    assert [o["name"] for o in meta["outputs"]] == ["probability", "prediction"]


@pytest.mark.parametrize("binary", [False, True], ids=["json", "binary"])
def test_infer_matches_v1_predictions(
    client: triton.InferenceServerClient, server: tuple[str, str], binary: bool
) -> None:
    result = client.infer(
        "churn", tensors([ROW, LOYAL], binary), headers=auth(server), request_id="r1"
    )
    probability = result.as_numpy("probability")
    prediction = result.as_numpy("prediction")
    response = result.get_response()
    assert response["model_version"] == "1" and response["parameters"]["step"] == "champion"
    assert response["id"] == "r1"
    v1 = httpx.post(
        f"{server[0]}/v1/predictions",
        json={"model": "churn", "rows": [ROW, LOYAL]},
        headers=auth(server),
    ).json()
    expected = [p["probability"] for p in v1["predictions"]]
    assert probability.tolist() == pytest.approx(expected, abs=1e-6)
    assert prediction.tolist() == [p["prediction"] for p in v1["predictions"]]
    assert probability[0] > probability[1]  # the month-to-month customer is the riskier


def test_errors_reach_the_client_as_messages(
    client: triton.InferenceServerClient, server: tuple[str, str]
) -> None:
    with pytest.raises(InferenceServerException, match=r"credentials|API key|token"):
        client.infer("churn", tensors([ROW], False))
    with pytest.raises(InferenceServerException, match="no served model 'nope'"):
        client.infer("nope", tensors([ROW], False), headers=auth(server))
    bad = tensors([ROW], False)
    bad[2] = triton.InferInput("tenure_months", [1], "BYTES")
    bad[2].set_data_from_numpy(np.array(["three"], dtype=object), binary_data=False)
    with pytest.raises(InferenceServerException, match="tenure_months: expected a number"):
        client.infer("churn", bad, headers=auth(server))
    with pytest.raises(InferenceServerException, match="usage_gb: missing"):
        client.infer("churn", tensors([ROW], False)[:-1], headers=auth(server))


def test_malformed_bodies_are_problem_documents(server: tuple[str, str]) -> None:
    url = f"{server[0]}/v2/models/churn/infer"
    r = httpx.post(url, content=b"{not json", headers=auth(server))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "not valid JSON" in r.json()["error"] and r.json()["request_id"]
    shape = {"name": "usage_gb", "datatype": "FP64", "shape": [3], "data": [1.0]}
    r = httpx.post(url, json={"inputs": [shape]}, headers=auth(server))
    assert r.status_code == 422 and "does not fit 1 values" in r.json()["detail"]
    cut = {
        "name": "usage_gb",
        "datatype": "FP64",
        "shape": [1],
        "parameters": {"binary_data_size": 8},
    }
    header = httpx.Request("POST", url, json={"inputs": [cut]}).content
    r = httpx.post(
        url,
        content=header + b"\x00\x01",
        headers={**auth(server), "Inference-Header-Content-Length": str(len(header))},
    )
    assert r.status_code == 422 and "runs past the request body" in r.json()["detail"]


def test_not_ready_until_a_model_is_served(tmp_path: Path) -> None:
    settings = ml_settings(tmp_path / "empty")
    with serve(create_app(settings)) as url:
        c = triton.InferenceServerClient(url=url.removeprefix("http://"))
        try:
            assert c.is_server_live() and not c.is_server_ready()
        finally:
            c.close()
        r = httpx.get(f"{url}/v2/health/ready")
        assert r.status_code == 400 and r.json()["ready"] is False
        assert "promote a version to champion" in r.json()["error"]
