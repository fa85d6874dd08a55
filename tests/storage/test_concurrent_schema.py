"""Processes that open one new SQLite file at once (the workers of one `serve`, a CLI
beside a server) create its schema once: one migrates, the others wait and find it current."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from colonnade.conversations import SQLiteConversationStore
from colonnade.knowledge.stores.sqlite import SQLiteKnowledgeStore


def _open(path: str) -> str:
    SQLiteKnowledgeStore(Path(path))
    SQLiteConversationStore(Path(path))
    return "ok"


def test_processes_opening_a_new_file_at_once_all_start(tmp_path: Path) -> None:
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(4) as pool:
        for round_ in range(6):
            path = str(tmp_path / f"round{round_}" / "colonnade.db")
            Path(path).parent.mkdir()
            assert pool.map(_open, [path] * 4) == ["ok"] * 4
