"""Gateway overhead on POST /v1/chat/completions, three proxies side by side in one run.

One fast local upstream; in front of it, each as its own single-worker process:
Colonnade three times (routing, accounting, metrics and API-key auth always; then
the policy stack off; on: a managed API key looked up in SQLite, RBAC, rate limits
and token quotas counted, the completion cache looked up and filled, an audit record
per request; and on with Presidio's PII check of every prompt), a minimal Starlette +
httpx pass-through proxy, and LiteLLM's proxy from a separate venv
(``.venv-litellm``, made with ``pip install 'litellm[proxy]==1.76.3'`` when
``COLONNADE_BENCH_INSTALL_LITELLM=1``; left out otherwise).
For each: requests/s and p50/p99 latency at concurrency 1, 16 and 64, and CPU
milliseconds per request of the proxy process (its threads' scheduler counts in /proc,
in nanoseconds: the stable figure on a shared machine); then the median time to first streamed token against the
upstream called directly. Every figure is gathered in rounds that take the proxies in
turn, so that the machine's other work weighs on each the same.
``COLONNADE_BENCH_GATEWAY_ALSO=before=/path/to/src`` starts Colonnade's variants once more
from another source tree (another commit's ``src``), measured in the same rounds.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

from cpu_time import cpu_seconds
from gateway_ttft import ttft, ttft_httpx

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
LITELLM_VENV = Path(os.environ.get("COLONNADE_BENCH_LITELLM_VENV", ROOT / ".venv-litellm"))
BODY = {
    "model": "bench",
    "messages": [{"role": "user", "content": "What is the answer?"}],
    "max_tokens": 16,
    "temperature": 0,  # cacheable: every request pays the cache lookup (and a miss its fill)
}
KEY = "col_bench_0123456789abcdef"
LITELLM_KEY = "sk-" + "5f" * 32  # LiteLLM's proxy refuses to start without a master key
# a release known to work here (openai 3.x SDK, starlette 0.46), from before the releases that
# were pulled from PyPI as compromised; torch is ruled out so that nothing brings a CUDA build
LITELLM_PIN = "litellm[proxy]==1.76.3"
LEVELS = {1: 1200, 16: 1200, 64: 1200}
# each level is measured in rounds, every proxy once a round: a change in the load of a shared
# machine falls on all of them alike instead of on whichever proxy ran at the time
ROUNDS = 4
# a first token takes a millisecond or two: more, shorter rounds, so that a burst of the
# machine's other work falls on every path alike rather than on one
TTFT_ROUNDS = 10
# the traced server's span processor exports at most this long after a span ends
# (OpenTelemetry's OTEL_BSP_SCHEDULE_DELAY, 5 s by default): each round waits for it, so that
# the export's CPU counts in the round whose spans it sends, not in another proxy's
EXPORT_DELAY_MS = 100
EXPORT_WAIT_S = 0.25
TTFT_N = 400


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_colonnade(port: int, env: dict[str, str], *, workers: int = 1) -> subprocess.Popen[bytes]:
    """The Intelligence API as ``workers`` uvicorn workers on loopback, configured by ``env``,
    with the server options ``colonnade serve`` sets (no access log, no Server header)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "colonnade.api.app:create_app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--no-server-header",
            "--workers",
            str(workers),
        ],
        env=env,
    )


@dataclass
class Proxy:
    name: str
    url: str
    headers: dict[str, str]
    process: subprocess.Popen[bytes]


def wait_ready(
    url: str, headers: dict[str, str], process: subprocess.Popen[bytes], timeout: float = 180
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            r = httpx.post(f"{url}/v1/chat/completions", json=BODY, headers=headers, timeout=5)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def ensure_litellm(console: Console) -> Path | None:
    """LiteLLM's proxy from its own venv; made only when COLONNADE_BENCH_INSTALL_LITELLM=1
    (a few minutes of pip), otherwise the row is left out and said so."""
    python = LITELLM_VENV / "bin" / "python"
    if not (LITELLM_VENV / "bin" / "litellm").exists():
        if os.environ.get("COLONNADE_BENCH_INSTALL_LITELLM") != "1":
            console.print(
                f"  litellm proxy: not installed in {LITELLM_VENV.name}, left out (set "
                "COLONNADE_BENCH_INSTALL_LITELLM=1 to make it; ratios vs LiteLLM not measured)"
            )
            return None
        console.print(f"  making {LITELLM_VENV.name} with {LITELLM_PIN} (once; a few minutes) ...")
        subprocess.run([sys.executable, "-m", "venv", str(LITELLM_VENV)], check=True)
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as constraints:
            constraints.write("torch<0\n")  # no version matches: a dependency on torch fails
            constraints.flush()
            done = subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "-c", constraints.name, LITELLM_PIN],
                capture_output=True,
                text=True,
            )
        if done.returncode != 0:
            console.print(f"  [red]litellm could not be installed[/]: {done.stderr.strip()[-300:]}")
            return None
    return LITELLM_VENV / "bin" / "litellm"


def start_proxies(upstream: str, tmp: Path, console: Console) -> list[Proxy]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proxies: list[Proxy] = []
    port = free_port()
    minimal = subprocess.Popen(
        [sys.executable, str(HERE / "gateway_proxies.py"), "minimal", str(port), upstream], env=env
    )
    proxies.append(Proxy("minimal (Starlette+httpx)", f"http://127.0.0.1:{port}", {}, minimal))

    deployment = (
        f'[llm.deployments.bench]\npath = "managed"\nbase_url = "{upstream}/v1"\n'
        'api_key = "sk-bench"\nmodel = "bench-model"\nmax_retries = 0\n\n'
        '[llm.routes.bench]\ndeployments = ["bench"]\n'
    )
    off = (
        "[security.limits]\nenabled = false\n[security.cache]\nenabled = false\n"
        '[security.audit]\nenabled = false\n[safety]\npii = "off"\ninjection = "off"\n'
        'output_pii = "off"\n'
    )
    on = (
        '[security.limits]\nrequests = { key = "10000000/minute", user = "10000000/minute", '
        'tenant = "10000000/minute" }\ntokens = { key = "1000000000/minute", '
        'user = "1000000000/minute", tenant = "1000000000/minute" }\n'
        '[security.audit]\nquestion = "hash"\n'
    )
    # tracing on: a span per request, per layer and per provider attempt, kept in memory
    traced = '[tracing]\nenabled = true\nsink = "memory"\n'
    variants = {
        "colonnade, policy off": off,
        "colonnade, policy on": on + '[safety]\npii = "off"\n',
        "colonnade, policy on + tracing": on + '[safety]\npii = "off"\n' + traced,
        "colonnade, policy + PII": on + '[safety]\npii = "classify"\n',
    }
    # COLONNADE_BENCH_GATEWAY_ALSO="before=/path/to/other/src": each variant once more, from
    # that source tree, in the same rounds (another commit's figures beside this one's)
    trees = [("", {})]
    for spec in filter(None, os.environ.get("COLONNADE_BENCH_GATEWAY_ALSO", "").split(",")):
        label, _, src = spec.partition("=")
        trees.append((f"{label}: ", {"PYTHONPATH": str(Path(src).resolve())}))
    for (prefix, tree_env), (variant, policy) in itertools.product(trees, variants.items()):
        name = prefix + variant
        data = tmp / name.replace(" ", "_").replace(",", "").replace("+", "plus").replace(":", "")
        config = data / "colonnade.toml"
        data.mkdir()
        config.write_text(f'[api]\napi_key = "{KEY}"\n\n{deployment}\n{policy}')
        headers = {"Authorization": f"Bearer {KEY}"}
        if "off" not in name:  # a service's managed key, looked up on every request
            from colonnade.identity import ApiKeyStore

            store = ApiKeyStore(data / "colonnade.db")
            _, token = store.create(
                "bench", tenant="default", roles=("reader",), created_by="bench"
            )
            store.close()
            headers = {"Authorization": f"Bearer {token}"}
        port = free_port()
        process = start_colonnade(
            port,
            {
                **env,
                **tree_env,
                "COLONNADE_CONFIG": str(config),
                "COLONNADE_STORAGE__DATA_DIR": str(data),
                "COLONNADE_LOG_LEVEL": "WARNING",
                "OTEL_BSP_SCHEDULE_DELAY": str(EXPORT_DELAY_MS),
            },
        )
        proxies.append(Proxy(name, f"http://127.0.0.1:{port}", headers, process))

    litellm = ensure_litellm(console)
    if litellm is not None:
        cfg = tmp / "litellm.yaml"
        cfg.write_text(
            "model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/bench-model\n"
            f"      api_base: {upstream}/v1\n      api_key: sk-bench\n"
            "litellm_settings:\n  set_verbose: false\n  drop_params: true\n"
        )
        port = free_port()
        lp = subprocess.Popen(
            [
                str(litellm),
                "--config",
                str(cfg),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--num_workers",
                "1",
            ],
            env={
                **env,
                "LITELLM_LOCAL_MODEL_COST_MAP": "True",
                "LITELLM_LOG": "ERROR",
                "LITELLM_MASTER_KEY": LITELLM_KEY,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        proxies.append(
            Proxy(
                "litellm proxy",
                f"http://127.0.0.1:{port}",
                {"Authorization": f"Bearer {LITELLM_KEY}"},
                lp,
            )
        )
    for p in proxies:
        console.print(f"  waiting for {p.name} ...")
        wait_ready(p.url, p.headers, p.process)
    return proxies


async def load(
    url: str,
    headers: dict[str, str],
    concurrency: int,
    n: int,
    kinds: dict[str, int] | None = None,
) -> tuple[list[float], float, int]:
    """Latencies of the answered requests, the wall time, and how many failed: a refused
    connection or a cut response (httpx.ReadError) is counted in its row, never fatal;
    ``kinds`` counts the failures by status code or exception name."""
    latencies: list[float] = []
    errors = 0
    kinds = {} if kinds is None else kinds
    queue = iter(range(n))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            nonlocal errors
            for _ in queue:
                t0 = time.perf_counter()
                # a distinct user per request: the cache misses, routing stays sticky-free
                try:
                    r = await client.post(
                        "/v1/chat/completions", json={**BODY, "user": uuid.uuid4().hex}
                    )
                except httpx.HTTPError as exc:
                    errors += 1
                    kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors += 1
                    kinds[str(r.status_code)] = kinds.get(str(r.status_code), 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - t0, errors


def _rounds(
    proxies: list[Proxy], concurrency: int, n: int
) -> dict[str, tuple[list[float], float, int, dict[str, int], float]]:
    """Each proxy's latencies, wall time, errors, their kinds and CPU seconds for ``n``
    requests at ``concurrency``, sent in ``ROUNDS`` rounds that take the proxies in turn."""
    out: dict[str, tuple[list[float], float, int, dict[str, int], float]] = {
        p.name: ([], 0.0, 0, {}, 0.0) for p in proxies
    }
    for _ in range(ROUNDS):
        for p in proxies:
            lat, wall, errors, kinds, cpu = out[p.name]
            before = cpu_seconds(p.process.pid)
            more, took, failed = asyncio.run(
                load(p.url, p.headers, concurrency, n // ROUNDS, kinds)
            )
            # the spans of the round are exported (and their CPU counted) before it is read
            time.sleep(EXPORT_WAIT_S)
            cpu += cpu_seconds(p.process.pid) - before
            out[p.name] = ([*lat, *more], wall + took, errors + failed, kinds, cpu)
    return out


def run_gateway_bench(console: Console) -> dict[str, object]:
    results: dict[str, object] = {"levels": LEVELS}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        up = subprocess.Popen(
            [sys.executable, str(HERE / "gateway_proxies.py"), "upstream", str(port)]
        )
        upstream = f"http://127.0.0.1:{port}"
        proxies: list[Proxy] = []
        try:
            wait_ready(upstream, {}, up)
            proxies = start_proxies(upstream, tmp, console)
            table = Table(
                title=f"POST /v1/chat/completions through each proxy ({os.cpu_count()} cores, one worker each)"
            )
            for col in (
                "proxy",
                "concurrency",
                "req/s",
                "p50 ms",
                "p99 ms",
                "CPU ms/req",
                "errors",
            ):
                table.add_column(col, justify="right" if col != "proxy" else "left")
            rows: dict[str, dict[int, dict[str, float]]] = {p.name: {} for p in proxies}
            for p in proxies:
                asyncio.run(load(p.url, p.headers, 8, 100))  # warm up
            for conc, n in LEVELS.items():
                measured = _rounds(proxies, conc, n)
                for p in proxies:
                    lat, wall, errors, kinds, cpu_s = measured[p.name]
                    cpu_ms = cpu_s * 1000 / n
                    row = {
                        "rps": (n - errors) / wall,
                        "p50_ms": float(np.percentile(lat, 50)) if lat else float("nan"),
                        "p99_ms": float(np.percentile(lat, 99)) if lat else float("nan"),
                        "cpu_ms_per_req": cpu_ms,
                        "errors": errors,
                        "error_kinds": kinds,
                    }
                    rows[p.name][conc] = row
            for p in proxies:
                for conc, row in rows[p.name].items():
                    kinds = row["error_kinds"]
                    table.add_row(
                        p.name,
                        str(conc),
                        f"{row['rps']:.0f}",
                        f"{row['p50_ms']:.2f}",
                        f"{row['p99_ms']:.2f}",
                        f"{row['cpu_ms_per_req']:.2f}",
                        str(row["errors"]) + (f" {kinds}" if kinds else ""),
                    )
            console.print(table)
            results["proxies"] = rows
            # time to first token in rounds too: every path, the upstream itself included; read
            # off the socket (the target), and through an httpx client for comparison
            firsts: dict[str, list[float]] = {}
            via_httpx: dict[str, list[float]] = {}
            paths = [
                ("upstream (direct)", upstream, {}),
                *((p.name, p.url, p.headers) for p in proxies),
            ]
            for _name, url, headers in paths:
                ttft(url, headers, BODY, 20)  # warm up
            for _ in range(TTFT_ROUNDS):
                for name, url, headers in paths:
                    firsts.setdefault(name, []).extend(
                        ttft(url, headers, BODY, TTFT_N // TTFT_ROUNDS)
                    )
                    via_httpx.setdefault(name, []).extend(
                        asyncio.run(ttft_httpx(url, headers, BODY, TTFT_N // TTFT_ROUNDS))
                    )
            ttfts = {name: float(np.nanmedian(values)) for name, values in firsts.items()}
            ttfts_httpx = {name: float(np.nanmedian(v)) for name, v in via_httpx.items()}
            results["ttft_median_ms"] = ttfts
            results["ttft_httpx_median_ms"] = ttfts_httpx
            t = Table(title="Streaming: median time to first token (concurrency 1)")
            t.add_column("path")
            t.add_column("TTFT p50 ms, at the socket", justify="right")
            t.add_column("added over direct, ms", justify="right")
            t.add_column("through an httpx client: p50 ms", justify="right")
            t.add_column("added, ms", justify="right")
            direct, direct_httpx = ttfts["upstream (direct)"], ttfts_httpx["upstream (direct)"]
            for name, v in ttfts.items():
                h = ttfts_httpx[name]
                t.add_row(
                    name, f"{v:.2f}", f"{v - direct:+.2f}", f"{h:.2f}", f"{h - direct_httpx:+.2f}"
                )
            console.print(t)
            cpu = {
                name: float(np.mean([r["cpu_ms_per_req"] for r in levels.values()]))
                for name, levels in rows.items()
            }
            summary: dict[str, object] = {"cpu_ms_per_req_mean": cpu}
            minimal = cpu.get("minimal (Starlette+httpx)")
            litellm_cpu = cpu.get("litellm proxy")
            lines = []
            for name in [n for n in cpu if "colonnade," in n]:
                if minimal:
                    summary[f"{name} / minimal"] = cpu[name] / minimal
                if litellm_cpu:
                    summary[f"{name} / litellm"] = cpu[name] / litellm_cpu
                lines.append(
                    f"  {name}: {cpu[name]:.2f} ms CPU/req"
                    + (f" = {cpu[name] / minimal:.2f}x minimal (target <= 1.2)" if minimal else "")
                    + (
                        f", {cpu[name] / litellm_cpu:.2f}x litellm (target <= 0.15)"
                        if litellm_cpu
                        else ""
                    )
                )
            tracing = cpu.get("colonnade, policy on + tracing", 0) - cpu.get(
                "colonnade, policy on", 0
            )
            summary["tracing_cpu_ms"] = tracing
            policy = cpu.get("colonnade, policy on", 0) - cpu.get("colonnade, policy off", 0)
            pii = cpu.get("colonnade, policy + PII", 0) - cpu.get("colonnade, policy on", 0)
            summary["policy_stack_cpu_ms"] = policy
            summary["pii_check_cpu_ms"] = pii
            summary["stream_added_ttft_ms"] = {
                name: v - ttfts["upstream (direct)"] for name, v in ttfts.items()
            }
            summary["stream_added_ttft_httpx_ms"] = {
                name: v - ttfts_httpx["upstream (direct)"] for name, v in ttfts_httpx.items()
            }
            summary["errors"] = {
                name: sum(int(r["errors"]) for r in levels.values())
                for name, levels in rows.items()
            }
            results["summary"] = summary
            console.print(
                "  CPU per request, mean over the three levels: "
                + ", ".join(f"{k} {v:.2f} ms" for k, v in cpu.items())
                + "\n"
                + "\n".join(lines)
                + f"\n  the policy stack (key lookup, RBAC, limits, quotas, cache, audit) costs "
                f"{policy:.2f} ms CPU/req; tracing {tracing:.2f} ms more; Presidio's PII check "
                f"{pii:.2f} ms on top of the policy stack"
                + "\n  streaming (policy on + tracing) adds "
                f"{ttfts['colonnade, policy on + tracing'] - direct:.2f} ms to the median time to "
                "first token at the socket (target <= 1; the minimal proxy adds "
                f"{ttfts['minimal (Starlette+httpx)'] - direct:.2f})"
                + f"\n  failed requests per proxy: {summary['errors']}"
            )
        finally:
            for p in proxies:
                p.process.terminate()
            up.terminate()
            for p in [*proxies]:
                p.process.wait(timeout=30)
            up.wait(timeout=30)
    return results


if __name__ == "__main__":
    run_gateway_bench(Console())
