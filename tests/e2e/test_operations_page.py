"""The operations page for admins, through the API's RBAC, on a desktop and a phone."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from colonnade.identity.local_key import local_user
from colonnade.knowledge.embedders import MiniLMEmbedder
from colonnade.knowledge.sources import FolderSource
from colonnade.mlplatform.registry import Registry
from colonnade.mlplatform.tracking import Tracking
from tests.api.conftest import Api, start_api
from tests.e2e.test_web_chat import browser, web
from tests.e2e.test_web_chat_ux import VIEWS, no_serious_violations, shot
from tests.llm.conftest import Upstreams, managed
from tests.llm.fake_openai import Script, fake_openai_app
from tests.ml.conftest import Trained, trained
from tests.servers import serve

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
__all__ = ["browser", "trained", "web"]

HELLO = [{"role": "user", "content": "Say hello"}]


@dataclass
class Console:
    api: Api
    approver: str  # an operator's key: approve_models, and not the trainer


@pytest.fixture(scope="module")
def note_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("note") / "canteen.txt"
    path.write_text("The canteen opens at eight and closes at three.")
    return path


@pytest.fixture(params=list(VIEWS))
def view(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Browser, view: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWS[view])
    yield context.new_page()
    context.close()


def fits_the_width(page: Page) -> None:
    """No sideways scrolling: not of the page, nor of a table inside its card (on a phone
    a table's rows stack as cards, each cell named after its column)."""
    page_width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page_width <= viewport, (page_width, viewport)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.scroll')]
        .filter((box) => box.scrollWidth > box.clientWidth + 1)
        .map((box) => box.querySelector('table').id)"""
    )
    assert wide == [], wide


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
    row.get_by_role("button", name=f"Revoke ops-{view}").click()
    expect(row).to_contain_text("revoked")

    page.click("#verify")
    expect(page.locator("#audit-result")).to_contain_text("Intact")
    page.click("#model-form button[type=submit]")
    expect(page.locator("[data-error=models]")).not_to_be_empty()  # no registry here: in words
    shot(page, view, "operations")
    fits_the_width(page)
    no_serious_violations(page)
    if view == "phone":  # each row a card, each cell labelled with its column
        cell = page.locator("#documents-table tbody tr").first.locator("td").first
        assert cell.get_attribute("data-label") == "Title"
        assert cell.evaluate("(td) => getComputedStyle(td, '::before').content") == '"Title"'
        assert page.locator("#documents-table").get_attribute("role") == "table"

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


@pytest.fixture(scope="module")
def console(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder, trained: Trained
) -> Iterator[Console]:
    """An API with a trained registry, an LLM catalog (one deployment answering, one dead)
    and a small collection ingested from files."""
    data = tmp_path_factory.mktemp("console")
    shutil.copytree(
        trained.data_dir, data, dirs_exist_ok=True, ignore=shutil.ignore_patterns("serving")
    )
    site = tmp_path_factory.mktemp("site")
    (site / "parking.md").write_text("# Parking\n\nStaff park in the north car park.\n")
    (site / "bikes.md").write_text("# Bicycles\n\nBicycles go in the racks by reception.\n")
    with ExitStack() as stack:
        cloud = Script(default="Answer from cloud.")
        cloud_url = stack.enter_context(serve(fake_openai_app(cloud, name="cloud")))
        llm = {
            "deployments": {
                "cloud": managed(f"{cloud_url}/v1"),
                "dead": managed(Upstreams.dead_url()),
            },
            "routes": {"gpt-4o": {"deployments": ["cloud"]}, "dead": {"deployments": ["dead"]}},
            "breaker": {"min_calls": 2, "cooldown_s": 600},
        }
        api_iter = start_api(data, minilm, llm=llm, ml={"watch_s": 0.2})
        api = next(api_iter)
        assert api.container.ingestor.ingest(FolderSource(site), "site").ok
        with api.client() as c:
            for _ in range(2):
                ok = c.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": HELLO})
                assert ok.status_code == 200, ok.text
            for _ in range(3):  # opens the dead deployment's breaker
                c.post("/v1/chat/completions", json={"model": "dead", "messages": HELLO})
            approver = c.post("/v1/admin/keys", json={"name": "approver", "roles": ["operator"]})
            # an upload made before any page is open: the ingest history keeps it
            earlier = c.post(
                "/v1/documents",
                files=[
                    (
                        "files",
                        ("rota.md", b"# Rota\n\nThe desk is staffed from nine.", "text/markdown"),
                    ),
                    ("files", ("scan.pdf", b"%PDF-1.4 not really a pdf", "application/pdf")),
                ],
                data={"collection": "archive"},
            )
            assert earlier.status_code == 201, earlier.text
        # the signed-in admin trained version 2, so another approver must sign it off
        registry = Registry(Tracking.from_settings(api.container.settings))
        registry.annotate("churn", trained.second.version, {"colonnade.trained_by": local_user()})
        try:
            yield Console(api, approver.json()["key"])
        finally:
            next(api_iter, None)


def _signed_in(page: Page, url: str, key: str) -> None:
    page.goto(f"{url}/#key={key}")
    expect(page.locator("#whoami")).to_contain_text("Signed in as")
    page.goto(f"{url}/static/admin.html")


def test_reingest_registry_deployments_and_usage(
    page: Page, console: Console, view: str, note_file: Path
) -> None:
    api = console.api
    _signed_in(page, api.url, api.key)
    expect(page.locator("#whoami")).to_contain_text("tenant default")

    # usage against limits: the configured per-user and per-key limits, with what is left
    usage = page.locator("#usage-table tbody tr")
    expect(usage.first).to_be_visible()
    expect(page.locator("#usage-table")).to_contain_text("requests")
    expect(page.locator("#usage-whose")).to_contain_text("Limits of you")
    # and any key's, from the keys table
    page.get_by_role("button", name="Usage of approver against its limits").click()
    expect(page.locator("#usage-whose")).to_contain_text("Limits of the key “approver”")
    expect(page.locator("#usage-table tr", has_text="requests per key")).to_contain_text("600")
    shot(page, view, "operations-key-usage")
    page.click("#usage-mine")
    expect(page.locator("#usage-whose")).to_contain_text("Limits of you")

    # LLM deployments: breaker state and latency from real calls
    cloud = page.locator("#llm-table tr", has_text="cloud")
    expect(cloud).to_contain_text("closed")
    assert re.search(r"\d", cloud.locator("td").nth(4).inner_text()), "a latency in ms"
    expect(page.locator("#llm-table tr", has_text="dead")).to_contain_text("open")

    # the ingest history shows what was ingested before the page was opened, failures and all
    archive = page.locator("#history-table tbody tr", has_text="archive")
    expect(archive).to_have_count(1)
    expect(archive).to_contain_text("1 added")
    archive.get_by_text("1 failed").click()
    expect(archive.locator(".failures li")).to_contain_text("scan.pdf")
    if view == "phone":
        assert archive.locator("td").first.get_attribute("data-label") == "Finished"

    # re-ingest a collection from its files, then upload one and ask to re-ingest it
    page.locator("#collections-table tr", has_text="site").get_by_role(
        "button", name="Re-ingest collection site"
    ).click()
    expect(page.locator("#ops-report")).to_contain_text(
        "Re-ingest report for collection site: 0 added, 2 updated"
    )
    page.set_input_files("#ops-files", files=[note_file])
    page.fill("#ops-collection", "site")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#ops-report")).to_contain_text("Ingest report for “site”")
    note = page.locator("#documents-table tr", has_text="canteen")
    note.get_by_role("button", name=re.compile("^Re-ingest")).click()
    expect(page.locator("[data-error=library]")).to_contain_text(
        "canteen.txt was uploaded and only its text is kept: upload it again"
    )
    # the refused re-ingest is the newest record, with its reason
    newest = page.locator("#history-table tbody tr").first
    expect(newest).to_contain_text("re-ingest")
    expect(newest).to_contain_text("site")
    newest.get_by_text("1 failed").click()
    expect(newest.locator(".failures li")).to_contain_text("upload it again")
    history = page.locator("#history-table tbody tr")
    expect(history.nth(1)).to_contain_text("upload")
    expect(history.nth(2)).to_contain_text("2 updated")
    page.locator("#h-history").scroll_into_view_if_needed()
    shot(page, view, "operations-history")
    shot(page, view, "operations-library")
    fits_the_width(page)
    no_serious_violations(page)

    # the model registry: four eyes refuse the trainer, another approver promotes, rolls back
    page.click("#model-form button[type=submit]")
    v2 = page.locator("#models-table tr", has_text="staging")
    expect(v2).to_be_visible()
    v2.get_by_role("button", name="Promote version 2 to champion").click()
    four_eyes = page.locator("[data-error=models]")
    expect(four_eyes).to_contain_text("trained version 2: another approver must sign off")
    expect(four_eyes).not_to_contain_text("Your role")  # the role allows it: the trainer may not
    shot(page, view, "operations-four-eyes")

    _signed_in(page, api.url, console.approver)
    page.click("#model-form button[type=submit]")
    page.get_by_role("button", name="Promote version 2 to champion").click()
    expect(page.locator("#models-result")).to_contain_text("churn version 2 is now the champion")
    expect(page.locator("#models-table tr", has_text="promoted by")).to_contain_text("champion")
    shot(page, view, "operations-promoted")
    page.once("dialog", lambda d: d.accept())
    page.click("#rollback")
    expect(page.locator("#models-result")).to_contain_text("churn version 1 is the champion again")
    expect(page.locator("#models-table tr", has_text="rolled back")).to_contain_text("2")
    shot(page, view, "operations-rolled-back")
    fits_the_width(page)
    no_serious_violations(page)
