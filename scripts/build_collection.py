"""Render a sample company's policies (scripts/<name>_content.py) into Markdown, HTML, PDF and
DOCX under examples/<name>/:
`python scripts/build_collection.py fabrikam|tailspin|wideworld|adventureworks|woodgrove|alpineski`
(or `make fabrikam`, `make tailspin`, `make wideworld`, `make adventureworks`, `make woodgrove`,
`make alpineski`).

Each is a collection written without reference to how the answerer works, for measuring
answer quality on documents it was not tuned on; the results are committed. The renderers are
those of scripts/build_handbook.py.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build_handbook import build

ROOT = Path(__file__).resolve().parent.parent
COMPANIES = {
    "fabrikam": "Fabrikam Logistics",
    "tailspin": "Tailspin Toys",
    "wideworld": "Wide World Importers",
    "adventureworks": "Adventure Works Cycles",
    "woodgrove": "Woodgrove Bank",
    "alpineski": "Alpine Ski House",
}


def main(argv: list[str]) -> None:
    name = argv[1] if len(argv) > 1 else ""
    if name not in COMPANIES:
        raise SystemExit(f"usage: build_collection.py {'|'.join(COMPANIES)}")
    content = importlib.import_module(f"{name}_content")
    build(content.DOCS, ROOT / "examples" / name, COMPANIES[name])


if __name__ == "__main__":
    main(sys.argv)
