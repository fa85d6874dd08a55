"""``colonnade ask`` and ``chat`` route each turn like ``POST /v1/answers``: an action to a
real tickets service on loopback (approval when high-risk), a question to the documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from colonnade.cli.main import app
from tests.conftest import HANDBOOK
from tests.servers import serve
from tests.tools.conftest import TOKEN
from tests.tools.tickets_app import create_app

runner = CliRunner()


@pytest.fixture
def tickets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Path]]:
    monkeypatch.setenv("COLONNADE_STORAGE__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COLONNADE_CONFIG", raising=False)
    service = create_app()
    with serve(service) as url:
        spec = tmp_path / "tickets.json"
        spec.write_text(json.dumps(httpx.get(f"{url}/openapi.json").json()))
        config = tmp_path / "colonnade.toml"
        config.write_text(
            f'[tools.openapi.tickets]\nspec = "{spec}"\nbase_url = "{url}"\napi_key = "{TOKEN}"\n'
        )
        yield service, config


def test_ask_runs_an_action_and_answers_a_question(tickets: tuple[Any, Path]) -> None:
    service, config = tickets
    made = runner.invoke(app, ["ask", "open a ticket for my broken laptop", "-c", str(config)])
    assert made.exit_code == 0, made.output
    assert "open_ticket:" in made.output and "tools" in made.output
    [ticket] = service.state.tickets.values()
    assert ticket.title == "open a ticket for my broken laptop"
    wait = runner.invoke(app, ["ask", f"delete ticket {ticket.id}", "-c", str(config)])
    assert wait.exit_code == 0, wait.output
    assert "waiting for approval" in wait.output and "colonnade approvals approve" in wait.output
    assert ticket.id in service.state.tickets  # nothing ran
    listed = runner.invoke(app, ["approvals", "list", "--json", "-c", str(config)])
    [pending] = [json.loads(line) for line in listed.output.splitlines() if line.strip()]
    assert pending["tool"] == "delete_ticket" and pending["arguments"] == {"ticket_id": ticket.id}
    # a question still goes to the documents
    runner.invoke(app, ["ingest", str(HANDBOOK / "travel"), "-C", "travel", "-c", str(config)])
    asked = runner.invoke(app, ["ask", "What is the hotel limit in London?", "-c", str(config)])
    assert asked.exit_code == 0, asked.output
    assert "[1] Expense Limits" in asked.output and "extractive" in asked.output
    assert len(service.state.tickets) == 1


def test_chat_routes_every_turn(tickets: tuple[Any, Path]) -> None:
    service, config = tickets
    turns = "open a ticket for the jammed printer\nopen a ticket for the badge reader\n\n"
    result = runner.invoke(app, ["chat", "-c", str(config)], input=turns)
    assert result.exit_code == 0, result.output
    assert result.output.count("open_ticket:") == 2
    assert sorted(t.title for t in service.state.tickets.values()) == [
        "open a ticket for the badge reader",
        "open a ticket for the jammed printer",
    ]
