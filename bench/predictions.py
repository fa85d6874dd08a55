"""The sample churn model served three ways, side by side in one run.

1. Colonnade's ``POST /v1/predictions`` (one uvicorn worker: API-key auth, RBAC,
   validation, micro-batching, ONNX Runtime, per-version metrics, prediction log);
2. ``mlflow models serve`` on the same registered version (``--env-manager local``,
   this venv's bin on PATH), one row per ``dataframe_records`` request;
3. in-process ONNX Runtime on batches of 1,024 rows: the limit, no HTTP at all.

One row per request, at concurrency 1 and 32, from a lean keep-alive HTTP/1.1 client
(raw asyncio sockets, so the load generator costs little of the 2 shared cores).
Reports requests/s, p50/p99 latency, shed (non-200) requests and CPU ms per request
of the server process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from cpu_time import cpu_seconds  # noqa: E402
from gateway import free_port, start_colonnade  # noqa: E402

KEY = "col_bench_0123456789abcdef"
ROW = {
    "contract": "month-to-month",
    "payment_method": "electronic-check",
    "tenure_months": 3.0,
    "monthly_charges": 99.5,
    "support_tickets": 4,
    "usage_gb": 20.0,
}
LEVELS = {1: 1000, 32: 8000}


def _request(path: str, body: dict[str, object], headers: dict[str, str]) -> bytes:
    data = json.dumps(body).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{head}Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


async def _load(
    port: int, request: bytes, concurrency: int, n: int
) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    shed = 0
    left = iter(range(n))

    async def worker() -> None:
        nonlocal shed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in left:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - t0) * 1000)
            shed += head[9:12] != b"200"
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - t0, shed


def _wait(
    port: int, request: bytes, process: subprocess.Popen[bytes], timeout: float = 240
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            _, _, shed = asyncio.run(_load(port, request, 1, 1))
            if not shed:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"server on port {port} did not answer within {timeout:.0f}s")


def _train(data: Path, console: Console) -> None:
    from colonnade.identity import Principal
    from colonnade.mlplatform.registry import Registry
    from colonnade.mlplatform.spec import load_pipeline
    from colonnade.mlplatform.training import train
    from colonnade.settings import Settings

    settings = Settings(storage={"data_dir": data})  # type: ignore[arg-type]
    if (data / "mlflow.db").exists():
        return
    spec = load_pipeline(ROOT / "examples" / "ml" / "churn.yaml")
    spec.train.tune.trials = 4
    console.print("  training the sample churn pipeline (4 tuning trials)")
    result = train(spec, settings, trained_by="bench")
    registry = Registry.from_settings(settings)
    approver = Principal(tenant="default", user="bench-approver", permissions=frozenset({"*"}))
    registry.promote("churn", result.version, "champion", approver)
    assert result.baseline is not None
    registry.promote(result.baseline[0], result.baseline[1], "champion", approver)


def _onnx_limit(data: Path) -> dict[str, float]:
    from colonnade.mlplatform.runtime import load_served
    from colonnade.settings import Settings

    served = load_served(Settings(storage={"data_dir": data}), "churn")  # type: ignore[arg-type]
    x = np.repeat(served.encoder.matrix([ROW]), 1024, axis=0)
    served.score(x)
    t0 = time.perf_counter()
    c0 = time.process_time()
    rounds = 200
    for _ in range(rounds):
        served.score(x)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"rows_per_s": rounds * 1024 / wall, "cpu_us_per_row": cpu / (rounds * 1024) * 1e6}


def run_predictions_bench(console: Console) -> dict[str, object]:
    data = ROOT / "bench" / ".data" / "predictions"
    data.mkdir(parents=True, exist_ok=True)
    _train(data, console)
    results: dict[str, object] = {"levels": LEVELS}
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "COLONNADE_STORAGE__DATA_DIR": str(data),
        "COLONNADE_LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        config = tmp / "colonnade.toml"
        config.write_text(
            f'[api]\napi_key = "{KEY}"\n[security.limits]\nenabled = false\n'
            "[security.cache]\nenabled = false\n"
        )
        servers: dict[str, tuple[int, bytes, subprocess.Popen[bytes]]] = {}
        port = free_port()
        colonnade = start_colonnade(port, {**env, "COLONNADE_CONFIG": str(config)})
        servers["Colonnade /v1/predictions"] = (
            port,
            _request(
                "/v1/predictions",
                {"model": "churn", "features": ROW},
                {"Authorization": f"Bearer {KEY}"},
            ),
            colonnade,
        )
        # the same app on two workers: the second core serves too
        port = free_port()
        two = start_colonnade(port, {**env, "COLONNADE_CONFIG": str(config)}, workers=2)
        servers["Colonnade /v1/predictions, 2 workers"] = (
            port,
            servers["Colonnade /v1/predictions"][1],
            two,
        )
        port = free_port()
        bin_dir = Path(sys.executable).parent
        mlflow = subprocess.Popen(
            [
                str(bin_dir / "mlflow"),
                "models",
                "serve",
                "-m",
                "models:/churn@champion",
                "--env-manager",
                "local",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            env={
                **env,
                "PATH": f"{bin_dir}:{env.get('PATH', '')}",
                "MLFLOW_TRACKING_URI": f"sqlite:///{data / 'mlflow.db'}",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers["mlflow models serve"] = (
            port,
            _request("/invocations", {"dataframe_records": [ROW]}, {}),
            mlflow,
        )
        try:
            for port, request, process in servers.values():
                _wait(port, request, process)
            table = Table(
                title=f"One churn row per request ({os.cpu_count()} shared cores, one worker each "
                "unless said)"
            )
            for col in ("server", "concurrency", "req/s", "p50 ms", "p99 ms", "shed", "CPU ms/req"):
                table.add_column(col, justify="left" if col == "server" else "right")
            rows: dict[str, dict[str, dict[str, float]]] = {}
            for name, (port, request, process) in servers.items():
                rows[name] = {}
                for concurrency, n in LEVELS.items():
                    n = n if "Colonnade" in name else max(500, n // 4)
                    asyncio.run(_load(port, request, concurrency, 200))  # warm
                    c0 = cpu_seconds(process.pid)
                    lat, wall, shed = asyncio.run(_load(port, request, concurrency, n))
                    cpu = cpu_seconds(process.pid) - c0
                    row = {
                        "rps": n / wall,
                        "p50_ms": float(np.percentile(lat, 50)),
                        "p99_ms": float(np.percentile(lat, 99)),
                        "shed": shed,
                        "cpu_ms_per_req": cpu / n * 1000,
                        "requests": n,
                    }
                    rows[name][str(concurrency)] = row
                    table.add_row(
                        name,
                        str(concurrency),
                        f"{row['rps']:.0f}",
                        f"{row['p50_ms']:.2f}",
                        f"{row['p99_ms']:.2f}",
                        str(shed),
                        f"{row['cpu_ms_per_req']:.2f}",
                    )
            limit = _onnx_limit(data)
            table.add_row(
                "onnxruntime in-process, batches of 1,024 (the limit)",
                "-",
                f"{limit['rows_per_s']:.0f} rows/s",
                "",
                "",
                "",
                f"{limit['cpu_us_per_row'] / 1000:.4f}",
            )
            console.print(table)
            ours, theirs = rows["Colonnade /v1/predictions"], rows["mlflow models serve"]
            ratio = ours["32"]["rps"] / theirs["32"]["rps"]
            console.print(
                f"  at c=32: Colonnade {ratio:.1f}x mlflow models serve (target >= 5x), "
                f"p99 {ours['32']['p99_ms']:.1f} ms (target <= 100), shed {ours['32']['shed']:.0f}; "
                f"at c=1: p50 {ours['1']['p50_ms']:.2f} ms (target <= 2)"
            )
            scaling = rows["Colonnade /v1/predictions, 2 workers"]["32"]["rps"] / ours["32"]["rps"]
            console.print(f"  at c=32: 2 workers serve {scaling:.2f}x the requests/s of one")
            results.update(
                {
                    "servers": rows,
                    "onnx_limit": limit,
                    "ratio_c32": ratio,
                    "workers_2_vs_1": scaling,
                }
            )
        finally:
            for _, _, process in servers.values():
                process.terminate()
            for _, _, process in servers.values():
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    return results


if __name__ == "__main__":  # prints the table; `bench/run.py predictions` also saves it
    run_predictions_bench(Console())
