"""A small learned prompt-injection detector: logistic regression over hashed word and
character n-grams, scored sentence by sentence.

Fixed phrases miss paraphrases ("disregard what you were told before"); n-grams of
words and characters carry the vocabulary of steering ("disregard", "told before",
"your rules", "from now on") across wordings. The weights are trained at build time
from the labelled prototypes in ``data/injection_train.tsv`` by
``python -m colonnade.safety.train_injection`` and shipped as ``data/injection_model.npz``;
inference is numpy only. Hashing (CRC-32, stable across processes) keeps the model a
few hundred kilobytes with no vocabulary file. A hand-written scorer rather than
scikit-learn: scikit-learn is an optional extra, and scoring is twenty lines of numpy.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

import numpy as np
import numpy.typing as npt

__all__ = ["DIMENSION", "InjectionModel", "features", "load_model", "segments"]

DIMENSION = 1 << 18
_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+")
_MAX_SEGMENTS = 400  # a passage longer than this many sentences is scored on its first ones
_MAX_SEGMENT_CHARS = 600


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("\u2019", "'").replace("\u2018", "'")


def features(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """The hashed n-gram indices of one text and their L2-normalised weights."""
    words = _WORD.findall(_normalise(text))
    grams = [f"w:{w}" for w in words]
    grams += [f"b:{a} {b}" for a, b in pairwise(words)]
    joined = f" {' '.join(words)} "
    grams += [f"c:{joined[i : i + n]}" for n in (3, 4, 5) for i in range(len(joined) - n + 1)]
    if not grams:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    index = np.unique(
        np.fromiter((zlib.crc32(g.encode()) for g in grams), np.int64, len(grams)) & (DIMENSION - 1)
    )
    return index, np.full(len(index), 1 / np.sqrt(len(index)), np.float32)


def segments(text: str) -> list[str]:
    """Sentences (and short lines) of a text, each scored on its own: one injected sentence
    inside a long passage is not diluted by the rest."""
    parts = [p.strip() for p in _SENTENCE.split(text) if p and p.strip()]
    out: list[str] = []
    for part in parts[:_MAX_SEGMENTS]:
        out.extend(
            part[i : i + _MAX_SEGMENT_CHARS] for i in range(0, len(part), _MAX_SEGMENT_CHARS)
        )
    return out


@dataclass(frozen=True, slots=True)
class InjectionModel:
    weights: npt.NDArray[np.float32]  # dense, DIMENSION long
    bias: float
    threshold: float

    def probability(self, text: str) -> float:
        index, values = features(text)
        z = float(self.weights[index] @ values) + self.bias
        return float(1 / (1 + np.exp(-z)))

    def score(self, text: str) -> float:
        """The highest probability over the text's sentences."""
        return max((self.probability(s) for s in segments(text)), default=0.0)

    def flags(self, text: str) -> bool:
        return self.score(text) >= self.threshold


@cache
def load_model() -> InjectionModel:
    """The shipped model (``data/injection_model.npz``)."""
    with resources.files("colonnade.safety").joinpath("data/injection_model.npz").open("rb") as f:
        data = np.load(f)
        weights = np.zeros(DIMENSION, np.float32)
        weights[data["index"]] = data["weight"]
        return InjectionModel(weights, float(data["bias"]), float(data["threshold"]))
