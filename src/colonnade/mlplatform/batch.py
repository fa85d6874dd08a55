"""``colonnade predict batch``: score a CSV or Parquet file in chunks, resumably.

The input is read a chunk at a time (Arrow's streaming readers), so memory stays flat
however large the file. Each scored chunk is written as its own Parquet part next to
the output and recorded in a manifest; a rerun after a crash skips the parts already
written. When every chunk is in, the parts are joined into the output file (CSV or
Parquet, by its suffix) one at a time, and removed.
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

from colonnade.errors import InvalidInput
from colonnade.mlplatform.runtime import ServedVersion

__all__ = ["BatchResult", "score_file"]

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


def score_file(
    served: ServedVersion,
    source: Path,
    output: Path,
    *,
    chunk_rows: int = 50_000,
    progress: Progress = lambda done, total: None,
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
    rows = resumed = count = 0
    for n, batch in enumerate(batches):
        count += 1
        rows += batch.num_rows
        if n in done:
            resumed += 1
            progress(rows, total)
            continue
        missing = [c for c in names if c not in batch.schema.names]
        if missing:
            raise InvalidInput(
                f"{source.name}: no column {missing[0]!r} (the model takes {', '.join(names)})"
            )
        frame = batch.to_pandas()
        bad = frame[names].isna().any(axis=1)
        x = served.encoder.frame_matrix(frame.fillna({c: 0 for c in names}))
        probs = served.score(x).astype(np.float64)
        probs[bad.to_numpy()] = np.nan
        out = batch.append_column("probability", pa.array(probs, mask=bad.to_numpy()))
        labels = pa.array((probs >= served.spec.threshold).astype(np.int8), mask=bad.to_numpy())
        out = out.append_column("prediction", labels)
        out = out.append_column("model_version", pa.array([served.version] * batch.num_rows))
        pq.write_table(pa.Table.from_batches([out]), parts / f"part-{n:06d}.parquet")
        manifest["done"].append(n)
        tmp = manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest))
        tmp.replace(manifest_path)  # a part counts only once the manifest says so
        progress(rows, total)
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
