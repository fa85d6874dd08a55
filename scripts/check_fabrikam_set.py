"""Check the Fabrikam answer sets against the collection as ingested.

Ingests examples/fabrikam into a temporary data directory the way the bench ingests the
handbook, then checks, for bench/answers/fabrikam_tune.yaml and fabrikam_test.yaml, that
every source is the title of an ingested document, that every fact is a substring of the
text of one of its question's sources, that ids are unique and that every follow-up follows
an earlier question of the same half. Prints one line per problem and exits 1 if any.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from colonnade.container import Container
from colonnade.knowledge.sources import FolderSource
from colonnade.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "examples" / "fabrikam"
SETS = [ROOT / "bench" / "answers" / f"fabrikam_{half}.yaml" for half in ("tune", "test")]


def ingested_texts(data: Path) -> dict[str, str]:
    """Title -> text of every document of the collection, as the store holds it."""
    c = Container(Settings(storage={"data_dir": data}))  # type: ignore[arg-type]
    try:
        report = c.ingestor.ingest(
            FolderSource(COLLECTION, exclude=c.settings.ingestion.exclude), "fabrikam"
        )
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.failed}")
        texts = {}
        for doc in c.store.list_documents("fabrikam"):
            texts[doc.title] = c.store.document_text(doc.id) or ""
        return texts
    finally:
        c.close()


def problems(questions: list[dict[str, Any]], texts: dict[str, str], seen: set[str]) -> list[str]:
    out = []
    earlier: set[str] = set()
    for q in questions:
        qid = q["id"]
        if qid in seen:
            out.append(f"{qid}: duplicate id")
        seen.add(qid)
        if q.get("follows") and q["follows"] not in earlier:
            out.append(f"{qid}: follows {q['follows']}, which is not an earlier question")
        earlier.add(qid)
        sources = q.get("sources") or []
        for title in sources:
            if title not in texts:
                out.append(f"{qid}: no document titled {title!r}")
        facts = list(q.get("facts") or ([q["fact"]] if q.get("fact") else []))
        if sources and not facts:
            out.append(f"{qid}: answerable but has no fact")
        if not sources and facts:
            out.append(f"{qid}: unanswerable but has facts")
        for fact in facts:
            if not any(fact in texts.get(title, "") for title in sources):
                out.append(f"{qid}: fact {fact!r} is in none of {sources}")
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        texts = ingested_texts(Path(tmp))
    print(f"{len(texts)} documents ingested: " + "; ".join(sorted(texts)))
    found: list[str] = []
    seen: set[str] = set()
    for path in SETS:
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        found += [f"{path.name}: {p}" for p in problems(questions, texts, seen)]
        facts = sum(len(q.get("facts") or [q["fact"]]) for q in questions if q.get("sources"))
        kinds = Counter(q["kind"] for q in questions)
        print(
            f"{path.name}: {len(questions)} questions, {facts} facts checked, "
            f"{sum(1 for q in questions if not q.get('sources'))} unanswerable; "
            + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        )
    used = {
        t for p in SETS for q in yaml.safe_load(p.read_text())["questions"] for t in q["sources"]
    }
    print("documents no question cites: " + (", ".join(sorted(set(texts) - used)) or "none"))
    for line in found:
        print(line)
    print(f"{len(found)} problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
