"""Render the sample handbook (scripts/handbook_content.py) into Markdown, HTML, PDF and DOCX.

Run with `make handbook`; the results are committed under examples/handbook/.
PDFs carry a running header and footer on every page (the ingestion pipeline
removes them) and start each section on a new page so page numbers matter.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Any

import docx
from fpdf import FPDF

sys.path.insert(0, str(Path(__file__).parent))
from handbook_content import DOCS

OUT = Path(__file__).resolve().parent.parent / "examples" / "handbook"
COMPANY = "Larkspur Systems"


def _md_table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def render_markdown(doc: dict[str, Any]) -> str:
    meta = {k: v for k, v in doc["meta"].items()}
    front = "---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in meta.items()) + "\n---\n\n"
    parts = [f"# {doc['title']}"]
    for heading, items in doc["sections"]:
        parts.append(f"## {heading}")
        for item in items:
            parts.append(_md_table(item["table"]) if isinstance(item, dict) else item)
    return front + "\n\n".join(parts) + "\n"


def render_html(doc: dict[str, Any], company: str = COMPANY) -> str:
    esc = html.escape
    metas = "".join(
        f'<meta name="{esc(k)}" content="{esc(str(v))}">'
        for k, v in doc["meta"].items()
        if isinstance(v, str)
    )
    body = [f"<h1>{esc(doc['title'])}</h1>"]
    for heading, items in doc["sections"]:
        body.append(f"<h2>{esc(heading)}</h2>")
        for item in items:
            if isinstance(item, dict):
                head, *rows = item["table"]
                body.append(
                    "<table><thead><tr>"
                    + "".join(f"<th>{esc(c)}</th>" for c in head)
                    + "</tr></thead><tbody>"
                    + "".join(
                        "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows
                    )
                    + "</tbody></table>"
                )
            else:
                body.append(f"<p>{esc(item)}</p>")
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(doc["title"])}'
        f" - {company}</title>{metas}<style>body{{font-family:sans-serif}}</style></head>\n"
        f'<body><nav><a href="/">Intranet home</a> · <a href="/policies">Policies</a></nav>\n'
        + "\n".join(body)
        + f"\n<footer>{company} intranet</footer><script>console.log('x')</script></body></html>\n"
    )


class _Pdf(FPDF):
    doc_title = ""
    company = COMPANY

    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, f"{self.company} - {self.doc_title} - Internal", align="C")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def _latin(text: str) -> str:
    return text.replace("€", "EUR ").replace("£", "GBP ").replace("–", "-")


def render_pdf(doc: dict[str, Any], path: Path, company: str = COMPANY) -> None:
    pdf = _Pdf()
    pdf.doc_title = doc["title"]
    pdf.company = company
    pdf.set_title(doc["title"])
    pdf.set_author(company)
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=20)
    for n, (heading, items) in enumerate(doc["sections"]):
        pdf.add_page()
        if n == 0:
            pdf.set_font("Helvetica", "B", 18)
            pdf.multi_cell(0, 10, _latin(doc["title"]))
            pdf.ln(4)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 8, _latin(heading))
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 11)
        for item in items:
            if isinstance(item, dict):
                with pdf.table() as table:
                    for row in item["table"]:
                        cells = table.row()
                        for cell in row:
                            cells.cell(_latin(cell))
            else:
                pdf.multi_cell(0, 6, _latin(item))
            pdf.ln(4)
    pdf.output(str(path))


def render_docx(doc: dict[str, Any], path: Path, company: str = COMPANY) -> None:
    document = docx.Document()
    document.core_properties.title = doc["title"]
    document.core_properties.author = company
    document.add_heading(doc["title"], level=0)
    for heading, items in doc["sections"]:
        document.add_heading(heading, level=1)
        for item in items:
            if isinstance(item, dict):
                rows = item["table"]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                table.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        table.cell(r, c).text = cell
            else:
                document.add_paragraph(item)
    document.save(str(path))


def build(docs: list[dict[str, Any]], out: Path, company: str) -> None:
    """Render every document of `docs` under `out`, in the format its path's extension names."""
    for doc in docs:
        path = out / doc["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        suffix = path.suffix
        if suffix == ".md":
            path.write_text(render_markdown(doc), encoding="utf-8")
        elif suffix == ".html":
            path.write_text(render_html(doc, company), encoding="utf-8")
        elif suffix == ".pdf":
            render_pdf(doc, path, company)
        elif suffix == ".docx":
            render_docx(doc, path, company)
        else:
            raise SystemExit(f"no renderer for {suffix}")
        if suffix in (".pdf", ".docx", ".html"):
            acl_meta = {k: v for k, v in doc["meta"].items() if not isinstance(v, str)}
            sidecar = path.with_name(path.name + ".meta.json")
            plain = {k: v for k, v in doc["meta"].items() if isinstance(v, str)}
            if suffix != ".html" or acl_meta:
                sidecar.write_text(json.dumps({**plain, **acl_meta}, indent=2) + "\n")
        print(f"wrote {path.relative_to(out.parent.parent)}")


def main() -> None:
    build(DOCS, OUT, COMPANY)


if __name__ == "__main__":
    main()
