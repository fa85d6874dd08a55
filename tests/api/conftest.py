from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from colonnade.api import create_app
from colonnade.container import Container
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.knowledge.sources import FolderSource
from colonnade.settings import Settings
from tests.conftest import HANDBOOK
from tests.servers import serve


@dataclass
class Api:
    url: str
    key: str
    container: Container

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.key}", **headers},
            timeout=60,
        )


def start_api(data: Path, minilm: MiniLMEmbedder, **settings: object) -> Iterator[Api]:
    s = Settings(storage={"data_dir": data}, **settings)  # type: ignore[arg-type]
    c = Container(s)
    c.__dict__["embedder"] = minilm
    report = c.ingestor.ingest(FolderSource(HANDBOOK, exclude=s.ingestion.exclude), "handbook")
    assert report.ok, report.failed
    with serve(create_app(s, container=c)) as url:
        key = s.api.api_key.get_secret_value() if s.api.api_key else None
        yield Api(url, key or (data / "api_key").read_text().strip(), c)
    c.close()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(tmp_path_factory.mktemp("api"), minilm, api={"max_body_bytes": 64 * 1024})


@pytest.fixture
def client(api: Api) -> Iterator[httpx.Client]:
    with api.client() as c:
        yield c
