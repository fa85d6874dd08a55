"""Retrieval quality on PostgreSQL against SQLite: the same documents, queries and embedder.

Both stores ingest the same BEIR collection through the same pipeline (vectors are
computed once and reused for the second store), then every query runs in keyword,
vector and hybrid mode on each. Run alone: `python bench/postgres_parity.py [folder]`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from colonnade.container import Container  # noqa: E402
from colonnade.knowledge.evaluation import evaluate, load_beir  # noqa: E402
from colonnade.knowledge.ports import Embedder  # noqa: E402
from colonnade.settings import Settings  # noqa: E402
from pg import EmbeddedPostgres  # noqa: E402

DEFAULT = ROOT.parent / "shared/datasets/beir/cranfield"


class Memo:
    """The same embedder, computing each distinct text once across both stores."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.cache: dict[str, np.ndarray] = {}

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            for t, v in zip(todo, self.inner.embed_documents(todo), strict=True):
                self.cache[t] = v
        return np.vstack([self.cache[t] for t in texts]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        key = "\0q" + text
        if key not in self.cache:
            self.cache[key] = self.inner.embed_query(text)
        return self.cache[key]


def run_postgres_parity(
    console: Console, folder: Path = DEFAULT, data: Path | None = None
) -> dict[str, object]:
    data = data or ROOT / "bench" / ".data" / "parity"
    ds = load_beir(folder)
    console.print(
        f"[bold]PostgreSQL vs SQLite[/] on {ds.name}: {len(ds.corpus)} documents, {len(ds.queries)} queries"
    )
    server = EmbeddedPostgres(data / "pg")
    sqlite_db = data / "parity.db"
    sqlite_db.unlink(missing_ok=True)
    embedder: Memo | None = None
    scores: dict[str, dict[str, dict[str, float]]] = {}
    seconds: dict[str, float] = {}
    try:
        for name, url in (
            ("sqlite", f"sqlite:///{sqlite_db}"),
            ("postgres", server.new_database()),
        ):
            c = Container(Settings(storage={"data_dir": data, "database_url": url}))  # type: ignore[arg-type]
            embedder = embedder or Memo(c.embedder)
            c.__dict__["embedder"] = embedder
            t0 = time.perf_counter()
            scores[name] = evaluate(c.ingestor, c.retriever, ds)
            seconds[name] = time.perf_counter() - t0
            c.close()
    finally:
        server.stop()
    table = Table(
        "mode",
        "SQLite nDCG@10",
        "PostgreSQL nDCG@10",
        "difference",
        title=f"{ds.name}: PostgreSQL vs SQLite",
    )
    diff: dict[str, float] = {}
    for mode in scores["sqlite"]:
        a, b = scores["sqlite"][mode]["nDCG@10"], scores["postgres"][mode]["nDCG@10"]
        diff[mode] = b - a
        table.add_row(mode, f"{a:.4f}", f"{b:.4f}", f"{b - a:+.4f}")
    console.print(table)
    console.print("  target: |difference| <= 0.005 in every mode")
    return {"dataset": ds.name, "scores": scores, "difference": diff, "seconds": seconds}


if __name__ == "__main__":
    run_postgres_parity(Console(), Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
