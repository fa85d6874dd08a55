"""Check a sample collection's answer sets against the collection as ingested.

    PYTHONPATH=src .venv/bin/python scripts/check_answer_set.py [fabrikam|tailspin|wideworld|adventureworks|woodgrove|alpineski|handbook ...]

For each collection named (every one with a set when none is), ingests examples/<name> into a
temporary data directory the way the bench ingests the handbook, then checks its sets: the
halves bench/answers/<name>_tune.yaml and <name>_test.yaml where they exist, and the
conversation set <name>_conversations_tune.yaml where it exists. In every set each source is the
title of an ingested document, each fact is a substring of the text of one of its question's
sources, ids are unique across the collection's sets and share one prefix within a set, and
every follow-up follows an earlier question of the same set. A later turn (one with follows)
has kind followup unless it is marked standalone: true, a full question on another topic that
keeps the kind of its phrasing; standalone is only allowed on a later turn. The halves must have
the sizes the split rule gives (conversations, then each kind: alternate units between the
halves, the 1st, 3rd, ... group starting with tune). A conversation set holds only
conversations: each turn follows the one written right before it, and each conversation has 2
to 4 turns. Prints one line per problem and exits 1 if any.
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
COLLECTIONS = (
    "fabrikam",
    "tailspin",
    "wideworld",
    "adventureworks",
    "woodgrove",
    "alpineski",
    "handbook",
)
HALVES = ("tune", "test")
CONVERSATIONS = "conversations_tune"
TURNS = range(2, 5)
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
        standalone = q.get("standalone", False)
        if standalone not in (True, False):
            out.append(f"{qid}: standalone is {standalone!r}, not true or false")
        if standalone and not q.get("follows"):
            out.append(f"{qid}: standalone but follows nothing")
        elif standalone and q["kind"] == "followup":
            out.append(f"{qid}: a standalone turn has kind followup, not its phrasing's")
        elif q.get("follows") and not standalone and q["kind"] != "followup":
            out.append(f"{qid}: a later turn of a conversation has kind {q['kind']!r}")
        if not q.get("follows") and q["kind"] == "followup":
            out.append(f"{qid}: kind followup but follows nothing")
        if q["kind"] not in (*GROUPS, "followup") or q["kind"] == "conversation":
            out.append(f"{qid}: unknown kind {q['kind']!r}")
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


def conversation_problems(questions: list[dict[str, Any]]) -> list[str]:
    """A conversation set holds chains of 2 to 4 turns, each following the turn before it."""
    out = []
    turns: Counter[str] = Counter()
    first = ""
    for n, q in enumerate(questions):
        if q.get("follows"):
            if n == 0 or q["follows"] != questions[n - 1]["id"]:
                out.append(f"{q['id']}: follows {q['follows']}, not the turn written before it")
        else:
            first = q["id"]
        turns[first] += 1
    for qid, count in turns.items():
        if count not in TURNS:
            out.append(f"{qid}: a conversation of {count} turns, not {TURNS[0]} to {TURNS[-1]}")
    return out


def prefix_problems(questions: list[dict[str, Any]]) -> list[str]:
    prefixes = {q["id"].split("-", 1)[0] for q in questions}
    if len(prefixes) != 1:
        return [f"ids do not share one prefix: {', '.join(sorted(prefixes))}"]
    return []


def summary(path: Path, questions: list[dict[str, Any]]) -> str:
    facts = sum(len(q.get("facts") or [q["fact"]]) for q in questions if q.get("sources"))
    kinds = Counter(q["kind"] for q in questions)
    opened = {q["follows"] for q in questions if q.get("follows")}
    conversations = sum(1 for q in questions if not q.get("follows") and q["id"] in opened)
    return (
        f"{path.name}: {len(questions)} questions in {conversations} conversations, "
        f"{facts} facts checked, {sum(1 for q in questions if not q.get('sources'))} "
        f"unanswerable, {sum(1 for q in questions if q.get('standalone'))} standalone; "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    )


def set_path(name: str, part: str) -> Path:
    return ROOT / "bench" / "answers" / f"{name}_{part}.yaml"


def has_sets(name: str) -> bool:
    return any(set_path(name, part).is_file() for part in (*HALVES, CONVERSATIONS))


def check(name: str) -> list[str]:
    """Print a collection's summary lines and return its problems."""
    with tempfile.TemporaryDirectory() as tmp:
        texts = ingested_texts(name, Path(tmp))
    print(f"{name}: {len(texts)} documents ingested: " + "; ".join(sorted(texts)))
    found: list[str] = []
    seen: set[str] = set()
    sets: dict[str, list[dict[str, Any]]] = {}
    for part in (*HALVES, CONVERSATIONS):
        path = set_path(name, part)
        if not path.is_file():
            continue
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        sets[part] = questions
        found += [f"{path.name}: {p}" for p in problems(questions, texts, seen)]
        print(summary(path, questions))
    if any(half in sets for half in HALVES):
        halves = {half: sets.get(half, []) for half in HALVES}
        found += split_problems(halves["tune"], halves["test"])
        found += prefix_problems(halves["tune"] + halves["test"])
    if CONVERSATIONS in sets:
        path = set_path(name, CONVERSATIONS)
        lines = conversation_problems(sets[CONVERSATIONS]) + prefix_problems(sets[CONVERSATIONS])
        found += [f"{path.name}: {line}" for line in lines]
    used = {t for qs in sets.values() for q in qs for t in q["sources"]}
    print("documents no question cites: " + (", ".join(sorted(set(texts) - used)) or "none"))
    return [f"{name}: {line}" for line in found]


def main(argv: list[str]) -> None:
    names = argv or list(COLLECTIONS)
    for name in names:
        if not (ROOT / "examples" / name).is_dir() or not has_sets(name):
            raise SystemExit(
                f"no collection examples/{name} with an answer set; "
                f"name one of {', '.join(COLLECTIONS)}"
            )
    found = [line for name in names for line in check(name)]
    for line in found:
        print(line)
    print(f"{len(found)} problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
