from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from colonnade.settings import load_settings


def test_env_nesting_and_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text('[retrieval]\ntop_k = 4\nrrf_k = 30\n[storage]\ndata_dir = "/tmp/x"\n')
    monkeypatch.setenv("COLONNADE_RETRIEVAL__TOP_K", "6")
    s = load_settings(toml)
    assert s.retrieval.top_k == 6  # env wins over the file
    assert s.retrieval.rrf_k == 30
    assert s.storage.sqlite_path() == Path("/tmp/x/colonnade.db")


def test_invalid_values_fail_with_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLONNADE_INGESTION__CHUNK_OVERLAP", "500")
    with pytest.raises(ValidationError, match="chunk_overlap"):
        load_settings()


def test_placeholder_secret_fails_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLONNADE_ENVIRONMENT", "production")
    monkeypatch.setenv("COLONNADE_EMBEDDINGS__PROVIDER", "openai")
    monkeypatch.setenv("COLONNADE_EMBEDDINGS__API_KEY", "changeme")
    with pytest.raises(ValidationError, match="COLONNADE_EMBEDDINGS__API_KEY"):
        load_settings()


def test_missing_config_file() -> None:
    with pytest.raises(FileNotFoundError, match="not found"):
        load_settings(Path("/nonexistent/colonnade.toml"))


def test_colonnade_data_dir_is_the_short_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text(
        '[storage]\ndata_dir = "/tmp/from-file"\ndatabase_url = "sqlite:////tmp/f.db"\n'
    )
    monkeypatch.delenv("COLONNADE_STORAGE__DATA_DIR", raising=False)
    monkeypatch.setenv("COLONNADE_DATA_DIR", str(tmp_path / "short"))
    s = load_settings(toml)
    assert s.storage.data_dir == tmp_path / "short"
    assert s.storage.database_url == "sqlite:////tmp/f.db"  # the rest of the section stays
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "nested"))
    assert load_settings(toml).storage.data_dir == tmp_path / "nested"
