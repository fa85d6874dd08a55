"""``/docs``: Swagger UI from assets shipped in the ``swagger-ui-bundle`` package.

FastAPI's default page loads Swagger UI from a CDN with an inline script, so it is blank
offline and needs a loose CSP; this one serves the pinned files locally and starts them
from a script file, so the page runs under ``script-src 'self'``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from colonnade.api.openapi_docs import describe

__all__ = ["install"]

_INIT = Path(__file__).resolve().parents[1] / "static" / "docs"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Colonnade Intelligence API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init/init.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets, and describe the raw-JSON routes in the OpenAPI
    document; call once the app's ``openapi`` is set, on an app made with ``docs_url=None``."""
    from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    def docs() -> HTMLResponse:
        return HTMLResponse(_PAGE, headers={"Cache-Control": "no-cache"})

    describe(app)
    app.include_router(router)
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.mount("/docs/init", StaticFiles(directory=_INIT), name="docs-init")
