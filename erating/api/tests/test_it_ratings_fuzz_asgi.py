"""The rating route on the event loop (erating.asgi) gets the requests schemathesis generates
from the served OpenAPI schema for POST /api/v1/ratings, conforming and violating: never a 5xx.
(test_it_ratings_fuzz.py sends them through the WSGI entry.)"""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erating.api.tests.asgi_client import asgi_client
from erating.api.tests.test_it_ratings import URL, make_device
from erating.api.tests.test_it_ratings_fuzz import MODES, api_schema, operations  # noqa: F401 (fixture)

# The route writes on its own connection and validates in threads: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def settings_of_django(settings):
    return settings  # (hypothesis has a `settings` of its own, imported above)


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_it_never_answers_5xx_to_generated_ratings(world, api_schema, mode, settings_of_django):
    settings_of_django.DEBUG_PROPAGATE_EXCEPTIONS = True  # a 5xx fails the test with its traceback
    _, token = make_device(world.home)
    codes = [world.home.counter.code, world.home.officer_target.code, world.other.counter.code]
    operation = next(op for op in operations(api_schema) if op.path.endswith("/ratings"))
    statuses = []

    with asgi_client() as asgi:
        @given(case=operation.as_strategy(generation_mode=mode), code=st.sampled_from(codes + [None]))
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.filter_too_much])
        def check(case, code):
            body = case.body
            if code and isinstance(body, dict):  # some aimed at real targets, so storing is fuzzed too
                items = body.get("ratings") if isinstance(body.get("ratings"), list) else [body]
                for item in items:
                    if isinstance(item, dict) and "target" in item:
                        item["target"] = code
            raw = body if isinstance(body, (bytes, str)) else json.dumps(body)  # negative cases may be raw
            response = asgi.post(URL, raw, content_type=case.media_type or "application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {token}")
            statuses.append(response.status_code)
            assert response.status_code < 500, (body, response.content[:500])

        check()
    assert statuses
    if mode == MODES[0]:  # conforming bodies do reach the endpoint, not all refused upstream
        assert 200 in statuses
