"""``colonnade predict batch``: score a CSV or Parquet file in chunks, resumably.

The input is read a chunk at a time (Arrow's streaming readers), so memory stays flat
however large the file. Each scored chunk is written as its own Parquet part next to
the output and recorded in a manifest; a rerun after a crash skips the parts already
written. When every chunk is in, the parts are joined into the output file (CSV or
Parquet, by its suffix) one at a time, and removed.

Chunks are scored through an ``Executor``: in this process, or on a Dask cluster when
``compute.dask_scheduler`` is set. A worker gets a ``ChunkScorer`` (the model as ONNX
bytes or a picklable estimator, its encoder and threshold) and the chunk; this process
writes the parts and the manifest in order, so the output is the same either way.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from colonnade.compute import Executor, LocalExecutor
from colonnade.errors import InvalidInput
from colonnade.mlplatform.modeling import Encoder
from colonnade.mlplatform.runtime import ServedVersion

__all__ = ["BatchResult", "ChunkScorer", "score_file"]

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class BatchResult:
    rows: int
    chunks: int
    resumed_chunks: int
    output: Path


def _chunks(path: Path, size: int) -> tuple[Iterator[pa.RecordBatch], int | None]:
    if path.suffix == ".parquet":
        file = pq.ParquetFile(path)
        return file.iter_batches(batch_size=size), file.metadata.num_rows
    if path.suffix == ".csv":
        reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 20))

        def rebatch() -> Iterator[pa.RecordBatch]:
            pending: list[pa.RecordBatch] = []
            count = 0
            for block in reader:
                pending.append(block)
                count += block.num_rows
                while count >= size:
                    table = pa.Table.from_batches(pending).combine_chunks()
                    yield from table.slice(0, size).to_batches(max_chunksize=size)
                    rest = table.slice(size)
                    pending, count = rest.to_batches(), rest.num_rows
            if count:
                yield from pa.Table.from_batches(pending).combine_chunks().to_batches(size)

        return rebatch(), None
    raise InvalidInput(f"{path.name}: use a .csv or .parquet file")


_SESSIONS: dict[int, Any] = {}


@dataclass(frozen=True)
class ChunkScorer:
    """What a worker needs to score a chunk; it pickles (an ONNX session does not)."""

    version: str
    names: list[str]
    threshold: float
    encoder: Encoder
    model: Any  # ONNX bytes, or a scikit-learn estimator

    @classmethod
    def of(cls, served: ServedVersion) -> ChunkScorer:
        spec = served.spec
        return cls(
            served.version, list(spec.names), spec.threshold, served.encoder, served.portable
        )

    def _score(self, x: np.ndarray) -> np.ndarray:
        if not isinstance(self.model, bytes):
            out: np.ndarray = self.model.predict_proba(x)[:, 1]
            return out
        key = hash(self.model)
        if key not in _SESSIONS:  # one session per model per worker
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            _SESSIONS[key] = ort.InferenceSession(
                self.model, options, providers=["CPUExecutionProvider"]
            )
        scored: np.ndarray = _SESSIONS[key].run(["probabilities"], {"X": x})[0][:, 1]
        return scored

    def __call__(self, batch: pa.RecordBatch) -> pa.Table:
        names = self.names
        frame = batch.to_pandas()
        bad = frame[names].isna().any(axis=1).to_numpy()
        x = self.encoder.frame_matrix(frame.fillna({c: 0 for c in names}))
        probs = self._score(x).astype(np.float64)
        probs[bad] = np.nan
        out = batch.append_column("probability", pa.array(probs, mask=bad))
        labels = pa.array((probs >= self.threshold).astype(np.int8), mask=bad)
        out = out.append_column("prediction", labels)
        out = out.append_column("model_version", pa.array([self.version] * batch.num_rows))
        return pa.Table.from_batches([out])


def _scored(pair: tuple[ChunkScorer, pa.RecordBatch]) -> pa.Table:
    scorer, batch = pair
    return scorer(batch)


def score_file(
    served: ServedVersion,
    source: Path,
    output: Path,
    *,
    chunk_rows: int = 50_000,
    progress: Progress = lambda done, total: None,
    executor: Executor | None = None,
) -> BatchResult:
    if not source.exists():
        raise InvalidInput(f"no input file at {source}")
    if output.suffix not in (".csv", ".parquet"):
        raise InvalidInput(f"{output.name}: the output is a .csv or .parquet file")
    parts = output.with_name(output.name + ".parts")
    manifest_path = parts / "manifest.json"
    key = {
        "source": str(source.resolve()),
        "size": source.stat().st_size,
        "model": served.model,
        "version": served.version,
        "chunk_rows": chunk_rows,
    }
    manifest: dict[str, Any] = {"key": key, "done": []}
    if manifest_path.exists():
        found = json.loads(manifest_path.read_text())
        if found.get("key") == key:
            manifest = found
        else:
            shutil.rmtree(parts)
    parts.mkdir(parents=True, exist_ok=True)
    done = set(manifest["done"])
    batches, total = _chunks(source, chunk_rows)
    names = served.spec.names
    scorer = ChunkScorer.of(served)
    counts = {"rows": 0, "chunks": 0, "resumed": 0}
    todo: list[int] = []

    def fresh() -> Iterator[tuple[ChunkScorer, pa.RecordBatch]]:
        for n, batch in enumerate(batches):
            counts["chunks"] += 1
            if n in done:
                counts["resumed"] += 1
                counts["rows"] += batch.num_rows
                progress(counts["rows"], total)
                continue
            missing = [c for c in names if c not in batch.schema.names]
            if missing:
                raise InvalidInput(
                    f"{source.name}: no column {missing[0]!r} (the model takes {', '.join(names)})"
                )
            todo.append(n)
            yield scorer, batch

    for table in (executor or LocalExecutor()).map(_scored, fresh()):
        n = todo.pop(0)
        pq.write_table(table, parts / f"part-{n:06d}.parquet")
        manifest["done"].append(n)
        tmp = manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest))
        tmp.replace(manifest_path)  # a part counts only once the manifest says so
        counts["rows"] += table.num_rows
        progress(counts["rows"], total)
    rows, count, resumed = counts["rows"], counts["chunks"], counts["resumed"]
    _join(sorted(parts.glob("part-*.parquet")), output)
    shutil.rmtree(parts)
    return BatchResult(rows=rows, chunks=count, resumed_chunks=resumed, output=output)


def _join(parts: list[Path], output: Path) -> None:
    tmp = output.with_name(output.name + ".tmp")
    if not parts:
        raise InvalidInput("the input has no rows")
    schema = pq.read_schema(parts[0])
    if output.suffix == ".parquet":
        with pq.ParquetWriter(tmp, schema) as writer:
            for part in parts:
                writer.write_table(pq.read_table(part))
    else:
        with pacsv.CSVWriter(tmp, schema) as writer:
            for part in parts:
                writer.write_table(pq.read_table(part))
    tmp.replace(output)
