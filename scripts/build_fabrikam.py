"""Render the Fabrikam Logistics policies (scripts/fabrikam_content.py) into Markdown, HTML, PDF and DOCX.

A second sample collection, for measuring answer quality on documents the answerer was not
tuned on. Run with `make fabrikam`; the results are committed under examples/fabrikam/.
The renderers are those of scripts/build_handbook.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build_handbook import build
from fabrikam_content import DOCS

OUT = Path(__file__).resolve().parent.parent / "examples" / "fabrikam"
COMPANY = "Fabrikam Logistics"


def main() -> None:
    build(DOCS, OUT, COMPANY)


if __name__ == "__main__":
    main()
