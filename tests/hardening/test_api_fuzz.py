"""API fuzzing with schemathesis against the app's own OpenAPI schema, in-process (WSGI), authenticated
as an administrator, through schemathesis' own engine, so every phase the command line runs is run here:
examples, coverage, fuzzing and stateful (links between operations). Checks: no server error, and every
response matches the schema (status code declared, content type, body). Bounded: a few examples per
operation (FUZZ_MAX_EXAMPLES), derandomized, so the whole run stays within a few minutes on one core."""

import os
import time
from collections import defaultdict

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis.engine import events

from config.wsgi import application

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "1"))
MAX_STEPS = int(os.environ.get("FUZZ_MAX_STEPS", "4"))
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"]
PHASES = {"examples", "coverage", "fuzzing", "stateful"}


@pytest.fixture
def admin_token(cast):
    return Token.objects.create(user=cast["admin"]).key


@pytest.mark.django_db(transaction=True)  # the engine calls the app from its own thread (own connection)
def test_api_conforms_to_its_schema_and_never_fails(admin_token, people, settings):
    settings.ALLOWED_HOSTS = ["*"]
    headers = {"Authorization": f"Token {admin_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    schema.config.update(headers=headers, workers=1)
    schema.config.generation.update(max_examples=MAX_EXAMPLES)
    schema.config.checks.update(included_check_names=CHECKS)
    schema.config.seed = 22
    schema.config.phases.stateful.max_steps = MAX_STEPS
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    assert len(operations) > 20

    started = time.monotonic()
    tested = defaultdict(set)  # phase → operations
    failures, errors = [], []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            tested[event.phase.value].add(event.recorder.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failures.append(
                            f"[{event.phase.value}] {event.recorder.label}: {check.name}: "
                            f"{str(check.failure_info.failure)[:600]}"
                        )
        elif isinstance(event, events.NonFatalError):
            errors.append(f"[{event.phase}] {event.label}: {event.info.format()[:600]}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    elapsed = time.monotonic() - started
    print(f"API fuzzing: {elapsed:.0f} s; operations per phase:", {k: len(v) for k, v in tested.items()})
    assert not failures, f"{len(failures)} failing checks:\n" + "\n\n".join(sorted(set(failures)))
    assert not errors, "\n\n".join(errors)
    assert PHASES <= set(tested), tested.keys()
    untested = operations - tested["fuzzing"]
    assert not untested, f"not fuzzed: {sorted(untested)}"
