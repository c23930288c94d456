"""The portal home page: live figures equal counts from the database, come from a short cache
(no visit scans the ratings table), and leave no tenant row on the page."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import aggregates
from erating.base.models import Agency, Premise, Rating
from erating.base.portal_content.figures import year_start
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


def count(body, key):
    start = body.index(f'data-count="{key}">') + len(f'data-count="{key}">')
    return int(body[start:body.index("<", start)].replace(",", "").replace(".", ""))


def db_figures():
    with scopes_disabled():
        live = Premise.objects.filter(active=True, agency__status="active")
        return {
            "tablet": live.filter(medium="tablet").count(), "qr": live.filter(medium="qr").count(),
            "both": live.filter(medium="both").count(),
            "agencies": Agency.objects.filter(status="active", premises__active=True).distinct().count(),
            "ratings": Rating.objects.filter(flagged=False, agency__status="active",
                                             created_at__gte=year_start()).count(),
        }


@pytest.fixture(autouse=True)
def small_minimum(settings):
    """The year's count is published under the results page's rule; these pages hold a few ratings."""
    settings.PUBLIC_RESULTS_MIN_RATINGS = 1


def test_it_shows_live_figures_equal_to_the_database(world, client):
    with scopes_disabled():
        add_rating(world.home.counter, 1, flagged=True)
        add_rating(world.home.counter, 5, when=year_start() - datetime.timedelta(minutes=5))  # last year
        Premise.objects.create(agency=world.other.agency, code="tab", name="Tablet only", state="JHR",
                               medium=Premise.TABLET)
        Premise.objects.create(agency=world.other.agency, code="off", name="Closed", state="JHR",
                               medium=Premise.TABLET, active=False)
        quiet = Agency.objects.create(ministry=world.ministry, code="quiet", name_ms="Jabatan Senyap")
        Premise.objects.create(agency=quiet, code="q", name="Tutup", state="JHR", active=False)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="ms"' in body
    expected = db_figures()
    assert {k: count(body, k) for k in expected} == expected
    # world: per agency one BOTH and one QR premise; plus one active tablet premise; 8 ratings this year.
    assert expected == {"tablet": 1, "qr": 2, "both": 2, "agencies": 2, "ratings": 8}
    for name in (world.home.premise.name, world.other.agency.name_ms, world.home.admin.full_name, "Bagus"):
        assert name not in body


def test_it_leaves_suspended_agencies_out(world, client):
    with scopes_disabled():
        world.other.agency.status = "suspended"
        world.other.agency.save()
    body = client.get("/").content.decode()
    assert (count(body, "both"), count(body, "qr"), count(body, "agencies"), count(body, "ratings")) == (1, 1, 1, 4)
    assert db_figures()["ratings"] == 4


def test_it_serves_figures_from_the_cache_without_touching_ratings(world, client):
    client.get("/")
    with scopes_disabled():
        add_rating(world.home.counter, 5)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/").content.decode()
    assert not [q for q in queries if "base_rating" in q["sql"]]  # never the ratings table
    assert not [q for q in queries if "base_premisemonth" in q["sql"]]  # nor the aggregates: the cache
    assert count(body, "ratings") == 8  # still the cached figure, refreshed after PORTAL_CACHE_SECONDS


def test_it_links_the_home_page_to_the_application_form(world, client):
    body = client.get("/").content.decode()
    assert 'href="/apply/"' in body
    assert 'id="join"' in body and 'href="#join"' in body


def test_it_works_on_an_empty_database(db, client):
    body = client.get("/").content.decode()
    assert count(body, "agencies") == 0
    assert 'data-count="ratings"' not in body  # nothing published yet


def test_it_counts_the_year_from_the_first_of_january(world, client, monkeypatch):
    from erating.base.portal_content import figures

    now = timezone.make_aware(datetime.datetime(2026, 3, 1, 10, 0))
    monkeypatch.setattr(figures, "clock", lambda: now)
    with scopes_disabled():
        Rating.objects.all().update(created_at=timezone.make_aware(datetime.datetime(2025, 12, 31, 23, 0)))
        aggregates.rebuild(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))  # a raw UPDATE skips them
        add_rating(world.home.counter, 4, when=timezone.make_aware(datetime.datetime(2026, 1, 1, 0, 5)))
    assert count(client.get("/").content.decode(), "ratings") == 1
