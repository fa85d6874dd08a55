"""`colonnade models export`: the champion as a KServe InferenceService (protocol v2) that the
KServe CRD's schema accepts, pointing at the version's ONNX graph."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from colonnade.cli.main import app
from tests.deploy.manifests import SCHEMAS

runner = CliRunner()
ISVC = SCHEMAS / "serving.kserve.io" / "inferenceservice_v1beta1.json"


@pytest.fixture
def env(ml_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(ml_dir))
    return ml_dir


def test_export_writes_a_valid_v2_inference_service_for_the_champion(
    env: Path, tmp_path: Path
) -> None:
    out = tmp_path / "churn.yaml"
    result = runner.invoke(
        app,
        [
            "models",
            "export",
            "churn",
            "--namespace",
            "models",
            "-o",
            str(out),
            "--storage-uri",
            "https://acct.blob.core.windows.net/models/churn/1",
        ],
    )
    assert result.exit_code == 0, result.output
    isvc = yaml.safe_load(out.read_text())
    jsonschema.validate(isvc, json.loads(ISVC.read_text()))
    model = isvc["spec"]["predictor"]["model"]
    assert model["protocolVersion"] == "v2" and model["modelFormat"]["name"] == "onnx"
    assert model["storageUri"] == "https://acct.blob.core.windows.net/models/churn/1"
    meta = isvc["metadata"]
    assert meta["name"] == "churn-v1" and meta["namespace"] == "models"
    assert meta["labels"]["colonnade.io/model-version"] == "1"
    assert meta["annotations"]["colonnade.io/features"].startswith("contract,payment_method")
    # the ONNX graph's one input: the encoded matrix (4 numbers + 3 contracts + 3 payments)
    assert meta["annotations"]["colonnade.io/input-tensor"] == "X FP32 [-1, 10]"


def test_export_defaults_to_the_registry_location_and_prints_yaml(env: Path) -> None:
    result = runner.invoke(app, ["models", "export", "churn"])
    assert result.exit_code == 0, result.output
    isvc = yaml.safe_load(result.stdout)
    uri = isvc["spec"]["predictor"]["model"]["storageUri"]
    assert (
        uri.endswith("/serving") and isvc["metadata"]["annotations"]["colonnade.io/run-id"] in uri
    )
    assert (Path(uri.removeprefix("file://")) / "model.onnx").is_file()


def test_export_of_an_unknown_model_or_alias_is_one_line(env: Path) -> None:
    result = runner.invoke(app, ["models", "export", "nope"])
    assert result.exit_code != 0 and "nope" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["models", "export", "churn", "--alias", "challenger"])
    assert result.exit_code != 0 and "has no challenger version" in result.output
