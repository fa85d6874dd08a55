from __future__ import annotations

import io

import pytest

from colonnade.errors import DocumentError
from colonnade.knowledge.cleaning import Cleaner, normalize_text, remove_repeated_lines
from colonnade.knowledge.parsers import default_parsers
from tests.conftest import HANDBOOK

parsers = default_parsers()


def parse(path: str):  # type: ignore[no-untyped-def]
    file = HANDBOOK / path
    return parsers.for_name(file.name).parse(file.read_bytes(), file.name)


def test_markdown_headings_tables_and_front_matter() -> None:
    doc = parse("hr/annual-leave-policy.md")
    assert doc.title == "Annual Leave Policy"
    assert doc.metadata["owner"] == "People Team"
    table = next(b for b in doc.blocks if "Years of service" in b.text)
    assert table.heading_path == ("Annual Leave Policy", "Entitlement")
    assert "| 10 or more | 30 |" in table.text


def test_html_structure_without_navigation_or_scripts() -> None:
    doc = parse("travel/expense-limits.html")
    assert doc.title == "Expense Limits"
    text = "\n".join(b.text for b in doc.blocks)
    assert "Intranet home" not in text and "console.log" not in text
    table = next(b for b in doc.blocks if "London" in b.text)
    assert "London | £220" in table.text
    assert table.heading_path[-1] == "Hotel limits per night"


def test_pdf_keeps_pages_and_drops_running_headers() -> None:
    doc = parse("it/service-desk-sla.pdf")
    assert doc.title == "IT Service Desk Service Levels"
    pages = {b.page for b in doc.blocks}
    assert pages == {1, 2, 3}
    text = "\n".join(b.text for b in doc.blocks)
    assert "Internal" not in text and "Page 1 of" not in text
    escalation = next(b for b in doc.blocks if "Escalation" in b.text)
    assert escalation.page == 3


def test_docx_headings_and_tables() -> None:
    doc = parse("hr/parental-leave.docx")
    assert doc.title == "Parental Leave Policy"
    table = next(b for b in doc.blocks if "Primary carer" in b.text)
    assert "Primary carer | 20 weeks | 100% of base salary" in table.text
    assert table.heading_path == ("Parental Leave Policy", "Leave and pay")


def test_csv_xlsx_pptx() -> None:
    import openpyxl
    import pptx

    csv_doc = parsers.for_name("a.csv").parse(b"city,limit\nLondon,220\nBerlin,160\n", "a.csv")
    assert csv_doc.blocks[0].text == (
        "| city | limit |\n|---|---|\n| London | 220 |\n| Berlin | 160 |"
    )
    book = openpyxl.Workbook()
    book.active.title = "Rates"
    book.active.append(["country", "rate"])
    book.active.append(["France", 53])
    buf = io.BytesIO()
    book.save(buf)
    xlsx = parsers.for_name("r.xlsx").parse(buf.getvalue(), "r.xlsx")
    assert any(
        b.text == "| country | rate |\n|---|---|\n| France | 53 |" and b.heading_path == ("Rates",)
        for b in xlsx.blocks
    )
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Quarterly results"
    slide.placeholders[1].text = "Revenue grew 12%"
    buf = io.BytesIO()
    deck.save(buf)
    doc = parsers.for_name("d.pptx").parse(buf.getvalue(), "d.pptx")
    assert doc.title == "Quarterly results"
    assert any(b.text == "Revenue grew 12%" and b.page == 1 for b in doc.blocks)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.txt", b"", "empty"),
        ("a.md", b"   \n\n", "empty"),
        ("a.txt", b"\x00\x01\x02binary\x00" * 50, "binary"),
        ("a.pdf", b"%PDF-1.4\n garbage garbage", "corrupt"),
        ("a.pdf", b"not a pdf at all", "corrupt"),
        ("a.docx", b"PK\x03\x04 broken zip", "corrupt"),
        ("a.xyz", b"hello", "unsupported"),
    ],
)
def test_bad_input_is_a_document_error(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as info:
        parsers.for_name(name).parse(data, name)
    assert info.value.reason == reason


def test_encrypted_pdf() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(HANDBOOK / "hr/code-of-conduct.pdf").pages:
        writer.add_page(page)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(DocumentError) as info:
        parsers.for_name("x.pdf").parse(buf.getvalue(), "x.pdf")
    assert info.value.reason == "encrypted"


def test_cleaning() -> None:
    assert (
        normalize_text("a\u00a0 b\x07c\r\n\n\n\nd  \ufb01ne exam-\nple") == "a bc\n\nd fine example"
    )
    pages = [f"ACME Internal\nbody {i}\nPage {i} of 4" for i in range(1, 5)]
    assert remove_repeated_lines(pages) == [f"body {i}" for i in range(1, 5)]
    from colonnade.knowledge.models import Block

    assert Cleaner().clean([Block("  "), Block(" x ")]) == [Block("x")]


def _pdf_with_table_and_wrapped_text() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, "Mileage Guide", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 10, "Rates by engine", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    # one sentence broken over three lines, the middle word hyphenated at a break
    for line in (
        "Drivers claim mileage for journeys made on com-",
        "pany business once a",
        "month.",
    ):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    with pdf.table() as table:
        for row in (("Engine", "Rate"), ("Petrol", "EUR 0.30"), ("Electric", "EUR 0.20")):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    return bytes(pdf.output())


def test_pdf_reflows_paragraphs_finds_headings_and_keeps_tables() -> None:
    doc = parsers.for_name("m.pdf").parse(_pdf_with_table_and_wrapped_text(), "m.pdf")
    assert doc.title == "Mileage Guide"
    headings = [b.text for b in doc.blocks if b.is_heading]
    assert headings == ["Mileage Guide", "Rates by engine"]
    body = [b for b in doc.blocks if not b.is_heading]
    assert body[0].text == (
        "Drivers claim mileage for journeys made on company business once a month."
    )
    assert body[0].heading_path == ("Mileage Guide", "Rates by engine")
    assert body[1].text == (
        "| Engine | Rate |\n|---|---|\n| Petrol | EUR 0.30 |\n| Electric | EUR 0.20 |"
    )


def test_long_tables_repeat_their_header_in_every_block() -> None:
    rows = [("City", "Limit")] + [(f"City {i}", str(i)) for i in range(30)]
    body = "\n".join(",".join(r) for r in rows).encode()
    doc = parsers.for_name("c.csv").parse(body, "c.csv")
    assert len(doc.blocks) == 3
    assert all(b.text.startswith("| City | Limit |\n|---|---|\n") for b in doc.blocks)
    assert "| City 29 | 29 |" in doc.blocks[-1].text
