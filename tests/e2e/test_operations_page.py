"""The operations page for admins, through the API's RBAC, on a desktop and a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api.conftest import Api
from tests.e2e.test_web_chat import browser, web
from tests.e2e.test_web_chat_ux import VIEWS, no_serious_violations, shot

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
__all__ = ["browser", "web"]


@pytest.fixture(params=list(VIEWS))
def view(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Browser, view: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWS[view])
    yield context.new_page()
    context.close()


def test_operations_page_for_an_admin_and_a_reader(page: Page, web: Api, view: str) -> None:
    page.goto(f"{web.url}/#key={web.key}")
    expect(page.locator("#whoami")).to_contain_text("Signed in as")
    page.goto(f"{web.url}/static/admin.html")
    expect(page.locator("#whoami")).to_contain_text("tenant default")
    expect(page.locator("#collections-table td", has_text="handbook")).to_have_count(1)
    expect(page.locator("#documents-table tbody tr").first).to_be_visible()
    expect(page.locator("#llm-table")).to_contain_text("no LLM catalog is configured")

    page.once("dialog", lambda d: d.accept())
    page.fill("#key-name", f"ops-{view}")
    page.select_option("#key-role", "reader")
    page.click("#key-form button")
    expect(page.locator("#new-key code")).to_contain_text("col_")
    reader_key = page.locator("#new-key code").inner_text()
    row = page.locator("#keys-table tr", has_text=f"ops-{view}")
    row.get_by_role("button").click()
    expect(row).to_contain_text("revoked")

    page.click("#verify")
    expect(page.locator("#audit-result")).to_contain_text("Intact")
    page.click("#model-form button[type=submit]")
    expect(page.locator("[data-error=models]")).not_to_be_empty()  # no registry here: in words
    shot(page, view, "operations")
    no_serious_violations(page)

    # a reader sees what the API lets a reader see, and is told why the rest is refused
    with web.client() as client:
        reader = client.post("/v1/admin/keys", json={"name": "r", "roles": ["reader"]}).json()
    assert reader_key.startswith("col_")
    page.evaluate(f"localStorage.setItem('colonnade.apiKey', '{reader['key']}')")
    page.reload()
    expect(page.locator("[data-error=keys]")).to_contain_text("Your role does not allow this")
    expect(page.locator("#collections-table td", has_text="handbook")).to_have_count(1)
    page.click("#verify")
    expect(page.locator("[data-error=audit]")).to_contain_text("Your role does not allow this")
    shot(page, view, "operations-reader")
