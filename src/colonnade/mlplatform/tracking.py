"""Where MLflow keeps runs, artifacts and the registry: SQLite and a local folder by default.

``ml.tracking_uri`` points at any MLflow server instead (``http://mlflow:5000``); its
artifact store is then the server's.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from colonnade.settings import Settings

if TYPE_CHECKING:
    from mlflow import MlflowClient

__all__ = ["Tracking"]


@dataclass(frozen=True)
class Tracking:
    uri: str
    artifacts: Path
    cache: Path  # downloaded serving artifacts, per model version

    @classmethod
    def from_settings(cls, settings: Settings) -> Tracking:
        data = settings.storage.data_dir.resolve()
        ml = settings.ml
        uri = ml.tracking_uri or f"sqlite:///{data / 'mlflow.db'}"
        artifacts = (ml.artifacts_dir or data / "mlartifacts").resolve()
        return cls(uri=uri, artifacts=artifacts, cache=data / "ml" / "serving")

    def exists(self) -> bool:
        """False while a local registry has not been made: nothing to serve, nothing imported."""
        if self.uri.startswith("sqlite:///"):
            return Path(self.uri.removeprefix("sqlite:///")).exists()
        return True

    def stamp(self) -> tuple[int, ...] | None:
        """Changes whenever a local registry is written; None for a remote one (always ask)."""
        if not self.uri.startswith("sqlite:///"):
            return None
        path = Path(self.uri.removeprefix("sqlite:///"))
        out: list[int] = []
        for p in (path, path.with_name(path.name + "-wal")):
            try:
                st = p.stat()
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)

    def client(self) -> MlflowClient:
        _quiet()
        from mlflow import MlflowClient

        if self.uri.startswith("sqlite:///"):
            Path(self.uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    def experiment(self, name: str) -> str:
        """The experiment's id, made with local artifacts the first time."""
        client = self.client()
        found = client.get_experiment_by_name(name)
        if found is not None:
            return str(found.experiment_id)
        location = None if self.uri.startswith("http") else self.artifacts.as_uri()
        return str(client.create_experiment(name, artifact_location=location))

    def activate(self) -> None:
        """Point the fluent ``mlflow.*`` API (runs, log_model) here."""
        _quiet()
        import mlflow

        mlflow.set_tracking_uri(self.uri)
        mlflow.set_registry_uri(self.uri)


def _quiet() -> None:
    # MLflow's own INFO lines (alembic migrations, "created version") drown the CLI's output
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    # a tracking server that is down fails in seconds, not minutes (7 retries by default)
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "3")
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # the cloudpickle format is chosen on purpose (see training._register)
    logging.getLogger("mlflow.sklearn").setLevel(logging.ERROR)
    # MLflow's SQLAlchemy store configures a loader SQLAlchemy 2.1 deprecates
    warnings.filterwarnings(
        "ignore", message="The ``noload`` loader strategy", category=DeprecationWarning
    )
    # and warns about its own type hints while importing mlflow.pyfunc
    warnings.filterwarnings("ignore", message=".*Any type hint is inferred as AnyType")
