"""The pruned keyword search against the full-scan query it replaced, on a varied corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from typer.testing import CliRunner

from colonnade.cli.main import app as cli
from colonnade.knowledge.models import Access, Filters
from colonnade.knowledge.query_text import keyword_terms
from colonnade.knowledge.stores.postgres import PostgresKnowledgeStore
from colonnade.knowledge.stores.postgres_keyword import bm25_top_k
from colonnade.knowledge.stores.postgres_sql import pg_filter_sql
from colonnade.storage.migrations import HERE, current
from tests.knowledge.store_contract import make_doc
from tests.knowledge.stores.bm25_reference import reference_keyword_search
from tests.postgres import PostgresServer, database

# a Zipf-like vocabulary: a few words in most chunks, many in a handful; inflected forms
# stem together ("flows", "flowing"), and "o'brien" and "x86" test odd lexemes
WORDS = (
    "flow layer boundary heat wing shock plate cone pipe airfoil lift drag turbulent laminar"
    " transonic supersonic flutter thickness separation vortex wake nozzle jet stall flows"
    " flowing layered plates o'brien x86 kármán reynolds mach prandtl strouhal"
).split()
QUERIES = [
    "flow",
    "flow layer boundary",
    "boundary layer flow heat",
    "flutter",
    "strouhal flow",
    "mach reynolds flow layer",
    "flows flowing flow",
    "turbulent turbulent wake",
    "kármán vortex",
    "o'brien x86",
    "nonexistentword flow",
    "nonexistentword",
    "title",
    "report plate",
]
FILTERS = {
    "none": Filters(),
    "acl": Filters(access=Access(user="u1", groups=("g1",))),
    "collection": Filters(collections=["small"]),
    "doc type": Filters(doc_types=["pdf"]),
    "metadata": Filters(metadata={"team": "red"}),
    "acl + collection": Filters(collections=["big"], access=Access(user="u2", groups=("g2",))),
    "other tenant": Filters(tenant="other"),
}


@pytest.fixture(scope="module")
def corpus(postgres_server: PostgresServer) -> Iterator[PostgresKnowledgeStore]:
    dbs = database(postgres_server)
    store = PostgresKnowledgeStore(next(dbs), pool_size=2)
    rng = np.random.default_rng(3)
    p = 1 / np.arange(1, len(WORDS) + 1) ** 1.1
    p /= p.sum()
    for name in ("big", "small"):
        store.ensure_collection(name)
        store.ensure_collection(name, tenant="other")
    for i in range(240):
        chunks = [
            " ".join(rng.choice(WORDS, size=int(rng.integers(3, 40)), p=p))
            for _ in range(int(rng.integers(1, 4)))
        ]
        title = f"Report {i} " + " ".join(rng.choice(WORDS, size=2, p=p[::-1] / p.sum()))
        store.write_document(
            make_doc(
                f"file:///{i}.md",
                chunks,
                collection="small" if i % 7 == 0 else "big",
                doc_type="pdf" if i % 3 == 0 else "markdown",
                metadata={"team": "red" if i % 4 == 0 else "blue"},
                title=title,
                acl={"groups": [f"g{i % 3}"]} if i % 5 else None,
                tenant="other" if i % 11 == 0 else "default",
            ),
            None,
            None,
        )
    # rewrites and deletes move the document frequencies both ways
    for i in range(0, 240, 9):
        rewrite = make_doc(f"file:///{i}.md", ["flutter wake"], collection="small")
        store.write_document(rewrite, None, None)
    for i in range(5, 240, 13):
        found = store.find_document("small" if i % 7 == 0 else "big", f"file:///{i}.md")
        if found:
            store.delete_document(found.id)
    yield store
    store.close()
    next(dbs, None)


@pytest.mark.parametrize("k", [1, 5, 20, 100])
@pytest.mark.parametrize("name", list(FILTERS))
def test_same_ids_and_scores_as_the_full_scan(
    corpus: PostgresKnowledgeStore, name: str, k: int
) -> None:
    for query in QUERIES:
        got = corpus.keyword_search(query, FILTERS[name], k)
        want = reference_keyword_search(corpus, query, FILTERS[name], k)
        assert [h.chunk_id for h in got] == [h.chunk_id for h in want], query
        assert [h.score for h in got] == pytest.approx([h.score for h in want], rel=1e-12)


def test_rare_terms_settle_the_top_k_before_the_common_ones(
    corpus: PostgresKnowledgeStore,
) -> None:
    """The pruning is taken: a rare term's chunks beat what the common ones could add."""
    steps = {}
    for query in ("strouhal flow layer", "flow layer boundary heat wing"):
        with corpus._snapshot() as fetch:
            rows, steps[query] = bm25_top_k(
                fetch, keyword_terms(query), pg_filter_sql(Filters()), 1, (3.0, 2.0)
            )
        want = reference_keyword_search(corpus, query, Filters(), 1)
        assert [r[0] for r in rows] == [h.chunk_id for h in want]
    assert steps["strouhal flow layer"] < 3


def test_postings_and_frequencies_follow_writes_and_deletes(corpus: PostgresKnowledgeStore) -> None:
    with psycopg.connect(corpus.url) as conn:
        kept = dict(conn.execute("SELECT lexeme, df FROM chunk_lexemes").fetchall())
        counted = dict(
            conn.execute(
                "SELECT u, count(*) FROM chunks, unnest(tsvector_to_array(tsv)) u GROUP BY u"
            ).fetchall()
        )
        postings = conn.execute(
            "SELECT lexeme, chunk_id, title_n, heading_n, body_n, chunk_len FROM chunk_postings"
            " ORDER BY 1, 2"
        ).fetchall()
        expected = conn.execute(
            "SELECT u.lexeme, c.id, cardinality(array_positions(u.weights, 'A')),"
            " cardinality(array_positions(u.weights, 'B')), cardinality(array_positions("
            "u.weights, 'C')) + cardinality(array_positions(u.weights, 'D')), c.fts_len"
            " FROM chunks c, unnest(c.tsv) u ORDER BY 1, 2"
        ).fetchall()
    assert kept == counted
    assert kept["flutter"] > 0
    assert postings == expected


def test_upgrade_counts_the_chunks_already_stored(postgres_url: str, tmp_path: Path) -> None:
    """A database from before ``chunk_lexemes``: `colonnade db upgrade` counts its chunks."""
    store = PostgresKnowledgeStore(postgres_url, pool_size=1)
    store.ensure_collection("c1")
    for i in range(30):
        words = " ".join(WORDS[j % len(WORDS)] for j in range(i, i + 3 * (i % 5) + 2))
        store.write_document(make_doc(f"file:///{i}.md", [words, "flow"]), None, None)
    store.close()
    config = Config()
    config.set_main_option("script_location", str(HERE / "postgresql"))
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "knowledge_0001")
    engine.dispose()
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('chunk_lexemes')").fetchone() == (None,)
    env = {
        "COLONNADE_STORAGE__DATA_DIR": str(tmp_path),
        "COLONNADE_STORAGE__DATABASE_URL": postgres_url,
    }
    up = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
    assert up.exit_code == 0, up.output
    assert current(postgres_url)["knowledge"] == "knowledge_0002"
    store = PostgresKnowledgeStore(postgres_url, pool_size=1)
    test_postings_and_frequencies_follow_writes_and_deletes(store)
    for query in ("flow", "boundary layer", "flutter transonic flow"):
        got = store.keyword_search(query, Filters(), 5)
        want = reference_keyword_search(store, query, Filters(), 5)
        assert [h.chunk_id for h in got] == [h.chunk_id for h in want], query
        assert [h.score for h in got] == pytest.approx([h.score for h in want], rel=1e-12)
    store.close()
