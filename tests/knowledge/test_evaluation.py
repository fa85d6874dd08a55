from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from colonnade.cli.main import app
from colonnade.knowledge.evaluation import score_run


def make_beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    docs = {
        "d1": ("Annual leave", "Employees get 25 days of paid annual leave."),
        "d2": ("Hotels", "The hotel limit in London is 220 pounds per night."),
        "d3": ("On call", "On-call engineers receive 300 euros per week."),
        "d4": ("Passwords", "Passwords need at least 14 characters."),
    }
    with (folder / "corpus.jsonl").open("w") as fh:
        for i, (t, x) in docs.items():
            fh.write(json.dumps({"_id": i, "title": t, "text": x}) + "\n")
    queries = {"q1": "how many vacation days", "q2": "london hotel cost", "q3": "password length"}
    with (folder / "queries.jsonl").open("w") as fh:
        for i, t in queries.items():
            fh.write(json.dumps({"_id": i, "text": t}) + "\n")
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td4\t2\n"
    )
    return folder


def test_score_run_matches_hand_computed_values() -> None:
    qrels = {"q": {"a": 1}}
    assert score_run(qrels, {"q": {"a": 2.0, "b": 1.0}})["MRR@10"] == 1.0
    figures = score_run(qrels, {"q": {"b": 2.0, "a": 1.0}})
    assert figures["MRR@10"] == 0.5
    assert abs(figures["nDCG@10"] - 0.6309) < 1e-3


def test_cli_prints_one_line_per_mode(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    beir = make_beir(tmp_path / "tiny")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(
        app, ["eval", "retrieval", "--beir", str(beir), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "nDCG@10" in ln]
    assert [ln.split()[0] for ln in lines] == ["keyword", "vector", "hybrid"]
    for ln in lines:
        assert float(re.search(r"nDCG@10 ([0-9.]+)", ln).group(1)) > 0.5  # type: ignore[union-attr]
    assert set(json.loads(out.read_text())["scores"]) == {"keyword", "vector", "hybrid"}


def test_cli_explains_a_bad_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "retrieval", "--beir", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a BEIR folder" in result.output
