"""The web chat in Debian's chromium, driven by Playwright (no downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(tmp_path_factory.mktemp("web"), minilm)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "install Debian's chromium: apt-get install chromium (make test does)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 860})
    yield context.new_page()
    context.close()


def ask(page: Page, question: str) -> None:
    answers = page.locator(".msg.assistant")
    before = answers.count()
    page.fill("#question", question)
    page.keyboard.press("Enter")
    expect(answers).to_have_count(before + 1)
    expect(answers.nth(before)).not_to_have_class("msg assistant pending", timeout=30_000)


def test_ask_follow_up_cite_switch_and_delete(page: Page, web: Api, tmp_path: Path) -> None:
    page.goto(f"{web.url}/#key={web.key}")
    expect(page.locator("#signin")).to_be_hidden()
    assert "key=" not in page.url  # the key leaves the address bar

    ask(page, "How long is parental leave for the primary carer?")
    first = page.locator(".msg.assistant").nth(0)
    expect(first.locator(".text")).to_contain_text("20 weeks")
    expect(first.locator(".meta")).to_contain_text("extractive")

    ask(page, "And for the secondary carer?")
    second = page.locator(".msg.assistant").nth(1)
    expect(second.locator(".text")).to_contain_text("6 weeks")

    # a citation opens the passage, with the supporting sentence marked
    second.locator(".cite").first.click()
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#source-title")).to_have_text("Parental Leave Policy")
    expect(panel.locator("mark")).not_to_be_empty()
    page.screenshot(path=str(tmp_path / "web-chat.png"))

    conversations = page.locator("#conversations li")
    expect(conversations).to_have_count(1)
    expect(conversations.first).to_have_class("active")

    # a second conversation, then back to the first: its turns come back
    page.click("#new-conversation")
    expect(page.locator(".msg")).to_have_count(0)
    ask(page, "What is the minimum password length?")
    expect(page.locator(".msg.assistant .text")).to_contain_text("14 characters")
    expect(conversations).to_have_count(2)
    page.locator("#conversations li", has_text="parental leave").locator(".open").click()
    expect(page.locator(".msg.user")).to_have_count(2)
    expect(page.locator("#conversation-title")).to_contain_text("parental leave")
    page.locator(".msg.assistant").nth(0).locator(".sources button").first.click()
    expect(panel.locator("#source-title")).to_have_text("Parental Leave Policy")

    # delete it: gone from the list and from the server
    page.once("dialog", lambda d: d.accept())
    page.locator("#conversations li.active .delete").click()
    expect(conversations).to_have_count(1)
    expect(page.locator(".msg")).to_have_count(0)
    with web.client() as client:
        assert len(client.get("/v1/conversations").json()) == 1


def test_without_a_key_the_page_asks_for_one(page: Page, web: Api) -> None:
    page.goto(web.url)
    expect(page.locator("#signin")).to_be_visible()
    page.fill("#api-key", "col_wrong")
    page.click("#signin-form button")
    expect(page.locator("#signin-error")).to_contain_text("not accepted")
    page.fill("#api-key", web.key)
    page.click("#signin-form button")
    expect(page.locator("#signin")).to_be_hidden()
    ask(page, "Hello")
    expect(page.locator(".msg.assistant .text")).to_contain_text("Ask me anything")


@pytest.fixture(scope="module")
def oidc_web(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    """The web chat behind a real OIDC provider on loopback (oidc-provider-mock)."""
    import httpx
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=0) as provider:
        issuer = f"http://127.0.0.1:{provider.server_port}"
        claims = {"name": "Hana Ito", "groups": ["hr"], "roles": ["reader"], "tid": "default"}
        assert httpx.put(f"{issuer}/users/hana", json=claims).status_code == 204
        yield from start_api(
            tmp_path_factory.mktemp("oidc-web"),
            minilm,
            security={
                "oidc": {
                    "issuer": issuer,
                    "client_id": "colonnade-web",
                    "client_secret": "web-client-secret-for-tests",
                },
                "local_login": False,
            },
        )


def test_sign_in_through_oidc_with_pkce_and_ask(page: Page, oidc_web: Api) -> None:
    page.goto(oidc_web.url)
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#local-signin")).to_be_hidden()  # no development key in this setup
    page.click("#oidc-signin")
    # the provider's own sign-in page
    page.fill("input[name=sub]", "hana")
    page.click("button:has-text('Authorize')")
    page.wait_for_url(f"{oidc_web.url}/")
    assert "token=" not in page.url  # the token leaves the address bar
    expect(page.locator("#signin")).to_be_hidden()
    ask(page, "How long is parental leave for the primary carer?")
    expect(page.locator(".msg.assistant").nth(0).locator(".text")).to_contain_text("20 weeks")
    # the conversation is Hana's: it was stored under her identity from the ID token
    conversations = oidc_web.container.conversations.list_conversations("default/hana")
    assert len(conversations) == 1
    # the token is kept for this tab only, and a garbled one sends the user back to sign in
    page.evaluate("sessionStorage.setItem('colonnade.apiKey', 'x.y.z')")
    page.reload()
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#oidc-signin")).to_be_visible()
