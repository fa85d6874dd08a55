"""The pending-approval panel of the web chat, in Debian's chromium (Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from colonnade.identity import Principal, local_user
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.tools.approvals import ApprovalStore
from tests.api.conftest import Api, start_api
from tests.e2e.test_web_chat import CHROMIUM, FLAGS

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
