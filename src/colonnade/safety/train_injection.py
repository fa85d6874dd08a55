"""Train the prompt-injection detector from ``data/injection_train.tsv`` (build time).

``python -m colonnade.safety.train_injection`` rewrites ``data/injection_model.npz``;
``python -m colonnade.safety.train_injection --evaluate FILE`` prints the shipped model's
detection and false-positive rates on a labelled file it was not trained on (the
held-out set is ``tests/security/data/injection_heldout.tsv``).

Full-batch gradient descent on the L2-regularised logistic loss, balanced by class,
deterministic, on the labelled prototypes and on ordinary policy prose
(``data/injection_policies.tsv``: benign sentences that address the reader). The decision
threshold is picked by five-fold cross-validation: the highest recall whose false-positive
rate stays under 5 % on the prototypes and under 0.5 % on the policy prose.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from colonnade.safety.classifier import DIMENSION, InjectionModel, features

__all__ = ["evaluate", "read_labelled", "train"]

DATA = Path(__file__).parent / "data"
_EPOCHS = 400
_L2 = 1e-4
_RATE = 0.05
_MAX_FALSE_POSITIVES = 0.05
_MAX_PROSE_FALSE_POSITIVES = 0.005
_PROSE_WEIGHT = 0.1


def read_labelled(path: Path) -> list[tuple[int, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        rows.append((int(label), text.strip()))
    return rows


def _fit(
    rows: list[tuple[int, str]], prose: list[tuple[int, str]] | None = None
) -> tuple[npt.NDArray[np.float64], float]:
    """Attacks and benign prototypes weigh half each; the policy prose adds a quarter, so
    that it teaches "you must" is ordinary without drowning the hard benign prototypes
    (policy text that mentions instructions, rules and prompts)."""
    prose = prose or []
    every = [*rows, *prose]
    feats = [features(text) for _, text in every]
    example = np.concatenate([np.full(len(i), n) for n, (i, _) in enumerate(feats)])
    index = np.concatenate([i for i, _ in feats])
    value = np.concatenate([v for _, v in feats]).astype(np.float64)
    y = np.array([label for label, _ in every], np.float64)
    attacks = max(sum(label for label, _ in rows), 1)
    benign = max(len(rows) - attacks, 1)
    sample = np.array(
        [0.5 / attacks if label else 0.5 / benign for label, _ in rows]
        + [_PROSE_WEIGHT / max(len(prose), 1)] * len(prose)
    )
    w = np.zeros(DIMENSION)
    b = 0.0
    m_w, v_w = np.zeros(DIMENSION), np.zeros(DIMENSION)
    m_b = v_b = 0.0
    for step in range(1, _EPOCHS + 1):  # Adam
        z = np.bincount(example, weights=w[index] * value, minlength=len(every)) + b
        p = 1 / (1 + np.exp(-z))
        err = (p - y) * sample
        g_w = np.bincount(index, weights=err[example] * value, minlength=DIMENSION) + _L2 * w
        g_b = float(err.sum())
        m_w = 0.9 * m_w + 0.1 * g_w
        v_w = 0.999 * v_w + 0.001 * g_w**2
        m_b = 0.9 * m_b + 0.1 * g_b
        v_b = 0.999 * v_b + 0.001 * g_b**2
        scale = _RATE * np.sqrt(1 - 0.999**step) / (1 - 0.9**step)
        w -= scale * m_w / (np.sqrt(v_w) + 1e-8)
        b -= scale * m_b / (np.sqrt(v_b) + 1e-8)
    return w, b


def _threshold(rows: list[tuple[int, str]], prose: list[tuple[int, str]]) -> float:
    """Five-fold cross-validation on the training rows: the lowest threshold whose
    false-positive rate on the held-back folds stays under the bound, on the prototypes and
    (a tighter bound, since a passage has many sentences and one flag drops it) on the
    policy prose."""
    scored: list[tuple[int, float, bool]] = []
    every = [(label, text, False) for label, text in rows] + [(0, t, True) for _, t in prose]
    for fold in range(5):
        train = [(lb, t) for n, (lb, t, p) in enumerate(every) if n % 5 != fold and not p]
        extra = [(lb, t) for n, (lb, t, p) in enumerate(every) if n % 5 != fold and p]
        test = [r for n, r in enumerate(every) if n % 5 == fold]
        w, b = _fit(train, extra)
        model = InjectionModel(w.astype(np.float32), b, 0.5)
        scored += [(label, model.score(text), is_prose) for label, text, is_prose in test]
    for threshold in np.arange(0.05, 0.96, 0.01):
        benign = [s for label, s, p in scored if label == 0 and not p]
        policies = [s for _, s, p in scored if p]
        false_positive = sum(s >= threshold for s in benign) / len(benign)
        prose_false = sum(s >= threshold for s in policies) / max(len(policies), 1)
        if false_positive <= _MAX_FALSE_POSITIVES and prose_false <= _MAX_PROSE_FALSE_POSITIVES:
            return round(float(threshold), 2)
    return 0.95


def train(
    rows: list[tuple[int, str]], prose: list[tuple[int, str]] | None = None
) -> InjectionModel:
    prose = prose or []
    w, b = _fit(rows, prose)
    return InjectionModel(w.astype(np.float32), b, _threshold(rows, list(prose)))


def save(model: InjectionModel, path: Path) -> None:
    """An ``.npz`` written byte for byte the same for the same model (``np.savez`` stamps
    the time into each member), so retraining from unchanged data changes no file."""
    index = np.flatnonzero(np.abs(model.weights) > 1e-6)
    arrays = {
        "index": index.astype(np.int32),
        "weight": model.weights[index].astype(np.float32),
        "bias": np.float32(model.bias),
        "threshold": np.float32(model.threshold),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            archive.writestr(member, buffer.getvalue())


def evaluate(flags: Callable[[str], bool], rows: list[tuple[int, str]]) -> dict[str, float]:
    attacks = [text for label, text in rows if label == 1]
    benign = [text for label, text in rows if label == 0]
    detected = sum(flags(t) for t in attacks)
    false_alarms = sum(flags(t) for t in benign)
    return {
        "attacks": len(attacks),
        "benign": len(benign),
        "detection_rate": detected / max(len(attacks), 1),
        "false_positive_rate": false_alarms / max(len(benign), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m colonnade.safety.train_injection")
    parser.add_argument("--evaluate", type=Path, help="a labelled TSV the model never saw")
    args = parser.parse_args(argv)
    if args.evaluate is not None:
        from colonnade.safety.classifier import load_model
        from colonnade.safety.injection import check_injection

        rows = read_labelled(args.evaluate)
        for name, flags in (
            ("classifier alone", load_model().flags),
            ("patterns + classifier (check_injection)", lambda t: check_injection(t).flagged),
        ):
            figures = evaluate(flags, rows)
            print(
                f"{args.evaluate} [{name}]: {figures['attacks']:.0f} attacks, detected "
                f"{figures['detection_rate']:.1%}; {figures['benign']:.0f} benign, false "
                f"positives {figures['false_positive_rate']:.1%}"
            )
        return 0
    model = train(
        read_labelled(DATA / "injection_train.tsv"), read_labelled(DATA / "injection_policies.tsv")
    )
    save(model, DATA / "injection_model.npz")
    print(f"wrote {DATA / 'injection_model.npz'} (threshold {model.threshold})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
