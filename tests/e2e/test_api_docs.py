"""``/docs`` renders Swagger UI from Colonnade's own files: no request leaves the server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.api.conftest import Api
from tests.e2e.test_web_chat import browser, page, web

__all__ = ["browser", "page", "web"]


def test_api_docs_render_offline_under_the_csp(page: Page, web: Api) -> None:
    requested: list[str] = []
    blocked: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("requestfailed", lambda r: blocked.append(r.url))
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{web.url}/docs")
    expect(page.locator(".information-container .title")).to_contain_text(
        "Colonnade Intelligence API"
    )
    expect(page.locator(".opblock-summary-path", has_text="/v1/answers").first).to_be_visible()
    page.screenshot(path="/tmp/ux-shots/api-docs.png", full_page=False)
    assert all(url.startswith(web.url) for url in requested), requested
    assert blocked == []
