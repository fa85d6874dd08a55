"""Features through Feast: a repository Colonnade writes, point-in-time training sets, online reads.

The repository lives under the data directory (``ml.feature_repo``): a file offline
store, and a SQLite online store by default or Redis at scale
(``ml.feature_online_store = "host:port"``). Entities and feature views are made from
a pipeline's declaration, so ``colonnade features apply PIPELINE`` needs no Python
feature definitions.

Point-in-time semantics, made explicit: for each entity row at time ``t`` the
training set holds the newest feature row with ``event_timestamp <= t`` (ties broken
by the later ``created`` time, so a late-arriving correction wins), and only if that
row is at most the view's TTL old. Feast's file offline store *drops* entity rows
whose newest feature row is older than the TTL; ``training_set`` puts them back with
missing features and counts them, so a label is never lost without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from colonnade.errors import InvalidInput, NotFound
from colonnade.mlplatform.spec import FeatureSpec, PipelineSpec
from colonnade.observability import get_logger
from colonnade.settings import Settings

if TYPE_CHECKING:
    from feast import FeatureStore

__all__ = ["FeatureRepository", "TrainingSet"]

log = get_logger(__name__)
ROW_KEY = "__row"


@dataclass(frozen=True)
class TrainingSet:
    frame: pd.DataFrame  # the entity rows, in their order, with the features joined
    stale: int  # rows whose newest feature row was older than the TTL (features missing)
    missing: int  # rows with no feature row at or before their timestamp


class FeatureRepository:
    def __init__(self, repo: Path, *, online_store: str = "sqlite", project: str = "colonnade"):
        self.repo = repo
        self.online_store = online_store
        self.project = project
        self._store: FeatureStore | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> FeatureRepository:
        """``ml.feature_repo`` (default ``<data_dir>/features``), ``ml.feature_online_store``."""
        repo = settings.ml.feature_repo or settings.storage.data_dir / "features"
        return cls(repo.resolve(), online_store=settings.ml.feature_online_store)

    def _config(self) -> str:
        if self.online_store == "sqlite":
            online = f"  type: sqlite\n  path: {self.repo / 'online.db'}\n"
        else:
            online = f"  type: redis\n  connection_string: {self.online_store}\n"
        return (
            f"project: {self.project}\nregistry: {self.repo / 'registry.db'}\nprovider: local\n"
            f"online_store:\n{online}offline_store:\n  type: file\n"
            "entity_key_serialization_version: 3\n"
        )

    @property
    def store(self) -> FeatureStore:
        if self._store is None:
            from feast import FeatureStore

            self.repo.mkdir(parents=True, exist_ok=True)
            config = self.repo / "feature_store.yaml"
            text = self._config()
            if not config.exists() or config.read_text() != text:
                config.write_text(text)
            self._store = FeatureStore(repo_path=str(self.repo))
        return self._store

    def apply(self, spec: PipelineSpec, features_path: Path) -> list[str]:
        """Register the pipeline's entity and feature view; returns what was applied."""
        from feast import Entity, FeatureView, Field, FileSource, ValueType
        from feast.types import Float64, Int64, String

        fs = _feature_store_spec(spec)
        if not features_path.exists():
            raise InvalidInput(
                f"no feature file at {features_path}: run `colonnade train` or write the file first"
            )
        entity = Entity(
            name=spec.entity or "", join_keys=[spec.entity or ""], value_type=ValueType.INT64
        )
        types = {"float": Float64, "int": Int64, "bool": Int64, "category": String}
        source = FileSource(
            name=f"{fs.view}_source",
            path=str(features_path),
            timestamp_field=spec.timestamp or "event_timestamp",
            created_timestamp_column="created",
        )
        view = FeatureView(
            name=fs.view,
            entities=[entity],
            ttl=timedelta(days=fs.ttl_days),
            schema=[Field(name=name, dtype=types[kind]) for name, kind in _view_columns(spec)],
            source=source,
            online=True,
        )
        self.store.apply([entity, view])
        return [f"entity {entity.name}", f"feature view {view.name} (ttl {fs.ttl_days:g} days)"]

    def refs(self, view: str, names: list[str]) -> list[str]:
        return [f"{view}:{name}" for name in names]

    def training_set(self, spec: PipelineSpec, entity_rows: pd.DataFrame) -> TrainingSet:
        """A point-in-time correct join of ``entity_rows`` (entity, timestamp, …) with the view."""
        fs = _feature_store_spec(spec)
        ts = spec.timestamp or "event_timestamp"
        rows = entity_rows.reset_index(drop=True).copy()
        rows[ROW_KEY] = range(len(rows))
        names = [name for name, _ in _view_columns(spec)]
        got = self.store.get_historical_features(
            entity_df=rows, features=self.refs(fs.view, names)
        ).to_df()
        got = got.set_index(ROW_KEY).sort_index()
        frame = rows.set_index(ROW_KEY).join(got[names], how="left").reset_index(drop=True)
        absent = frame[names].isna().all(axis=1)
        # which of the absent rows had some (too old) feature row: stale rather than missing
        earliest = self._earliest(spec).reindex(rows[spec.entity or ""]).to_numpy()
        had_any = pd.Series(earliest).notna() & (
            pd.to_datetime(pd.Series(earliest), utc=True) <= rows[ts].to_numpy()
        )
        stale = int((absent & had_any.to_numpy()).sum())
        return TrainingSet(frame=frame, stale=stale, missing=int(absent.sum()) - stale)

    def _earliest(self, spec: PipelineSpec) -> pd.Series:
        fs = _feature_store_spec(spec)
        assert fs.features_path is not None
        ts = spec.timestamp or "event_timestamp"
        frame = pd.read_parquet(fs.features_path, columns=[spec.entity or "", ts])
        return frame.groupby(spec.entity or "")[ts].min()

    def materialize(self, start: datetime, end: datetime) -> None:
        self.store.materialize(start_date=start, end_date=end)

    def online(
        self, view: str, features: list[FeatureSpec], entity: str, ids: list[Any]
    ) -> list[dict[str, Any]]:
        """The latest materialised features of each id; ``NotFound`` names an unknown one."""
        got = self.store.get_online_features(
            features=self.refs(view, [f.name for f in features]),
            entity_rows=[{entity: i} for i in ids],
        ).to_dict()
        rows: list[dict[str, Any]] = []
        for n, ident in enumerate(ids):
            row = {f.name: got[f.name][n] for f in features}
            if all(v is None for v in row.values()):
                raise NotFound(
                    f"no features for {entity} {ident!r} in the online store: check the id, "
                    "or run `colonnade features materialize`"
                )
            rows.append(row)
        return rows


def _feature_store_spec(spec: PipelineSpec) -> Any:
    if spec.feature_store is None or spec.entity is None:
        raise InvalidInput(
            f"pipeline {spec.name!r} declares no feature_store (and entity): nothing to apply"
        )
    return spec.feature_store


def _view_columns(spec: PipelineSpec) -> list[tuple[str, str]]:
    """The model's features, then the columns evaluation reports by (segments, fairness)."""
    columns: list[tuple[str, str]] = [(f.name, f.type) for f in spec.features]
    extra = [*spec.evaluate.segments, spec.evaluate.fairness_attribute]
    declared = {name for name, _ in columns}
    for name in extra:
        if name and name not in declared:
            columns.append((name, "category"))
            declared.add(name)
    return columns
