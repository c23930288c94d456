"""Schemathesis against the served OpenAPI schema (through erating.wsgi.application, in-process,
as production serves it):
schema-conforming and schema-violating requests to every API operation never get a 5xx."""
import uuid

import pytest
import schemathesis
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erating.api.tests.test_it_ratings import make_device
from erating.api.tests.wsgi_client import keep_test_connection
from erating.base.models import Rating

MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


@pytest.fixture
def api_schema():
    from erating.wsgi import application as wsgi_application

    with keep_test_connection():
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_application)


def operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize("part", ["ratings", "other-operations"])
@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_it_never_answers_5xx_to_generated_requests(world, api_schema, mode, part, django_settings):
    django_settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # a 5xx fails the test with its traceback
    _, token = make_device(world.home)
    codes = [world.home.counter.code, world.home.officer_target.code, world.other.counter.code]
    ops = list(operations(api_schema))
    assert any(op.path.endswith("/ratings") for op in ops)
    # Split so that a failure names its area: the ingest API, or the kiosk/device operations.
    for operation in [op for op in ops if op.path.endswith("/ratings") == (part == "ratings")]:
        @given(case=operation.as_strategy(generation_mode=mode), code=st.sampled_from(codes + [None]))
        @settings(max_examples=20, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.filter_too_much])
        def check(case, code):
            # Point some generated ratings at real targets so the storing path is fuzzed too.
            if code and isinstance(case.body, dict):
                items = case.body.get("ratings") if isinstance(case.body.get("ratings"), list) else [case.body]
                for item in items:
                    if isinstance(item, dict) and "target" in item:
                        item["target"] = code
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            assert response.status_code < 500, (operation.label, case.body, response.text[:500])
        check()
    # A known-good request through the same schema-driven client stores a rating: the calls
    # above really reach the endpoint (auth, media type), they are not all rejected upstream.
    ratings_op = next(op for op in ops if op.path.endswith("/ratings"))
    good = ratings_op.Case(body={"id": str(uuid.uuid4()), "target": codes[0], "score": 5},
                           media_type="application/json")
    assert good.call(headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with scopes_disabled():
        assert Rating.objects.filter(channel=Rating.TABLET, idempotency_key=good.body["id"]).exists()


@pytest.fixture
def django_settings(settings):
    return settings
