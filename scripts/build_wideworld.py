"""Render the Wide World Importers policies (scripts/wideworld_content.py) into Markdown, HTML, PDF and DOCX.

A fourth sample collection, written without reference to how the answerer works, for measuring
answer quality on documents it was not tuned on. Run with `make wideworld`; the results are
committed under examples/wideworld/. The renderers are those of scripts/build_handbook.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build_handbook import build
from wideworld_content import DOCS

OUT = Path(__file__).resolve().parent.parent / "examples" / "wideworld"
COMPANY = "Wide World Importers"


def main() -> None:
    build(DOCS, OUT, COMPANY)


if __name__ == "__main__":
    main()
