"""``/docs``: Swagger UI 5 (it reads OpenAPI 3.1) from files vendored at a pinned version.

FastAPI's default page loads Swagger UI from a CDN with an inline script, so it is blank
offline and needs a loose CSP; this one serves the pinned files locally and starts them
from a script file, so the page runs under ``script-src 'self'``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse

from colonnade.api.openapi_docs import describe

__all__ = ["install"]

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Colonnade Intelligence API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui-5.27.1/swagger-ui.css">
<link rel="icon" type="image/png" href="/static/vendor/swagger-ui-5.27.1/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui-5.27.1/swagger-ui-bundle.js"></script>
<script src="/static/docs/init.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets, and describe the raw-JSON routes in the OpenAPI
    document; call once the app's ``openapi`` is set, on an app made with ``docs_url=None``."""
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    def docs() -> HTMLResponse:
        return HTMLResponse(_PAGE, headers={"Cache-Control": "no-cache"})

    describe(app)
    app.include_router(router)
