"""Retrieval quality on any BEIR-format folder: nDCG@10, Recall@100, MRR@10 per search mode.

The corpus goes through the real pipeline (cleaning, chunking, embedding,
store); a document's score is its best chunk's. Metrics come from
pytrec_eval, as BEIR computes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from colonnade.errors import InvalidInput
from colonnade.knowledge.models import Filters, SearchMode
from colonnade.knowledge.pipeline import Ingestor, ProgressCallback
from colonnade.knowledge.ports import SourceItem
from colonnade.knowledge.retriever import Retriever

__all__ = ["BeirDataset", "BeirSource", "evaluate", "load_beir", "run_mode", "score_run"]


@dataclass(slots=True)
class BeirDataset:
    name: str
    corpus: dict[str, tuple[str, str]]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    digest: str


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise InvalidInput(f"{path}:{number} is not valid JSON ({exc})") from exc


def load_beir(folder: Path, split: str = "test") -> BeirDataset:
    files = {n: folder / n for n in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv")}
    missing = [n for n, p in files.items() if not p.is_file()]
    if missing:
        raise InvalidInput(
            f"{folder} is not a BEIR folder: missing {', '.join(missing)} "
            "(expected corpus.jsonl, queries.jsonl and qrels/<split>.tsv)"
        )
    digest = hashlib.sha256()
    for p in files.values():
        digest.update(p.read_bytes())
    corpus = {
        str(d["_id"]): (str(d.get("title") or ""), str(d.get("text") or ""))
        for d in _jsonl(files["corpus.jsonl"])
    }
    qrels: dict[str, dict[str, int]] = {}
    with files[f"qrels/{split}.tsv"].open(encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            parts = line.strip().split("\t")
            if number == 0 and not parts[-1].lstrip("-").isdigit():
                continue  # header
            if len(parts) < 3:
                continue
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    queries = {
        str(q["_id"]): str(q["text"])
        for q in _jsonl(files["queries.jsonl"])
        if str(q["_id"]) in qrels
    }
    if not queries:
        raise InvalidInput(
            f"no query in {folder}/queries.jsonl has judgements in qrels/{split}.tsv"
        )
    return BeirDataset(folder.name, corpus, queries, qrels, digest.hexdigest()[:16])


class BeirSource:
    """A BEIR corpus as a document source: one text document per corpus entry."""

    def __init__(self, dataset: BeirDataset) -> None:
        self.dataset = dataset

    @property
    def scope(self) -> str:
        return f"beir://{self.dataset.name}/"

    @property
    def complete_listing(self) -> bool:
        return True

    def items(self) -> Iterator[SourceItem]:
        for doc_id, (title, text) in self.dataset.corpus.items():
            size = len(title) + len(text)
            yield SourceItem(f"{self.scope}{doc_id}", f"{doc_id}.txt", size, None)

    def read(self, item: SourceItem) -> bytes:
        title, text = self.dataset.corpus[item.uri.removeprefix(self.scope)]
        return (text.strip() or title or "(empty)").encode()

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]:
        title, _ = self.dataset.corpus[item.uri.removeprefix(self.scope)]
        return {"title": title, "beir_id": item.uri.removeprefix(self.scope)}


def run_mode(
    retriever: Retriever, dataset: BeirDataset, mode: SearchMode, collection: str, depth: int = 100
) -> dict[str, dict[str, float]]:
    """Search every query; a document scores by its best chunk (rank order kept)."""
    run: dict[str, dict[str, float]] = {}
    scope = f"beir://{dataset.name}/"
    for qid, text in dataset.queries.items():
        result = retriever.search(
            text, filters=Filters(collections=[collection]), top_k=depth * 3, mode=mode
        )
        ranked: dict[str, float] = {}
        for hit in result.hits:
            doc_id = hit.source_uri.removeprefix(scope)
            if doc_id not in ranked:
                ranked[doc_id] = float(depth * 3 - len(ranked))
            if len(ranked) == depth:
                break
        run[qid] = ranked
    return run


def score_run(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]
) -> dict[str, float]:
    try:
        import pytrec_eval
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise InvalidInput(
            "retrieval evaluation needs pytrec-eval-terrier: pip install it"
        ) from exc
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100", "recip_rank"})
    per_query = evaluator.evaluate({q: run.get(q, {}) for q in qrels})
    n = max(len(per_query), 1)
    # MRR@10: reciprocal rank of the first relevant hit within the top 10
    mrr = 0.0
    for qid, docs in run.items():
        top = sorted(docs.items(), key=lambda kv: -kv[1])[:10]
        for rank, (doc_id, _) in enumerate(top, start=1):
            if qrels.get(qid, {}).get(doc_id, 0) > 0:
                mrr += 1 / rank
                break
    return {
        "nDCG@10": sum(v["ndcg_cut_10"] for v in per_query.values()) / n,
        "Recall@100": sum(v["recall_100"] for v in per_query.values()) / n,
        "MRR@10": mrr / n,
    }


def evaluate(
    ingestor: Ingestor,
    retriever: Retriever,
    dataset: BeirDataset,
    *,
    modes: tuple[SearchMode, ...] = (SearchMode.keyword, SearchMode.vector, SearchMode.hybrid),
    progress: ProgressCallback | None = None,
) -> dict[str, dict[str, float]]:
    collection = f"beir-{dataset.name}".replace(".", "-")[:100]
    ingestor.ingest(BeirSource(dataset), collection, progress)
    return {
        mode.value: score_run(dataset.qrels, run_mode(retriever, dataset, mode, collection))
        for mode in modes
    }
