"""A paged JSON REST API of knowledge records, for the REST source's tests."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Header, HTTPException

TOKEN = "records-secret"


def create_app(records: list[dict[str, Any]], page_size: int = 2) -> FastAPI:
    app = FastAPI()
    app.state.records = records
    app.state.fail_page = None

    @app.get("/records")
    def page(cursor: int = 0, authorization: str | None = Header(None)) -> dict[str, Any]:
        if authorization != f"Bearer {TOKEN}":
            raise HTTPException(401)
        if app.state.fail_page == cursor:
            raise HTTPException(503, "try later")
        items = app.state.records[cursor : cursor + page_size]
        more = cursor + page_size < len(app.state.records)
        return {"data": items, "paging": {"next": cursor + page_size if more else None}}

    return app
