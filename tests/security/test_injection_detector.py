"""The prompt-injection detector on data it never saw: a held-out set of paraphrased
attacks and benign policy sentences (tests/security/data/injection_heldout.tsv), written
apart from the training prototypes and never used to train or tune it.

Prints the rates: ``pytest tests/security/test_injection_detector.py -s`` or
``make injection-eval``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from colonnade.safety import check_injection
from colonnade.safety.classifier import load_model
from colonnade.safety.train_injection import DATA, evaluate, read_labelled

HELD_OUT = Path(__file__).parent / "data" / "injection_heldout.tsv"


def test_the_detector_on_the_held_out_set(capsys: pytest.CaptureFixture[str]) -> None:
    held_out = read_labelled(HELD_OUT)
    training = {text.lower() for _, text in read_labelled(DATA / "injection_train.tsv")}
    assert not training & {text.lower() for _, text in held_out}  # no leak into training
    alone = evaluate(load_model().flags, held_out)
    both = evaluate(lambda t: check_injection(t).flagged, held_out)
    with capsys.disabled():
        for name, f in (("classifier", alone), ("patterns + classifier", both)):
            print(
                f"\nheld-out injection detection [{name}]: {f['detection_rate']:.1%} of "
                f"{f['attacks']:.0f} paraphrased attacks, false positives "
                f"{f['false_positive_rate']:.1%} of {f['benign']:.0f} benign sentences"
            )
    assert both["detection_rate"] >= 0.7 and both["false_positive_rate"] <= 0.06


def test_benign_policy_text_that_mentions_instructions_passes() -> None:
    for ordinary in (
        "Ignore the previous figures; the corrected table is below.",
        "The system administrator can override the default retention rules.",
        "Follow the instructions your manager gave you before the audit.",
        "The prompt on the screen asks for your badge number.",
    ):
        assert not check_injection(ordinary).flagged, ordinary
