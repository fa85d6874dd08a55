"""The assistant's benchmark: answer quality on the handbook set, and API latency.

Quality runs the assistant in process (the same flow the API serves). Latency
starts `colonnade serve` as its own process on a free loopback port and sends
real HTTP requests to POST /v1/answers at concurrency 1 and 8; /healthz in the
same run is the floor, and the server's CPU time per request comes from /proc.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import yaml
from rich.console import Console
from rich.table import Table

from colonnade.container import Container
from colonnade.knowledge.sources import FolderSource
from colonnade.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
HANDBOOK = ROOT / "examples" / "handbook"
QUESTIONS = ROOT / "bench" / "answers" / "handbook.yaml"
CORES = os.cpu_count() or 1


def load_questions() -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = yaml.safe_load(QUESTIONS.read_text())["questions"]
    return questions


def _handbook_container(data: Path) -> Container:
    shutil.rmtree(data, ignore_errors=True)
    c = Container(Settings(storage={"data_dir": data}))  # type: ignore[arg-type]
    report = c.ingestor.ingest(
        FolderSource(HANDBOOK, exclude=c.settings.ingestion.exclude), "handbook"
    )
    assert report.ok, report.failed
    return c


def answer_quality(data: Path, console: Console) -> dict[str, Any]:
    questions = load_questions()
    c = _handbook_container(data)
    conversations: dict[str, str] = {}
    rows = []
    for q in questions:
        parent = q.get("follows")
        reply = c.assistant.ask(
            q["q"], owner="bench", conversation_id=conversations.get(parent) if parent else None
        )
        conversations[q["id"]] = reply.conversation_id
        top3 = [h.title for h in c.retriever.search(reply.search_query, top_k=3).hits]
        expected = set(q["sources"])
        answer = reply.answer
        citations = [
            {
                "title": cit.title,
                "supported": cit.snippet in cit.passage and cit.title in expected,
            }
            for cit in answer.citations
        ]
        rows.append(
            {
                "id": q["id"],
                "question": q["q"],
                "answerable": bool(expected),
                "follow_up": bool(parent),
                "source_hit@3": bool(expected & set(top3)) if expected else None,
                "fact_in_answer": (q["fact"] in answer.text) if expected else None,
                "refused": not answer.grounded,
                "confidence": round(answer.confidence, 3),
                "citations": citations,
                "top3": top3,
                "answer": answer.text,
            }
        )
    c.close()
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    cited = [cit for r in answerable for cit in r["citations"]]
    figures = {
        "questions": len(rows),
        "answerable": len(answerable),
        "follow_ups": sum(r["follow_up"] for r in rows),
        "unanswerable": len(unanswerable),
        "source_hit@3": statistics.mean(r["source_hit@3"] for r in answerable),
        "key_fact_in_answer": statistics.mean(r["fact_in_answer"] for r in answerable),
        "correct_refusals": statistics.mean(r["refused"] for r in unanswerable),
        "false_refusals": statistics.mean(r["refused"] for r in answerable),
        "citation_precision": statistics.mean(c["supported"] for c in cited) if cited else 0.0,
        "citations": len(cited),
    }
    table = Table("figure", "value", "target", title=f"Answer quality: {len(rows)} questions")
    targets = {
        "source_hit@3": ">= 0.90",
        "correct_refusals": ">= 0.80",
        "citation_precision": ">= 0.95",
    }
    for key in (
        "source_hit@3",
        "key_fact_in_answer",
        "correct_refusals",
        "false_refusals",
        "citation_precision",
    ):
        table.add_row(key, f"{figures[key]:.3f}", targets.get(key, ""))
    console.print(table)
    misses = [
        r
        for r in rows
        if (r["answerable"] and not (r["source_hit@3"] and r["fact_in_answer"]))
        or (not r["answerable"] and not r["refused"])
    ]
    for r in misses:
        console.print(
            f"  [yellow]miss[/] {r['id']}: confidence {r['confidence']}, top3 {r['top3']}",
            highlight=False,
        )
    return {"figures": figures, "questions": rows}


# --- latency over HTTP


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentiles(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "n": len(ms),
    }


def _run_load(
    url: str, key: str, bodies: list[dict[str, Any]], concurrency: int, path: str
) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    queue = list(bodies)

    def worker() -> None:
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                t0 = time.perf_counter()
                r = client.get(path) if path == "/healthz" else client.post(path, json=body)
                elapsed = (time.perf_counter() - t0) * 1000
                r.raise_for_status()
                with lock:
                    times.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def _first_byte(url: str, key: str, questions: list[str]) -> list[float]:
    times = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
        for q in questions:
            t0 = time.perf_counter()
            with c.stream("POST", "/v1/answers", json={"question": q, "stream": True}) as r:
                r.raise_for_status()
                first = True
                for _ in r.iter_raw():
                    if first:
                        times.append((time.perf_counter() - t0) * 1000)
                        first = False
    return times


def api_latency(data: Path, console: Console, rounds: int = 2) -> dict[str, Any]:
    _handbook_container(data).close()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # the assistant's own latency: repeated questions must not come from the answer cache, and
    # a load test is not a user to rate-limit (the gateway bench measures the policy stack)
    env = {
        **os.environ,
        "COLONNADE_STORAGE__DATA_DIR": str(data),
        "COLONNADE_LOG_LEVEL": "WARNING",
        "COLONNADE_SECURITY__CACHE__ENABLED": "false",
        "COLONNADE_SECURITY__LIMITS__ENABLED": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "colonnade.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the server did not become ready")
            time.sleep(0.3)
        key = (data / "api_key").read_text().strip()
        questions = [q["q"] for q in load_questions() if not q.get("follows")]
        bodies = [{"question": q} for q in questions]
        results: dict[str, Any] = {}
        # first sight of each passage: sentence vectors are computed, not cached
        cpu0 = _cpu_seconds(server.pid)
        results["cold, concurrency 1"] = _percentiles(_run_load(url, key, bodies, 1, "/v1/answers"))
        results["cold, concurrency 1"]["cpu_ms_per_request"] = (
            (_cpu_seconds(server.pid) - cpu0) * 1000 / len(bodies)
        )
        for concurrency in (1, 8):
            load = bodies * rounds * (1 if concurrency == 1 else 4)
            cpu0 = _cpu_seconds(server.pid)
            times = _run_load(url, key, load, concurrency, "/v1/answers")
            cpu = (_cpu_seconds(server.pid) - cpu0) * 1000 / len(load)
            results[f"concurrency {concurrency}"] = {
                **_percentiles(times),
                "cpu_ms_per_request": cpu,
            }
        results["floor: GET /healthz"] = _percentiles(
            _run_load(url, key, [{}] * 200, 1, "/healthz")
        )
        results["first streamed byte"] = _percentiles(_first_byte(url, key, questions))
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor = results["floor: GET /healthz"]["p50_ms"]
    table = Table(
        "POST /v1/answers",
        "p50 ms",
        "p99 ms",
        "p50 / floor",
        "server CPU ms/req",
        "n",
        title=f"API latency, embedded default, {CORES} cores (targets: p50 <= 150, p99 <= 400, first byte p50 <= 100)",
    )
    for name, f in results.items():
        table.add_row(
            name,
            f"{f['p50_ms']:.1f}",
            f"{f['p99_ms']:.1f}",
            f"{f['p50_ms'] / floor:.1f}x",
            f"{f['cpu_ms_per_request']:.1f}" if "cpu_ms_per_request" in f else "",
            str(f["n"]),
        )
    console.print(table)
    return results
