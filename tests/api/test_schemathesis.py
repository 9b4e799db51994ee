"""schemathesis against the open-data API, from the API's own document (issue 15): every
operation of /api/v1/openapi.json is called in-process through the WSGI app with generated
input, valid and invalid, and every answer must be no server error and match the document:
a documented status code, the documented content type, a body that fits the schema and the
documented required headers.

Bounded for CI: schemathesis's deterministic generation (the same cases on every run, no example
database), at most ``MAX_EXAMPLES`` generated cases per operation and phase, no stateful phase.
Half of the generated path parameters are replaced by identifiers that exist, so the details
of published objects are checked as well as the 404s. Runs on SQLite and on PostgreSQL (the
requests go through the test's own connection, inside its transaction)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from tests.api.data import OpenData, build_open_data

SPEC_URL = "/api/v1/openapi.json"
MAX_EXAMPLES = 25

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        # Stateful testing follows links between operations that create resources; a read-only
        # API has none to follow.
        "phases": {"stateful": {"enabled": False}},
    }
)


@pytest.fixture
def open_data(db, settings) -> OpenData:
    # The run sends a few thousand requests from one client; the per-client limit would turn
    # most of them into 429s (documented, but then the rest goes unchecked). The limit has
    # tests of its own.
    settings.API_RATE_LIMIT = (1_000_000, 60)
    return build_open_data()


@pytest.fixture
def api_schema(open_data):
    schema = schemathesis.openapi.from_wsgi(SPEC_URL, WSGIHandler(), config=CONFIG)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """Keep the generated value or use an identifier of the data set, half and half."""
        if not path_parameters:
            return st.just(path_parameters)
        existing = {
            name: st.sampled_from(open_data.identifiers(type(value)))
            if open_data.identifiers(type(value))
            else st.just(value)
            for name, value in path_parameters.items()
        }
        return st.one_of(st.just(path_parameters), st.fixed_dictionaries(existing))

    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_every_operation_answers_as_its_document_says(case):
    case.call_and_validate()
