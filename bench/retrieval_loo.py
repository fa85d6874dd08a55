"""Retrieval with parameters chosen on the other datasets (leave one dataset out).

For every BEIR dataset under shared/datasets/beir, each candidate parameter set of the
hybrid retriever is scored; a dataset's reported nDCG@10 is that of the candidate with the
best mean nDCG@10 on the *other* datasets, so no figure is chosen on its own data. Each
dataset is ingested (embedded) once; the candidates differ only in search settings.
Run alone: `python bench/retrieval_loo.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from colonnade.container import Container
from colonnade.knowledge.evaluation import BeirSource, load_beir, run_mode, score_run
from colonnade.knowledge.models import SearchMode
from colonnade.knowledge.retriever import Retriever
from colonnade.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BEIR = Path(os.environ.get("COLONNADE_BENCH_BEIR_ROOT", ROOT.parent / "shared/datasets/beir"))
DATASETS = ("cranfield", "scifact")
# today's hybrid on each dataset: no dataset may fall below it
FLOOR = {"cranfield": 0.4264, "scifact": 0.7196}
CANDIDATES: dict[str, dict[str, Any]] = {
    "RRF + Rocchio feedback (default)": {},
    "RRF, no feedback": {"feedback_chunks": 0},
    "RRF + feedback at half weight": {"feedback_weight": 0.5},
    "RRF + feedback from 5 chunks": {"feedback_chunks": 5},
    "RRF + feedback, vectors weigh 1.2": {"vector_weight": 1.2},
    "RRF + feedback, keywords weigh 1.2": {"keyword_weight": 1.2},
    "RRF (k=30) + feedback": {"rrf_k": 30},
    "RRF + half feedback, vectors weigh 1.2": {"feedback_weight": 0.5, "vector_weight": 1.2},
}


def retrieval_leave_one_out(data: Path, console: Console) -> dict[str, Any]:
    scores: dict[str, dict[str, float]] = {}
    t0 = time.perf_counter()
    for name in DATASETS:
        folder = BEIR / name
        if not folder.is_dir():
            continue
        ds = load_beir(folder)
        c = Container(Settings(storage={"data_dir": data / name}))  # type: ignore[arg-type]
        collection = f"beir-{ds.name}"
        console.print(f"  {name}: ingesting {len(ds.corpus)} documents", highlight=False)
        c.ingestor.ingest(BeirSource(ds), collection)
        scores[name] = {}
        for label, params in CANDIDATES.items():
            console.print(f"  {name}: {label}", highlight=False)
            settings = c.settings.retrieval.model_copy(update=params)
            retriever = Retriever(c.store, c.embedder, settings)
            run = run_mode(retriever, ds, SearchMode.hybrid, collection)
            scores[name][label] = score_run(ds.qrels, run)["nDCG@10"]
        c.close()
    report: dict[str, Any] = {}
    table = Table(
        "dataset",
        "parameters (chosen on the others)",
        "nDCG@10",
        "today's hybrid",
        title="Retrieval, leave one dataset out",
    )
    for name in scores:
        others = [o for o in scores if o != name] or [name]
        chosen = max(
            CANDIDATES, key=lambda label: statistics.mean(scores[o][label] for o in others)
        )
        report[name] = {"chosen": chosen, "nDCG@10": scores[name][chosen], "all": scores[name]}
        table.add_row(name, chosen, f"{scores[name][chosen]:.4f}", f"{FLOOR.get(name, 0):.4f}")
    console.print(table)
    report["seconds"] = time.perf_counter() - t0
    return report


if __name__ == "__main__":
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = retrieval_leave_one_out(Path(tmp), Console())
    print(json.dumps(out, indent=2))
    sys.exit(0)
