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

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from tests.api.data import IDENTIFIERS, build_open_data

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
def open_data(db, settings):
    # The run sends hundreds of requests a minute from one client; the per-client limit would
    # turn most of them into 429s (documented, but then the rest goes unchecked). The limit has
    # tests of its own.
    settings.API_RATE_LIMIT = (1_000_000, 60)
    build_open_data()
    # The WSGI handler ends each request by closing the database connection (as it should in
    # production); here that would close the test's transaction, and with it the data, on
    # PostgreSQL. Django's test client unhooks the same signal for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded from the app itself (in-process, at collection), one test per operation. Not through
# schemathesis.pytest.from_fixture: its lazy loading sets Function._nodeid, which pytest 9.2
# no longer has.
schema = schemathesis.openapi.from_wsgi(SPEC_URL, WSGIHandler(), config=CONFIG)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Keep the generated value or take identifiers of the data set for this operation, half
    and half. An operation with path parameters must be in the table (else a new detail
    operation would only ever be tried with values that find nothing)."""
    if not path_parameters:
        return st.just(path_parameters)
    known = IDENTIFIERS[context.operation.path]
    existing = {name: st.sampled_from(known[name]) for name in path_parameters}
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(existing))


@schema.parametrize()
# The data set is read, never written, by the requests: one per operation is enough. No deadline:
# the time of a request is make bench's business, not this test's.
@hypothesis.settings(
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture], deadline=None
)
def test_every_operation_answers_as_its_document_says(case, open_data):
    case.call_and_validate()
