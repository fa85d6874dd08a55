"""``colonnade ingest --rest`` and ``--mcp``: a paged JSON REST API on loopback and an MCP
server started as a subprocess over stdio, ingested incrementally with their ACLs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app
from colonnade.knowledge.stores.sqlite import SQLiteKnowledgeStore
from tests.servers import serve
from tests.tools.records_app import TOKEN, create_app

runner = CliRunner()
MCP_SERVER = Path(__file__).resolve().parent.parent / "tools" / "mcp_server.py"
RECORDS = [
    {"id": "kb-1", "title": "Wifi Guest Access", "body": "Guests use the Visitor network with the daily code.", "groups": []},
    {"id": "kb-2", "title": "Badge Replacement", "body": "A lost badge is replaced within one working day.", "groups": []},
    {"id": "kb-3", "title": "Payroll Calendar", "body": "Salaries are paid on the 25th.", "groups": ["payroll"]},
    {"id": "kb-4", "title": "Parking", "body": "Staff parking permits are issued each January.", "groups": []},
    {"id": "kb-5", "title": "Printing", "body": "Print jobs are released with your badge.", "groups": []},
]  # fmt: skip


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    return tmp_path / "data"


def report(output: str) -> dict[str, int]:
    """The ingest report's row: seen, added, updated, skipped, deleted, failed, chunks."""
    names = ("seen", "added", "updated", "skipped", "deleted", "failed", "chunks")
    for line in output.splitlines():
        numbers = re.findall(r"\d+(?:\.\d+)?", line)
        if len(numbers) == 8 and "│" in line:
            return dict(zip(names, map(int, numbers[:7]), strict=True))
    raise AssertionError(f"no ingest report in {output!r}")


def documents(data_dir: Path, collection: str) -> dict[str, dict[str, list[str]]]:
    store = SQLiteKnowledgeStore(data_dir / "colonnade.db")
    try:
        return {d.title: d.acl for d in store.list_documents(collection)}
    finally:
        store.close()


def test_rest_api_is_paged_incrementally_with_acls(data_dir: Path) -> None:
    records = [dict(r) for r in RECORDS]
    with serve(create_app(records)) as url:
        command = [
            "ingest",
            "--rest",
            f"{url}/records",
            "--field",
            "items=data",
            "--field",
            "next=paging.next",
            "--field",
            "acl_groups=groups",
            "--meta",
            "id",
            "-H",
            f"Authorization: Bearer {TOKEN}",
            "-C",
            "kb",
        ]
        first = runner.invoke(app, command)
        assert first.exit_code == 0, first.output
        assert report(first.output) | {"chunks": 0} == {
            "seen": 5, "added": 5, "updated": 0, "skipped": 0, "deleted": 0, "failed": 0, "chunks": 0
        }  # fmt: skip
        again = runner.invoke(app, command)
        assert (report(again.output)["skipped"], report(again.output)["added"]) == (5, 0)
        records[1] = {**records[1], "body": "A lost badge is replaced within two hours."}
        del records[3]
        third = runner.invoke(app, command)
        r = report(third.output)
        assert (r["updated"], r["deleted"], r["skipped"]) == (1, 1, 3)
        # without the token the API refuses: a one-line error, and nothing is deleted
        refused = runner.invoke(app, [*command[: command.index("-H")], "-C", "kb"])
        assert refused.exit_code == 1 and "401 Unauthorized" in refused.output
        [said] = [line for line in refused.output.splitlines() if line.startswith("error:")]
        assert "cannot read page" in said and "For more information" not in refused.output
    docs = documents(data_dir, "kb")
    assert set(docs) == {"Wifi Guest Access", "Badge Replacement", "Payroll Calendar", "Printing"}
    assert docs["Payroll Calendar"] == {"groups": ["payroll"]}


def colonnade(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as its own process: the MCP server it starts gets real stdio handles."""
    return subprocess.run(
        [sys.executable, "-m", "colonnade", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_mcp_server_resources_over_stdio(data_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "colonnade.toml"
    config.write_text(
        f"[tools.mcp.notes]\ncommand = {sys.executable!r}\nargs = [{str(MCP_SERVER)!r}]\n"
    )
    command = ["ingest", "--mcp", "notes", "-C", "notes", "--config", str(config)]
    first = colonnade(*command)
    assert first.returncode == 0, first.stderr
    assert (report(first.stdout)["added"], report(first.stdout)["failed"]) == (2, 0)
    again = colonnade(*command)
    assert (report(again.stdout)["skipped"], report(again.stdout)["added"]) == (2, 0)
    docs = documents(data_dir, "notes")
    assert docs["Pricing Floor"] == {"groups": ["sales-leads"]}
    assert docs["Returns Policy"] == {}
    unknown = runner.invoke(app, ["ingest", "--mcp", "crm", "--config", str(config)])
    assert unknown.exit_code == 1 and "configured: notes" in unknown.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["ingest"], "exactly one of a PATH, --rest URL, --mcp SERVER or --blob CONTAINER_URL"),
        (["ingest", ".", "--blob-prefix", "hr/"], "use it with --blob"),
        (["ingest", ".", "--rest", "http://127.0.0.1:9/x"], "got a PATH and --rest"),
        (["ingest", "--rest", "ftp://x"], "not an http(s) URL"),
        (["ingest", "--rest", "http://127.0.0.1:9/x", "--field", "pages=x"], "is not one of"),
        (
            ["ingest", "--rest", "http://127.0.0.1:9/x", "--field", "items"],
            "must look like acl_groups=groups",
        ),
        (["ingest", "--rest", "http://127.0.0.1:9/x", "-H", "novalue"], "Authorization: Bearer"),
        (["ingest", ".", "--field", "items=data"], "use them with --rest"),
        (["ingest", "--mcp", "notes", "--include", "*.md"], "use them with a PATH"),
        (["ingest", "--mcp", "notes", "--queue"], "no MCP server 'notes'"),
    ],
)
def test_bad_options_are_one_line_errors(args: list[str], says: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error:") and says in result.output
