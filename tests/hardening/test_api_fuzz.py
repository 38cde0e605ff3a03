"""API fuzzing with schemathesis against the app's own OpenAPI schema, in-process (WSGI),
authenticated as an administrator: no server error, and every response matches the schema
(status code declared, content type, body). Bounded: a few examples per operation, derandomized,
so the whole run stays within CI's budget (~2 minutes)."""

import os
import time
import warnings

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "3"))
TIME_BUDGET = float(os.environ.get("FUZZ_TIME_BUDGET", "120"))  # seconds for the whole walk
# Failures found by this test in other apps' endpoints, reported to their owners (see the hardening
# report); listed so that CI stays green while they are fixed, and removed as soon as they are.
# A NEW failing operation fails the test; a listed one that now passes fails it too (strict).
KNOWN = {}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def keep_test_connection():
    """Requests go through the real WSGI application, whose request signals close a database connection
    found inside a transaction; that is the test's transaction (PostgreSQL then answers "the connection is
    closed"). Django's test client disconnects the same handlers; so do we, for this test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(cast):
    return Token.objects.create(user=cast["admin"]).key


def test_api_conforms_to_its_schema_and_never_fails(admin_token, people, settings, keep_test_connection):
    settings.ALLOWED_HOSTS = ["*"]
    headers = {"Authorization": f"Token {admin_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures, fixed, started, done = [], [], time.monotonic(), 0
    for operation in operations:
        if time.monotonic() - started > TIME_BUDGET:
            break

        @hsettings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        label = f"{operation.method.upper()} {operation.path}"
        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every failing operation, then report them all
            failures.append((label, str(exc)[:800]))
        else:
            if label in KNOWN:
                fixed.append(label)
        done += 1
    new = [f"{label}: {text}" for label, text in failures if label not in KNOWN]
    assert not new, "\n\n".join(new)
    assert not fixed, f"fixed, remove from KNOWN: {fixed}"
    if done < len(operations):
        warnings.warn(f"API fuzzing: time budget reached after {done} of {len(operations)} operations", stacklevel=1)
    assert done >= len(operations) // 2, f"only {done} of {len(operations)} operations within the time budget"
