"""``colonnade serve``, ``colonnade stop`` and ``colonnade api-key``.

The port is bound before anything is announced, so a taken port is one line on the
terminal and never a link to somebody else's server. ``--detach`` binds in the parent,
hands the listening socket to its child, and waits for that child to be healthy; the
key and the ``#key=`` link go only to the terminal that asked, never to the log.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from uvicorn.supervisors import Multiprocess

from colonnade.cli.output import console
from colonnade.cli.runner import ConfigOpt, fail, load_cli_settings
from colonnade.identity import LocalKeyAuthenticator
from colonnade.settings import Settings

__all__ = ["bind_listener", "register"]


def _ready(url: str, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=timeout_s) as response:  # noqa: S310
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def _pid_file(settings: Settings) -> Path:
    return settings.storage.data_dir / "server.pid"


def _running_pid(settings: Settings) -> int | None:
    try:
        pid = int(_pid_file(settings).read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def _announce(url: str, key: str) -> None:
    console.print(f"Colonnade is serving on [bold]{url}[/]", highlight=False)
    console.print(f"  web chat   {url}/#key={key}", highlight=False, soft_wrap=True)
    console.print(f"  API docs   {url}/docs", highlight=False)
    console.print(f"  API key    {key}", highlight=False, soft_wrap=True)


def bind_listener(host: str, port: int) -> socket.socket:
    """Bind ``host:port`` now, or fail with one line that says what to do."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        fail(f"cannot resolve --host {host!r}: use an address such as 127.0.0.1")
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            fail(f"port {port} is in use: try --port")
        fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    sock.set_inheritable(True)
    return sock


def _serve(sock: socket.socket, workers: int, log_level: str, url: str, key: str | None) -> None:
    config = uvicorn.Config(
        "colonnade.api:create_app_from_env",
        factory=True,
        workers=workers,
        log_level=log_level,
        access_log=False,
        # no "server: uvicorn" on every response: what the server runs is nobody's business
        server_header=False,
    )
    if workers > 1:
        if key is not None:
            _announce(url, key)
        Multiprocess(config, sockets=[sock]).run()
        return
    server = _AnnouncingServer(config, url, key)
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    if not server.started:
        raise typer.Exit(3)


class _AnnouncingServer(uvicorn.Server):
    """Announces the links once the app has started and is accepting connections."""

    def __init__(self, config: uvicorn.Config, url: str, key: str | None) -> None:
        super().__init__(config)
        self._url, self._key = url, key

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._key is not None:
            _announce(self._url, self._key)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str | None, typer.Option(help="default: api.host (127.0.0.1)")] = None,
        port: Annotated[int | None, typer.Option(help="default: api.port (8000)")] = None,
        workers: Annotated[int | None, typer.Option(min=1, help="default: api.workers")] = None,
        detach: Annotated[
            bool, typer.Option(help="run in the background; `colonnade stop` ends it")
        ] = False,
        fd: Annotated[int | None, typer.Option(hidden=True)] = None,
        config: ConfigOpt = None,
    ) -> None:
        """Serve the Intelligence API and the web chat."""
        settings = load_cli_settings(config)
        host = host or settings.api.host
        port = settings.api.port if port is None else port
        workers = workers or settings.api.workers
        url = f"http://{host}:{port}"
        key = LocalKeyAuthenticator(settings.storage.data_dir, settings.api.api_key).key
        if config is not None:
            os.environ["COLONNADE_CONFIG"] = str(config)
        if fd is not None:  # the child of --detach: the parent announces, never the log
            _serve(socket.socket(fileno=fd), workers, settings.log_level.lower(), url, None)
            return
        if detach:
            _detach(settings, host, port, workers, url, key, config)
            return
        sock = bind_listener(host, port)
        _serve(sock, workers, settings.log_level.lower(), url, key)

    def _detach(
        settings: Settings,
        host: str,
        port: int,
        workers: int,
        url: str,
        key: str,
        config: Path | None,
    ) -> None:
        pid = _running_pid(settings)
        if pid is not None and _ready(url):
            console.print(f"already running (pid {pid})")
            _announce(url, key)
            return
        sock = bind_listener(host, port)
        log_path = settings.storage.data_dir / "server.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "colonnade.cli.main", "serve", "--host", host]
        command += ["--port", str(port), "--workers", str(workers), "--fd", str(sock.fileno())]
        if config is not None:
            command += ["--config", str(config)]
        with log_path.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(sock.fileno(),),
                env={**os.environ, "COLONNADE_STORAGE__DATA_DIR": str(settings.storage.data_dir)},
            )
        sock.close()  # the child holds the port now; /readyz can only be answered by it
        _pid_file(settings).write_text(str(process.pid))
        deadline = time.monotonic() + 120
        with console.status("starting the server"):
            while not _ready(url):
                if process.poll() is not None:
                    _pid_file(settings).unlink(missing_ok=True)
                    fail(f"the server exited with {process.returncode}: see {log_path}")
                if time.monotonic() > deadline:
                    os.killpg(process.pid, signal.SIGTERM)
                    _pid_file(settings).unlink(missing_ok=True)
                    fail(f"the server is not ready after 120 s: see {log_path}")
                time.sleep(0.3)
        console.print(f"started in the background (pid {process.pid}, log {log_path})")
        _announce(url, key)

    @app.command()
    def stop(config: ConfigOpt = None) -> None:
        """Stop a server started with `colonnade serve --detach`."""
        settings = load_cli_settings(config)
        pid = _running_pid(settings)
        if pid is None:
            console.print("no server is running")
            return
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        _pid_file(settings).unlink(missing_ok=True)
        console.print(f"stopped (pid {pid})")

    @app.command("api-key")
    def api_key(config: ConfigOpt = None) -> None:
        """Print the local API key (generated on first use)."""
        settings = load_cli_settings(config)
        print(LocalKeyAuthenticator(settings.storage.data_dir, settings.api.api_key).key)
