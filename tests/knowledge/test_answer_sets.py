"""The bench's answer sets hold together: every source is an ingested document's title, every
key fact is in one of its question's sources, the halves follow the split rule (see
``scripts/check_answer_set.py``), for all seven sample collections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_answer_set_matches_its_collection() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_answer_set.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for name in (
        "handbook",
        "fabrikam",
        "tailspin",
        "wideworld",
        "adventureworks",
        "woodgrove",
        "alpineski",
    ):
        assert name in done.stdout, done.stdout
