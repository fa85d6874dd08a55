from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from colonnade.container import Container
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
HANDBOOK = ROOT / "examples" / "handbook"


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(storage={"data_dir": tmp_path / "data"})  # type: ignore[arg-type]


@pytest.fixture
def container(settings: Settings, minilm: MiniLMEmbedder) -> Iterator[Container]:
    c = Container(settings)
    c.__dict__["embedder"] = minilm  # share the loaded model across tests
    yield c
    c.close()


@pytest.fixture
def handbook_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "handbook"
    shutil.copytree(HANDBOOK, dest)
    return dest


@pytest.fixture(scope="session")
def handbook_container(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder
) -> Iterator[Container]:
    """One store with the sample handbook ingested, shared by read-only tests."""
    data = tmp_path_factory.mktemp("handbook-store")
    c = Container(Settings(storage={"data_dir": data}))  # type: ignore[arg-type]
    c.__dict__["embedder"] = minilm
    from colonnade.knowledge.sources import FolderSource

    report = c.ingestor.ingest(
        FolderSource(HANDBOOK, exclude=c.settings.ingestion.exclude), "handbook"
    )
    assert report.ok, report.failed
    yield c
    c.close()
