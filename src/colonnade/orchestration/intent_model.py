"""A small learned reader of one clause's route, beside the rules of ``RulePlanner``.

Rules decide well where a clause uses the words they were written for and poorly where it
is phrased otherwise ("will customer 8812 leave us?", "my screen is cracked, need a ticket",
"who built you?"). This model reads a clause as hashed character n-grams (robust to typos
and inflection, and language-neutral) plus word unigrams and bigrams, and scores the four
routes with a multinomial logistic regression trained at first use on
``data/intent_examples.yaml``. numpy alone: scikit-learn is not a core dependency, and the
model is a few hundred examples by 16k features, trained in well under a second.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
import zlib
from pathlib import Path

import numpy as np
import yaml

__all__ = ["EXAMPLES", "LABELS", "IntentModel", "intent_model"]

LABELS = ("documents", "prediction", "tool", "smalltalk")
EXAMPLES = Path(__file__).with_name("data") / "intent_examples.yaml"
_DIM = 1 << 14
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\d+", "0", text)


def _slot(feature: str) -> int:
    return zlib.crc32(feature.encode()) % _DIM


def features(text: str) -> dict[int, float]:
    """Hashed, L2-normalised features of one clause."""
    t = _normalise(text)
    words = _WORD.findall(t)
    out: dict[int, float] = {}

    def add(feature: str, weight: float = 1.0) -> None:
        slot = _slot(feature)
        out[slot] = out.get(slot, 0.0) + weight

    for w in words:
        add("w:" + w)
        padded = f" {w} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                add("c:" + padded[i : i + n], 0.5)
    for a, b in itertools.pairwise(words):
        add(f"b:{a} {b}")
    if words:
        add("first:" + words[0], 2.0)
        if len(words) > 1:
            add(f"first2:{words[0]} {words[1]}", 1.0)
    add("len:" + str(min(len(words), 6)))
    if "?" in t:
        add("mark:?")
    if "0" in t:
        add("mark:number")
    norm = float(np.sqrt(sum(v * v for v in out.values()))) or 1.0
    return {k: v / norm for k, v in out.items()}


class _Sparse:
    """The examples' features as coordinate lists over only the slots they use: a few
    hundred rows with ~150 non-zeros each, where a dense product would waste the time."""

    def __init__(self, texts: list[str]) -> None:
        rows = [features(t) for t in texts]
        self.used = np.array(sorted({slot for row in rows for slot in row}), dtype=np.int64)
        column = {int(slot): i for i, slot in enumerate(self.used)}
        self.rows = np.array([r for r, row in enumerate(rows) for _ in row], dtype=np.int64)
        self.cols = np.array([column[slot] for row in rows for slot in row], dtype=np.int64)
        self.data = np.array([v for row in rows for v in row.values()], dtype=np.float32)
        self.shape = (len(rows), len(self.used))

    def dot(self, w: np.ndarray) -> np.ndarray:
        """X @ w"""
        return self._sum(self.rows, self.data[:, None] * w[self.cols], self.shape[0])

    def tdot(self, g: np.ndarray) -> np.ndarray:
        """X.T @ g"""
        return self._sum(self.cols, self.data[:, None] * g[self.rows], self.shape[1])

    @staticmethod
    def _sum(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
        columns = [np.bincount(index, values[:, k], minlength=size) for k in range(values.shape[1])]
        return np.stack(columns, axis=1).astype(np.float32)


class IntentModel:
    """Multinomial logistic regression over hashed clause features."""

    def __init__(self, examples: dict[str, list[str]], *, l2: float = 1e-4, steps: int = 120):
        texts = [t for label in LABELS for t in examples.get(label, [])]
        y = np.array([i for i, label in enumerate(LABELS) for _ in examples.get(label, [])])
        if not texts:
            raise ValueError("the intent model needs at least one example per route")
        x = _Sparse(texts)
        used = x.used
        onehot = np.eye(len(LABELS), dtype=np.float32)[y]
        # classes weighted by inverse frequency, so the largest route does not swallow others
        counts = onehot.sum(axis=0)
        balance = (len(texts) / (len(LABELS) * np.maximum(counts, 1))).astype(np.float32)
        sample_weight = balance[y][:, None] / np.float32(len(texts))
        w = np.zeros((x.shape[1], len(LABELS)), dtype=np.float32)
        b = np.zeros(len(LABELS), dtype=np.float32)
        # Adam on the full batch: a few hundred steps converge on a set this size
        mw, vw = np.zeros_like(w), np.zeros_like(w)
        mb, vb = np.zeros_like(b), np.zeros_like(b)
        lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8  # float32 throughout
        for step in range(1, steps + 1):
            p = _softmax(x.dot(w) + b)
            grad = (p - onehot) * sample_weight
            gw = x.tdot(grad) + l2 * w
            gb = grad.sum(axis=0)
            mw = beta1 * mw + (1 - beta1) * gw
            vw = beta2 * vw + (1 - beta2) * gw * gw
            mb = beta1 * mb + (1 - beta1) * gb
            vb = beta2 * vb + (1 - beta2) * gb * gb
            c1, c2 = 1 - beta1**step, 1 - beta2**step
            w -= lr * (mw / c1) / (np.sqrt(vw / c2) + eps)
            b -= lr * (mb / c1) / (np.sqrt(vb / c2) + eps)
        # spread back over the hashed space: slots no example used weigh nothing
        self._w = np.zeros((_DIM, len(LABELS)), dtype=np.float32)
        self._w[used] = w
        self._b = b

    def scores(self, text: str) -> dict[str, float]:
        """The probability of each route for one clause."""
        f = features(text)
        slots = np.fromiter(f.keys(), dtype=np.int64, count=len(f))
        values = np.fromiter(f.values(), dtype=np.float32, count=len(f))
        logits = values @ self._w[slots] + self._b
        p = _softmax(logits[None, :])[0]
        return {label: float(p[i]) for i, label in enumerate(LABELS)}

    def best(self, text: str) -> tuple[str, float]:
        s = self.scores(text)
        label = max(s, key=s.__getitem__)
        return label, s[label]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


_lock = threading.Lock()
_model: IntentModel | None = None


def intent_model() -> IntentModel:
    """The model trained on the shipped examples, built once per process."""
    global _model
    with _lock:
        if _model is None:
            data = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))
            bad = [t for v in data.values() for t in v if not isinstance(t, str)]
            if bad or set(data) - set(LABELS):
                raise ValueError(f"{EXAMPLES}: each route must list plain strings (quote {bad})")
            _model = IntentModel(data)
        return _model
