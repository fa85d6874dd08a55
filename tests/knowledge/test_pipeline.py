from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from colonnade.container import Container
from colonnade.knowledge.models import Filters
from colonnade.knowledge.sources import FolderSource, open_source
from tests.conftest import HANDBOOK, ROOT


def source(c: Container, path: Path) -> FolderSource:
    return FolderSource(path, exclude=c.settings.ingestion.exclude)


def test_ingests_the_handbook_incrementally(container: Container, handbook_copy: Path) -> None:
    first = container.ingestor.ingest(source(container, handbook_copy), "hb")
    assert first.ok
    assert (first.seen, first.added) == (27, 27)
    assert first.chunks > 27
    again = container.ingestor.ingest(source(container, handbook_copy), "hb")
    assert (again.added, again.updated, again.skipped, again.chunks) == (0, 0, 27, 0)

    leave = handbook_copy / "hr" / "sick-leave.md"
    leave.write_text(leave.read_text().replace("10:00", "09:30"))
    (handbook_copy / "it" / "vpn-access.html").unlink()
    third = container.ingestor.ingest(source(container, handbook_copy), "hb")
    assert (third.updated, third.deleted, third.skipped) == (1, 1, 25)
    hits = container.retriever.search("notify your manager sick", top_k=3).hits
    assert "09:30" in hits[0].text
    assert not container.store.keyword_search("WireGuard", Filters(), 5)


def test_metadata_and_acl_from_front_matter_and_sidecars(handbook_container: Container) -> None:
    docs = {d.source_uri.rsplit("/", 1)[-1]: d for d in handbook_container.store.list_documents()}
    assert docs["access-reviews.docx"].acl == {"groups": ["it-admins", "security-team"]}
    assert docs["annual-leave-policy.md"].metadata["department"] == "hr"
    assert docs["expense-limits.html"].metadata["owner"] == "Finance"
    assert {d.doc_type for d in docs.values()} == {"markdown", "html", "pdf", "docx"}
    assert all(d.language == "en" for d in docs.values())


def test_bad_files_are_reported_and_the_rest_goes_on(
    container: Container, handbook_copy: Path
) -> None:
    container.settings.ingestion.max_file_bytes = 200_000
    container.__dict__.pop("ingestor", None)
    assert container.ingestor.ingest(source(container, handbook_copy), "hb").ok
    good_pdf = handbook_copy / "hr" / "code-of-conduct.pdf"
    bad = handbook_copy / "bad"
    bad.mkdir()
    (bad / "empty.md").write_bytes(b"")
    (bad / "binary.txt").write_bytes(os.urandom(4096).replace(b"\x00", b"") + b"\x00" * 64)
    (bad / "big.txt").write_bytes(b"word " * 50_000)
    (bad / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> trailer garbage")
    (bad / "dangling.md").symlink_to(bad / "missing-target.md")
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(good_pdf).pages:
        writer.add_page(page)
    writer.encrypt("pw")
    with (bad / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    # a file that was indexed fine becomes corrupt: its indexed version is kept
    good_pdf.write_bytes(b"%PDF-1.4 truncated")

    report = container.ingestor.ingest(source(container, handbook_copy), "hb")
    reasons = {f.source_uri.rsplit("/", 1)[-1]: f.reason for f in report.failed}
    assert (
        reasons
        == {
            "empty.md": "empty",
            "binary.txt": "binary",
            "big.txt": "too_large",
            "broken.pdf": "corrupt",
            "locked.pdf": "encrypted",
            "code-of-conduct.pdf": "corrupt",
            "missing-target.md": "unreadable",
        }
        or reasons.get("dangling.md") == "unreadable"
    )
    assert report.skipped == 26 and report.deleted == 0
    assert all(f.message for f in report.failed)
    hits = container.retriever.search("gifts hospitality value per person", top_k=1).hits
    assert hits[0].title == "Code of Conduct"


def test_killed_run_leaves_no_half_written_document(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(120):
        paras = "\n\n".join(
            f"Paragraph {j} of note {i} about topic {i * j}." * 8 for j in range(12)
        )
        (corpus / f"note-{i:03}.md").write_text(f"# Note {i}\n\n{paras}\n")
    data = tmp_path / "data"
    env = {**os.environ, "COLONNADE_STORAGE__DATA_DIR": str(data)}
    cmd = [sys.executable, "-m", "colonnade", "ingest", str(corpus), "-C", "notes"]
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    db = data / "colonnade.db"
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                written = (
                    sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]
                )
            except sqlite3.OperationalError:
                written = 0
            if written >= 3:
                break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert written >= 3, "the run should have written some documents before being killed"
    conn = sqlite3.connect(db)
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 0 < docs < 120
    orphans = conn.execute(
        """SELECT count(*) FROM documents d WHERE NOT EXISTS
           (SELECT 1 FROM chunks c WHERE c.document_id = d.id)"""
    ).fetchone()[0]
    unvectored = conn.execute(
        "SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id)"
    ).fetchone()[0]
    fts, chunks = (
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("chunks_fts", "chunks")
    )
    assert (orphans, unvectored, fts) == (0, 0, chunks)
    conn.close()
    # the next run finishes the job
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "120" in done.stdout
    assert sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0] == 120


def test_single_file_source_never_deletes(container: Container, handbook_copy: Path) -> None:
    container.ingestor.ingest(source(container, handbook_copy), "hb")
    report = container.ingestor.ingest(open_source(handbook_copy / "hr" / "sick-leave.md"), "hb")
    assert (report.seen, report.skipped, report.deleted) == (1, 1, 0)
    assert len(container.store.list_documents("hb")) == 27


def test_include_and_exclude_globs(container: Container) -> None:
    src = FolderSource(HANDBOOK, include=["**/*.md"], exclude=["engineering/**"])
    names = sorted(i.name for i in src.items())
    assert names and all(n.endswith(".md") for n in names)
    assert "on-call-handbook.md" not in names
    with pytest.raises(Exception, match="does not exist"):
        open_source(HANDBOOK / "nope")
