"""Check a sample collection's answer sets against the collection as ingested.

    PYTHONPATH=src .venv/bin/python scripts/check_answer_set.py fabrikam|tailspin [...]

For each collection named, ingests examples/<name> into a temporary data directory the way
the bench ingests the handbook, then checks, for bench/answers/<name>_tune.yaml and
<name>_test.yaml, that every source is the title of an ingested document, that every fact is
a substring of the text of one of its question's sources, that ids are unique and share one
prefix, that every follow-up follows an earlier question of the same half, and that the two
halves have the sizes the split rule gives (conversations, then each kind: alternate units
between the halves, the 1st, 3rd, ... group starting with tune). Prints one line per problem
and exits 1 if any.
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
COLLECTIONS = ("fabrikam", "tailspin")
HALVES = ("tune", "test")
GROUPS = (
    "conversation",
    "paraphrase",
    "synonym",
    "typo",
    "terse",
    "narrative",
    "table",
    "multipart",
    "unanswerable",
    "other-company",
)


def ingested_texts(name: str, data: Path) -> dict[str, str]:
    """Title -> text of every document of the collection, as the store holds it."""
    c = Container(Settings(storage={"data_dir": data}))  # type: ignore[arg-type]
    try:
        report = c.ingestor.ingest(
            FolderSource(ROOT / "examples" / name, exclude=c.settings.ingestion.exclude), name
        )
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.failed}")
        texts = {}
        for doc in c.store.list_documents(name):
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
        if q.get("follows") and q["kind"] != "followup":
            out.append(f"{qid}: a later turn of a conversation has kind {q['kind']!r}")
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


def units(questions: list[dict[str, Any]]) -> Counter[str]:
    """How many units of each split group a half holds (a conversation counts once)."""
    opened = {q["follows"] for q in questions if q.get("follows")}
    counts: Counter[str] = Counter()
    for q in questions:
        if q.get("follows"):
            continue
        counts["conversation" if q["id"] in opened else q["kind"]] += 1
    return counts


def split_problems(tune: list[dict[str, Any]], test: list[dict[str, Any]]) -> list[str]:
    """Each group's units alternate between the halves; odd groups start with tune."""
    out = []
    a, b = units(tune), units(test)
    for n, group in enumerate(GROUPS):
        first, second = (a[group], b[group]) if n % 2 == 0 else (b[group], a[group])
        if first - second not in (0, 1):
            out.append(f"split: {group} has {a[group]} units in tune and {b[group]} in test")
    for group in set(a) | set(b):
        if group not in GROUPS:
            out.append(f"split: unknown kind {group!r}")
    return out


def check(name: str) -> list[str]:
    """Print a collection's summary lines and return its problems."""
    with tempfile.TemporaryDirectory() as tmp:
        texts = ingested_texts(name, Path(tmp))
    print(f"{name}: {len(texts)} documents ingested: " + "; ".join(sorted(texts)))
    found: list[str] = []
    seen: set[str] = set()
    halves = {}
    for half in HALVES:
        path = ROOT / "bench" / "answers" / f"{name}_{half}.yaml"
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        halves[half] = questions
        found += [f"{path.name}: {p}" for p in problems(questions, texts, seen)]
        facts = sum(len(q.get("facts") or [q["fact"]]) for q in questions if q.get("sources"))
        kinds = Counter(q["kind"] for q in questions)
        print(
            f"{path.name}: {len(questions)} questions, {facts} facts checked, "
            f"{sum(1 for q in questions if not q.get('sources'))} unanswerable; "
            + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        )
    found += split_problems(halves["tune"], halves["test"])
    prefixes = {q["id"].split("-", 1)[0] for qs in halves.values() for q in qs}
    if len(prefixes) != 1:
        found.append(f"ids do not share one prefix: {', '.join(sorted(prefixes))}")
    used = {t for qs in halves.values() for q in qs for t in q["sources"]}
    print("documents no question cites: " + (", ".join(sorted(set(texts) - used)) or "none"))
    return [f"{name}: {line}" for line in found]


def main(argv: list[str]) -> None:
    names = argv or list(COLLECTIONS)
    for name in names:
        if not (ROOT / "examples" / name).is_dir():
            raise SystemExit(f"no collection examples/{name}; name one of {', '.join(COLLECTIONS)}")
    found = [line for name in names for line in check(name)]
    for line in found:
        print(line)
    print(f"{len(found)} problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
