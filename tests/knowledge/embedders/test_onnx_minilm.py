from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from colonnade.errors import ConfigurationError
from colonnade.knowledge.embedders import MiniLMEmbedder, WordPieceCounter
from colonnade.knowledge.embedders.onnx_minilm import _MODEL_PACKAGE, _package_file
from tests.knowledge.embedder_contract import EmbedderContract


class TestMiniLM(EmbedderContract):
    @pytest.fixture
    def embedder(self, minilm: MiniLMEmbedder) -> MiniLMEmbedder:
        return minilm


def test_model_identity(minilm: MiniLMEmbedder) -> None:
    assert minilm.dimension == 384
    assert "all-MiniLM-L6-v2" in minilm.model_id


def test_tampered_model_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = _package_file(_MODEL_PACKAGE, "UNSET_VARIABLE")
    copy = tmp_path / "model.onnx"
    shutil.copy(original, copy)
    with copy.open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02")
    monkeypatch.setenv("COLONNADE_EMBEDDING_MODEL_PATH", str(copy))
    with pytest.raises(ConfigurationError, match="sha256"):
        MiniLMEmbedder()


def test_wordpiece_counter_counts_model_tokens() -> None:
    counter = WordPieceCounter()
    assert counter.count("hello world") == 2
    assert counter.count("unbelievably") > 1
