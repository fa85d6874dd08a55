"""The pending-approval panel of the web chat, and a high-risk action asked in the chat,
in Debian's chromium (Playwright)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect, sync_playwright

from colonnade.identity import Principal, local_user
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.tools.approvals import ApprovalStore
from tests.api.conftest import Api, start_api
from tests.e2e.test_web_chat import CHROMIUM, FLAGS
from tests.servers import serve
from tests.tools.conftest import TOKEN
from tests.tools.tickets_app import create_app

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(tmp_path_factory.mktemp("web-approvals"), minilm)


@pytest.fixture
def page() -> Iterator[Page]:
    assert CHROMIUM.exists(), "install Debian's chromium: apt-get install chromium (make test does)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser.new_context(viewport={"width": 1360, "height": 860}).new_page()
        browser.close()


def test_approver_sees_the_arguments_and_approves_or_denies(page: Page, web: Api) -> None:
    db = Path(web.container.settings.storage.sqlite_path())
    store = ApprovalStore(db)
    requester = Principal("default", "key:someone-else")
    first = store.request(requester, "delete_ticket", {"ticket_id": 17})
    second = store.request(requester, "escalate_ticket", {"ticket_id": 18})
    page.goto(f"{web.url}/#key={web.key}")
    items = page.locator("#approvals .approval")
    expect(items).to_have_count(2)
    item = page.locator(f'.approval[data-id="{first.id}"]')
    expect(item.locator(".approval-tool")).to_have_text("delete_ticket")
    expect(item.locator(".approval-args")).to_contain_text('"ticket_id": 17')
    item.locator("button.approve").click()
    expect(items).to_have_count(1)
    page.locator(f'.approval[data-id="{second.id}"] button.deny').click()
    expect(page.locator("#approvals-nav")).to_be_hidden()
    assert store.get("default", first.id).status == "approved"
    assert store.get("default", second.id).status == "denied"
    assert store.get("default", first.id).decided_by == local_user()
    store.close()


@pytest.fixture(scope="module")
def tickets_web(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder
) -> Iterator[tuple[Api, FastAPI, str, str, str]]:
    """The web chat with a tickets service as tools: a requester's and an approver's key."""
    tickets = create_app()
    with serve(tickets) as url:
        spec = tmp_path_factory.mktemp("spec") / "tickets.json"
        spec.write_text(json.dumps(httpx.get(f"{url}/openapi.json").json()))
        for api in start_api(
            tmp_path_factory.mktemp("web-tools"),
            minilm,
            security={"roles": {"approver": ["ask", "tool:*", "approve_tools"]}},
            tools={"openapi": {"tickets": {"spec": str(spec), "base_url": url, "api_key": TOKEN}}},
        ):
            keys = api.container.api_keys
            requester = keys.create(
                "requester", tenant="default", roles=("reader",), created_by="test"
            )[1]
            approver = keys.create(
                "approver", tenant="default", roles=("approver",), created_by="test"
            )[1]
            yield api, tickets, url, requester, approver


def test_a_high_risk_action_asked_in_the_chat_waits_and_runs_once_approved(
    page: Page, tickets_web: tuple[Api, FastAPI, str, str, str]
) -> None:
    api, tickets, url, requester, approver = tickets_web
    auth = {"Authorization": f"Bearer {TOKEN}"}
    ticket = httpx.post(
        f"{url}/tickets", json={"title": "old monitor", "priority": 2}, headers=auth
    ).json()
    page.goto(f"{api.url}/#key={requester}")
    page.locator("#question").fill(f"delete ticket {ticket['id']}")
    page.locator("#composer button#send").click()
    card = page.locator(".msg.assistant .pending-action")
    expect(card).to_be_visible()
    expect(card.locator(".pending-tool")).to_have_text("delete_ticket waits for approval")
    expect(card.locator(".pending-args")).to_contain_text(f'"ticket_id": {ticket["id"]}')
    # the requester may not approve their own call, and running it before approval fails
    card.locator("button.approve").click()
    expect(card.locator(".pending-note")).to_contain_text("needs the approve_tools permission")
    card.locator("button.run").click()
    expect(card.locator(".pending-note")).to_contain_text("still waiting for an approver")
    assert ticket["id"] in tickets.state.tickets
    approval = card.get_attribute("data-approval")
    r = httpx.post(
        f"{api.url}/v1/approvals/{approval}",
        json={"decision": "approve"},
        headers={"Authorization": f"Bearer {approver}"},
    )
    assert r.status_code == 200, r.text
    card.locator("button.run").click()
    expect(card).to_have_class(re.compile(r"\bdone\b"))
    expect(card.locator(".pending-note")).to_contain_text("delete_ticket:")
    assert ticket["id"] not in tickets.state.tickets
