"""Sources beyond files, through the real pipeline: a paged JSON REST API on loopback and
an MCP server's resources over stdio; incremental runs and ACL mapping."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from colonnade.container import Container
from colonnade.errors import DocumentError
from colonnade.knowledge.connectors import MCPResourceSource, RestSource, RestSourceConfig
from colonnade.knowledge.models import Access, Filters
from colonnade.settings import MCPServerSettings
from tests.servers import serve
from tests.tools.records_app import TOKEN, create_app

RECORDS = [
    {"id": "kb-1", "title": "Wifi Guest Access", "body": "Guests connect to the Visitor network with the daily code from reception.", "updated_at": "2026-11-01T10:00:00Z"},
    {"id": "kb-2", "title": "Badge Replacement", "body": "A lost badge is replaced by Facilities within one working day for a fee of 15 euros.", "updated_at": "2026-11-02T10:00:00Z"},
    {"id": "kb-3", "title": "Payroll Calendar", "body": "Salaries are paid on the 25th; payslips are confidential to payroll staff.", "updated_at": "2026-11-03T10:00:00Z", "groups": ["payroll"]},
    {"id": "kb-4", "title": "Parking", "body": "Staff parking permits are issued by Facilities each January.", "updated_at": "2026-11-04T10:00:00Z"},
    {"id": "kb-5", "title": "Printing", "body": "Print jobs are released at any printer with your badge.", "updated_at": "2026-11-05T10:00:00Z"},
]  # fmt: skip


def titles(c: Container, query: str, access: Access) -> list[str]:
    hits = c.retriever.search(query, filters=Filters(access=access), top_k=3).hits
    return [h.title for h in hits]


def test_rest_source_pages_incrementally_with_acls(container: Container) -> None:
    records = [dict(r) for r in RECORDS]
    app = create_app(records)
    with serve(app) as url:
        config = RestSourceConfig(
            url=f"{url}/records",
            items_field="data",
            next_field="paging.next",
            acl_groups_field="groups",
            metadata_fields=["updated_at"],
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        first = container.ingestor.ingest(RestSource(config), "kb")
        assert (first.seen, first.added, first.failed) == (5, 5, [])
        again = container.ingestor.ingest(RestSource(config), "kb")
        assert (again.added, again.updated, again.skipped, again.deleted) == (0, 0, 5, 0)
        # one record changes, one disappears
        records[1] = {
            **records[1],
            "body": "A lost badge is replaced within two hours, free of charge.",
        }
        del records[3]
        third = container.ingestor.ingest(RestSource(config), "kb")
        assert (third.updated, third.deleted, third.skipped) == (1, 1, 3)
        # a page that fails lists nothing complete: nothing is deleted
        app.state.fail_page = 2
        with pytest.raises(DocumentError, match="cannot read page"):
            container.ingestor.ingest(RestSource(config), "kb")
        assert len(container.store.list_documents("kb")) == 4
    me = Access("someone", ())
    assert titles(container, "lost badge", me)[0] == "Badge Replacement"
    assert "Payroll Calendar" not in titles(container, "when are salaries paid", me)
    assert (
        titles(container, "when are salaries paid", Access("pat", ("payroll",)))[0]
        == "Payroll Calendar"
    )
    doc = next(d for d in container.store.list_documents("kb") if d.title == "Payroll Calendar")
    assert doc.acl == {"groups": ["payroll"]} and doc.source_uri.startswith("rest+")


def test_mcp_resources_become_documents_with_acls(container: Container) -> None:
    here = Path(__file__).resolve().parent.parent / "tools" / "mcp_server.py"
    source = MCPResourceSource("notes", MCPServerSettings(command=sys.executable, args=[str(here)]))
    report = container.ingestor.ingest(source, "notes")
    assert (report.added, report.failed) == (2, [])
    again = container.ingestor.ingest(
        MCPResourceSource("notes", MCPServerSettings(command=sys.executable, args=[str(here)])),
        "notes",
    )
    assert again.skipped == 2 and again.added == 0
    me = Access("someone", ())
    assert titles(container, "return unopened goods", me)[0] == "Returns Policy"
    assert "Pricing Floor" not in titles(container, "discount approval", me)
    assert (
        titles(container, "discount approval", Access("x", ("sales-leads",)))[0] == "Pricing Floor"
    )
    docs = {d.title: d for d in container.store.list_documents("notes")}
    assert docs["Returns Policy"].metadata.get("department") == "sales"
    assert docs["Pricing Floor"].source_uri == "mcp+notes:notes://policies/pricing"


def test_unreachable_mcp_server_is_a_clear_error(container: Container) -> None:
    source = MCPResourceSource(
        "gone", MCPServerSettings(command=sys.executable, args=["-c", "pass"])
    )
    with pytest.raises(Exception, match="cannot read the resources of MCP server gone"):
        container.ingestor.ingest(source, "gone")
