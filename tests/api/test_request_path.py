"""The hot routes' request path is the path ``request.url`` gives, without building it."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from colonnade.api.deps import request_path


@pytest.mark.parametrize(
    "path", ["/v1/chat/completions", "/v1/a?b", "/v1/a#b", "/v1/a\\b", "/v1/dokument/é y"]
)
def test_the_path_is_the_one_the_url_gives(path: str) -> None:
    request = Request({"type": "http", "path": path, "headers": [], "query_string": b""})
    assert request_path(request) == request.url.path
