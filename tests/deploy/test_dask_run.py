"""The chart's Dask scheduler and worker commands, run here as rendered (on loopback ports),
on plain TCP and with dask.tls.secretName (the Secret's files made here): their probes answer,
`colonnade ingest` with the ConfigMap's settings parses and embeds on the worker, and the
scheduler exports the series the workers' ScaledObject reads."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from tests.deploy.manifests import ROOT, find, merge, pods, profile_values, render_values

pytestmark = pytest.mark.integration

HANDBOOK = ROOT / "examples" / "handbook"


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _container(objects: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    pod = next(p for p in pods(objects) if p.owner.endswith(suffix))
    container: dict[str, Any] = pod.containers[0]
    return container


def _probe_url(container: dict[str, Any], probe: str) -> str:
    get = container[probe]["httpGet"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    return f"http://127.0.0.1:{ports.get(get['port'], get['port'])}{get['path']}"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:
        return str(r.read().decode())


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(240):  # a bound on the polling, not a timing assertion
        if proc.poll() is not None:
            pytest.fail(f"{proc.args} exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if _get(url) == "ok":
                return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} never answered ok:\n{log.read_text()[-3000:]}")


@dataclass
class Cluster:
    objects: list[dict[str, Any]]
    scheduler: dict[str, Any]
    worker: dict[str, Any]
    address: str  # the ConfigMap's compute.dask_scheduler, its host made loopback
    local: dict[str, str]  # a path in the pods -> where it is here


def _tls_secret(folder: Path) -> None:
    """What a kubernetes.io/tls Secret holds (cert-manager's keys): one temporary CA and a
    certificate it signed, for server and client auth."""
    from distributed import Security

    security = Security.temporary()  # type: ignore[no-untyped-call]
    folder.mkdir()
    (folder / "ca.crt").write_text(security.tls_ca_file)
    (folder / "tls.crt").write_text(security.tls_scheduler_cert)
    (folder / "tls.key").write_text(security.tls_scheduler_key)


@pytest.fixture(params=["tcp", "tls"])
def cluster(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Cluster]:
    comm, dashboard, worker, nanny, worker_dashboard = _free_ports(5)
    tls = {"secretName": "colonnade-dask-tls"} if request.param == "tls" else {}
    values = merge(
        profile_values("aks"),
        {
            "dask": {
                "scheduler": {"port": comm, "dashboardPort": dashboard},
                "worker": {
                    "port": worker,
                    "nannyPort": nanny,
                    "dashboardPort": worker_dashboard,
                    "nthreads": 1,
                },
                "tls": tls,
            }
        },
    )
    objects = render_values(values)
    scheduler, work = _container(objects, "-dask-scheduler"), _container(objects, "-dask-worker")
    config = find(objects, "ConfigMap", "-config")["data"]
    in_cluster = config["COLONNADE_COMPUTE__DASK_SCHEDULER"]
    address = re.sub(r"//[^:]+:", "//127.0.0.1:", in_cluster)
    assert address == f"{request.param}://127.0.0.1:{comm}"
    local = {"=/tmp/dask": f"={tmp_path / 'dask'}"}
    if tls:  # the Secret's mount, here a folder of files made for this run
        (mount,) = {m["mountPath"] for m in scheduler["volumeMounts"] if m["name"] == "dask-tls"}
        _tls_secret(tmp_path / "dask-tls")
        local[mount] = str(tmp_path / "dask-tls")

    def here(arg: str) -> str:
        for there, path in local.items():
            arg = arg.replace(there, path)
        return arg

    def argv(container: dict[str, Any], args: list[str]) -> list[str]:
        command = container["command"]
        assert command[0] == "python"  # the image's interpreter: here, this one
        return [sys.executable, *command[1:], *args, "--host=127.0.0.1"]

    worker_args = [address if a == in_cluster else here(a) for a in work["args"]]
    assert worker_args != work["args"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name, container, args in (
            ("scheduler", scheduler, [here(a) for a in scheduler["args"]]),
            ("worker", work, worker_args),
        ):
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    argv(container, args), stdout=out, stderr=subprocess.STDOUT, env=env
                )
            procs.append(proc)
            for probe in ("readinessProbe", "livenessProbe"):
                _wait_ready(_probe_url(container, probe), proc, log)
        yield Cluster(objects, scheduler, work, address, local)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _metrics(cluster: Cluster) -> str:
    monitor = find(cluster.objects, "ServiceMonitor", "-dask-scheduler")
    service = find(cluster.objects, "Service", "-dask-scheduler")
    (endpoint,) = monitor["spec"]["endpoints"]
    (port,) = [p for p in service["spec"]["ports"] if p["name"] == endpoint["port"]]
    ports = {p["name"]: p["containerPort"] for p in cluster.scheduler["ports"]}
    return _get(f"http://127.0.0.1:{ports[port['targetPort']]}{endpoint['path']}")


def test_the_rendered_cluster_ingests_with_the_configmaps_settings(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colonnade.cli.main import app as cli
    from colonnade.container import Container
    from colonnade.settings import Settings

    for key in [k for k in os.environ if k.startswith("COLONNADE_")]:
        monkeypatch.delenv(key)
    for key, value in find(cluster.objects, "ConfigMap", "-config")["data"].items():
        if key.startswith("COLONNADE_COMPUTE__"):
            for there, path in cluster.local.items():
                value = value.replace(there, path)
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("COLONNADE_COMPUTE__DASK_SCHEDULER", cluster.address)
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["ingest", str(HANDBOOK / "finance"), "-C", "finance"])
    assert r.exit_code == 0, r.output
    c = Container(Settings(storage={"data_dir": tmp_path / "data"}))  # type: ignore[arg-type]
    try:
        assert len(c.store.list_documents("finance")) == 3
    finally:
        c.close()

    # every hop is on TLS: the worker the chart's command started listens on tls:// too
    from distributed import Client

    from colonnade.compute import build_executor
    from colonnade.settings import load_settings

    settings = load_settings().compute
    executor = build_executor(settings)  # the ConfigMap's address and files
    try:
        client: Client = executor.client  # type: ignore[attr-defined]
        workers = list(client.scheduler_info()["workers"])
    finally:
        executor.close()
    scheme = urlsplit(cluster.address).scheme
    assert len(workers) == 1 and all(w.startswith(f"{scheme}://") for w in workers), workers

    metrics = _metrics(cluster)
    # the groups of files were parsed and embedded on the worker the chart's command started
    ran = re.search(
        r'^dask_scheduler_tasks_compute_seconds_total\{task_prefix_name="run_task"\} (\S+)$',
        metrics,
        re.M,
    )
    assert ran and float(ran.group(1)) > 0, metrics
    # and the ScaledObject's query names a series, and states, the scheduler exports
    so = find(cluster.objects, "ScaledObject", "-dask-worker")
    query = so["spec"]["triggers"][0]["metadata"]["query"]
    (states,) = re.findall(r'state=~"([^"]+)"', query)
    exported = set(re.findall(r'^dask_scheduler_tasks\{state="([^"]+)"\}', metrics, re.M))
    assert set(states.split("|")) <= exported, exported
