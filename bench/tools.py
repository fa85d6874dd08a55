"""Tools-layer figures (`bench/run.py tools`).

1. Intent routing accuracy of the embedded rule planner on the intent set's tuning and
   test halves (bench/intents/intents_tune.yaml, intents_test.yaml) and on a held-out set
   written separately (intents_holdout.yaml), all loaded by path and printed; the holdout
   set is only ever reported, never tuned on.
2. CPU cost of a governed tool call (permission, allow-list, schema check, breaker,
   response schema check, result bound, injection check, audit record) over a direct HTTP
   call to the same operation of a local tickets service, measured as the client
   process's CPU time per call.
3. Latency of a three-collection fan-out against running the same three agents one after
   another (concurrency 1), on the handbook split into three collections.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
INTENTS = Path(os.environ.get("COLONNADE_BENCH_INTENTS", ROOT / "bench" / "intents"))
TOKEN = "bench-secret"


# -- 1. intent routing ---------------------------------------------------------------------------
def intent_accuracy(path: Path, *, show_misses: bool) -> dict[str, Any] | None:
    from colonnade.orchestration.planner import RulePlanner

    if not path.exists():
        return None
    items = yaml.safe_load(path.read_text())["requests"]
    planner = RulePlanner()
    per: dict[str, list[int]] = {}
    misses = []
    for item in items:
        plan = planner.classify(item["text"])
        good = plan.label == item["intent"] and (
            item["intent"] != "mixed"
            or set(plan.intents) - {"smalltalk"} == set(item.get("intents", []))
        )
        per.setdefault(item["intent"], []).append(int(good))
        if not good:
            misses.append((item["id"], item["intent"], plan.label))
    total = sum(sum(v) for v in per.values())
    out = {
        "requests": len(items),
        "accuracy": round(total / len(items), 4),
        "per_intent": {k: round(sum(v) / len(v), 4) for k, v in per.items()},
    }
    if show_misses:
        out["misses"] = misses
    return out


# -- 2. governed tool call vs direct HTTP ---------------------------------------------------------
def _tickets_app() -> Any:
    from fastapi import FastAPI, Header, HTTPException
    from pydantic import BaseModel

    class Ticket(BaseModel):
        id: int
        title: str
        status: str

    app = FastAPI(title="tickets", version="1")

    @app.get("/tickets/{ticket_id}", operation_id="get_ticket", response_model=Ticket)
    def get_ticket(ticket_id: int, authorization: str | None = Header(None)) -> Any:
        if authorization != f"Bearer {TOKEN}":
            raise HTTPException(401)
        return {"id": ticket_id, "title": "broken laptop", "status": "open"}

    return app


def _serve(port: int) -> None:
    import uvicorn

    uvicorn.run(_tickets_app(), host="127.0.0.1", port=port, log_level="warning")


async def _governed_vs_direct(url: str, calls: int) -> dict[str, float]:
    import httpx2

    from colonnade.identity import Principal
    from colonnade.observability.audit import AuditLog
    from colonnade.settings import ToolsSettings
    from colonnade.tools.approvals import ApprovalStore
    from colonnade.tools.governance import ToolGateway
    from colonnade.tools.openapi import OpenAPIToolset
    from colonnade.tools.ports import ToolRegistry
    from colonnade.tools.reliability import Reliable

    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx2.AsyncClient(base_url=url, headers=headers) as http:
        doc = (await http.get("/openapi.json")).json()
        tmp = Path(tempfile.mkdtemp())
        settings = ToolsSettings()
        toolset = OpenAPIToolset("tickets", doc, base_url=url, headers=headers)
        registry = ToolRegistry(
            Reliable(t, timeout_s=10, max_retries=1, breaker=settings.breaker)
            for t in toolset.tools
        )
        audit = AuditLog(tmp / "c.db")
        approvals = ApprovalStore(tmp / "c.db")
        gateway = ToolGateway(registry, settings, approvals=approvals, audit=audit)
        who = Principal("default", "bench", permissions=frozenset({"tool:*"}))

        async def direct() -> None:
            r = await http.get("/tickets/1")
            r.json()

        async def governed() -> None:
            await gateway.call(who, "get_ticket", {"ticket_id": 1})

        out: dict[str, float] = {}
        for name, fn in (("direct", direct), ("governed", governed)) * 2:  # second round counts
            for _ in range(50):
                await fn()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(calls):
                await fn()
            out[f"{name}_cpu_ms"] = round((time.process_time() - cpu) * 1000 / calls, 4)
            out[f"{name}_wall_ms"] = round((time.perf_counter() - wall) * 1000 / calls, 4)
        await toolset.aclose()
        audit.close()
        approvals.close()
    out["overhead_cpu_ms"] = round(out["governed_cpu_ms"] - out["direct_cpu_ms"], 4)
    out["ratio"] = round(out["governed_cpu_ms"] / out["direct_cpu_ms"], 3)
    out["calls"] = calls
    return out


def governed_call_cost(calls: int = 500) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from tests.servers import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        import httpx

        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        return asyncio.run(_governed_vs_direct(url, calls))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- 3. fan-out vs sequential ---------------------------------------------------------------------
QUESTIONS = [
    "How many weeks of parental leave do primary carers get?",
    "What is the hotel limit in London?",
    "How do I connect to the VPN from home?",
    "Who approves a new laptop?",
    "How are expense claims submitted?",
    "What is the minimum password length?",
]


def fanout_latency(data: Path, rounds: int = 3) -> dict[str, Any]:
    from colonnade.container import Container
    from colonnade.identity import Principal
    from colonnade.knowledge.sources import FolderSource
    from colonnade.orchestration.fanout import FanOut
    from colonnade.settings import Settings

    collections = ["hr", "travel", "it"]
    c = Container(Settings(storage={"data_dir": data}))  # type: ignore[arg-type]
    try:
        handbook = ROOT / "examples" / "handbook"
        for name in collections:
            c.ingestor.ingest(
                FolderSource(handbook / name, exclude=c.settings.ingestion.exclude), name
            )
        who = Principal("default", "bench", permissions=frozenset({"ask"}))
        parallel = FanOut(c.retriever.search, c.generator, concurrency=3)
        sequential = FanOut(c.retriever.search, c.generator, concurrency=1)
        times: dict[str, list[float]] = {"parallel": [], "sequential": []}
        agents: dict[str, list[float]] = {"parallel": [], "sequential": []}
        asyncio.run(parallel.run(who, QUESTIONS[0], FanOut.tasks(QUESTIONS[0], collections)))
        for _ in range(rounds):
            for q in QUESTIONS:
                tasks = FanOut.tasks(q, collections)
                for name, runner in (("sequential", sequential), ("parallel", parallel)):
                    t0 = time.perf_counter()
                    reply = asyncio.run(runner.run(who, q, tasks))
                    times[name].append((time.perf_counter() - t0) * 1000)
                    agents[name].append(reply.agents_ms)
    finally:
        c.close()
    p50 = {k: round(statistics.median(v), 2) for k, v in times.items()}
    searching = {k: round(statistics.median(v), 2) for k, v in agents.items()}
    return {
        "parallel_agents_p50_ms": searching["parallel"],
        "sequential_agents_p50_ms": searching["sequential"],
        "collections": collections,
        "requests": len(times["parallel"]),
        "parallel_p50_ms": p50["parallel"],
        "sequential_p50_ms": p50["sequential"],
        "speedup": round(p50["sequential"] / p50["parallel"], 3),
    }


def run_tools_bench(console: Any, data: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"intents": {}}
    # holdout: written after the test half's figure had been seen, never used for tuning
    for half in ("tune", "test", "holdout"):
        path = INTENTS / f"intents_{half}.yaml"
        result = intent_accuracy(path, show_misses=half == "tune")
        out["intents"][half] = result
        if result is None:
            console.print(f"  intents ({half}): {path} not found")
        else:
            console.print(
                f"  intent accuracy, {half} half: {result['accuracy']:.3f} on "
                f"{result['requests']} requests {result['per_intent']}"
            )
    cost = governed_call_cost()
    out["governed_call"] = cost
    console.print(
        f"  governed tool call: {cost['governed_cpu_ms']:.3f} CPU ms vs direct HTTP "
        f"{cost['direct_cpu_ms']:.3f} ms per call (+{cost['overhead_cpu_ms']:.3f} ms, "
        f"x{cost['ratio']:.2f}); wall {cost['governed_wall_ms']:.2f} vs {cost['direct_wall_ms']:.2f} ms"
    )
    fan = fanout_latency(data)
    out["fanout"] = fan
    console.print(
        f"  three-collection fan-out: p50 {fan['parallel_p50_ms']:.1f} ms in parallel vs "
        f"{fan['sequential_p50_ms']:.1f} ms one after another (x{fan['speedup']:.2f}, "
        f"{fan['requests']} questions); the agents alone {fan['parallel_agents_p50_ms']:.1f} vs "
        f"{fan['sequential_agents_p50_ms']:.1f} ms"
    )
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        _serve(int(sys.argv[2]))
    else:
        from rich.console import Console

        sys.path.insert(0, str(ROOT / "src"))
        print(run_tools_bench(Console(), ROOT / "bench" / ".data" / "tools"))
