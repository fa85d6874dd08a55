"""Fuzz the OpenAPI document with schemathesis: no 500s, every response as documented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(
        tmp_path_factory.mktemp("fuzz"), minilm, security={"limits": {"enabled": False}}
    )


def test_no_server_errors_and_responses_match_the_schema(fuzzed: Api) -> None:
    """Every operation, a dozen generated requests each, with a valid key."""
    schema = schemathesis.openapi.from_url(f"{fuzzed.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(
                headers={"Authorization": f"Bearer {fuzzed.key}"},
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
                timeout=60,
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
