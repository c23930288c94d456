"""Read API: token issue/revoke (audited), figures and detailed ratings as JSON pages and CSV,
always within the token's agency; the endpoints are in the OpenAPI schema."""
import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import ApiToken, AuditEntry
from erating.base.reports import api_tokens
from erating.base.tests.reports_helpers import expected, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(world):
    seed(world, timezone.localdate())
    with scopes_disabled():
        _, clear = api_tokens.issue(world.home.agency, "Sistem Dalaman", user=world.home.admin)
    return clear


def api(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def period():
    today = timezone.localdate()
    return today - timedelta(days=60), today


def test_it_answers_figures_computed_from_the_database(world, token):
    start, end = period()
    body = api(token).get("/api/v1/reports/figures", {"period": "custom", "start": start.isoformat(),
                                                      "end": end.isoformat(), "channel": "qr"}).json()
    want = expected({world.home.agency.pk}, start, end, channel="qr")
    assert body["total"] == len(want)
    assert body["distribution"] == {str(s): Counter(r.score for r in want)[s] for s in (5, 4, 3, 2, 1)}
    # The API keeps exact values (the engine's, as the dashboard); low follows the agency's threshold.
    assert body["csat"] == pytest.approx(100 * sum(r.score >= 4 for r in want) / len(want))
    assert body["mean"] == pytest.approx(sum(r.score for r in want) / len(want))
    assert body["low"] == sum(r.score <= world.home.agency.reasons_max_score for r in want)


def test_it_pages_detailed_ratings_and_streams_csv(world, token):
    start, end = period()
    query = {"period": "custom", "start": start.isoformat(), "end": end.isoformat(), "flagged": "true"}
    rows = expected({world.home.agency.pk}, start, end, flagged=True)
    want = [r.pk for r in sorted(rows, key=lambda r: (r.created_at, r.pk))]  # oldest first
    first = api(token).get("/api/v1/reports/ratings", {**query, "page_size": 5}).json()
    second = api(token).get("/api/v1/reports/ratings", {**query, "page_size": 5, "page": 2}).json()
    assert first["count"] == len(want) and first["pages"] == -(-len(want) // 5)
    assert [r["id"] for r in first["results"] + second["results"]] == want[:10]
    response = api(token).get("/api/v1/reports/ratings.csv", query)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == want


def test_it_keeps_a_token_to_its_agency(world, token):
    client = api(token)
    for path in ("/api/v1/reports/figures", "/api/v1/reports/ratings", "/api/v1/reports/ratings.csv"):
        response = client.get(path, {"premise": world.other.premise.pk})
        assert response.status_code == 400 and response.json()["error"] == "invalid_criteria"
        response = client.get(path, {"period": "30d"})
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        assert response.status_code == 200 and world.other.premise.name not in body
        if not path.endswith("figures"):
            assert world.home.premise.name in body and "Cawangan lambat" in body  # own rows are there


def test_it_refuses_revoked_unknown_and_device_tokens(world, token):
    with scopes_disabled():
        record = ApiToken.objects.get()
        api_tokens.revoke(record, user=world.home.admin)
        actions = list(AuditEntry.objects.filter(object_type="ApiToken").values_list("action", flat=True))
    assert sorted(actions) == ["api_token.issue", "api_token.revoke"]
    for bad in (token, "ert_nothing", "home-device-token", ""):
        assert api(bad).get("/api/v1/reports/figures").status_code == 401


def test_it_describes_the_endpoints_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/reports/figures", "/api/v1/reports/ratings", "/api/v1/reports/ratings.csv"} <= set(paths)


def test_it_lets_an_agency_admin_issue_and_revoke_tokens(world, login):
    client = login(world.home.admin)
    response = client.post(reverse("control:token_list"), {"name": "Dashboard negeri"})
    issued = response.context["issued"]
    assert issued.startswith("ert_") and issued in response.content.decode()
    assert api(issued).get("/api/v1/reports/figures").status_code == 200
    with scopes_disabled():
        record = ApiToken.objects.get(name="Dashboard negeri")
    assert record.token_hash != issued and record.agency == world.home.agency
    client.post(reverse("control:token_revoke", kwargs={"token_id": record.pk}))
    assert api(issued).get("/api/v1/reports/figures").status_code == 401
    assert login(world.home.supervisor).get(reverse("control:token_list")).status_code == 403
