"""Public results: national, ministry and agency satisfaction equal the database's counts; units
below the minimum are not listed and an agency that opted out is never named, while their
ratings still count in the totals."""
import datetime

import pytest
from django.db.models import Count, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import aggregates
from erating.base.models import Agency, AuditEntry, Ministry, Rating
from erating.base.numbers import text
from erating.base.portal_content import figures
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 11, 0))


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(figures, "clock", lambda: NOW)
    return NOW


def rate(target, scores, when):
    for s in scores:
        add_rating(target, s, when=when)


def db_csat(since, **filters):
    with scopes_disabled():
        row = Rating.objects.filter(flagged=False, created_at__gte=since, agency__status="active", **filters).aggregate(
            total=Count("id"), satisfied=Count("id", filter=Q(score__gte=4)))
    return row["total"], 100.0 * row["satisfied"] / row["total"]


@pytest.fixture
def results_world(world, clock, settings):
    settings.PUBLIC_RESULTS_MIN_RATINGS = 5
    month = datetime.datetime(2026, 6, 2, 9, 0, tzinfo=NOW.tzinfo)
    earlier = datetime.datetime(2026, 2, 2, 9, 0, tzinfo=NOW.tzinfo)
    with scopes_disabled():
        Rating.objects.all().delete()
        other_ministry = Ministry.objects.create(code="kkr", name_ms="Kementerian Kerja Raya",
                                                 name_en="Ministry of Works")
        world.other.agency.ministry = other_ministry
        world.other.agency.save()
        rate(world.home.counter, [5, 5, 4, 2, 1, 5], month)        # home: 6 this month
        rate(world.home.counter, [4, 4, 3], earlier)               # + 3 earlier this year
        rate(world.other.counter, [5, 4, 1], month)                # other: 3 this month (below 5)
        rate(world.other.counter, [5, 5, 5, 2], earlier)           # + 4 earlier: 7 this year
        rate(world.home.counter, [1, 1, 1], datetime.datetime(2025, 12, 31, 9, 0, tzinfo=NOW.tzinfo))  # last year
        add_rating(world.home.counter, 1, when=month, flagged=True)
        # The deletion above is a raw change the aggregates do not follow: recount.
        aggregates.rebuild(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
    return world


def results_page(client, path="/keputusan/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def value(body, key):
    start = body.index(f'data-result="{key}">') + len(f'data-result="{key}">')
    return body[start:body.index("<", start)]


def test_it_publishes_national_figures_equal_to_the_database(results_world, client):
    body = results_page(client)
    month_total, month_csat = db_csat(datetime.datetime(2026, 6, 1, tzinfo=NOW.tzinfo))
    year_total, year_csat = db_csat(datetime.datetime(2026, 1, 1, tzinfo=NOW.tzinfo))
    assert (month_total, year_total) == (9, 16)
    assert value(body, "month-h-total") == str(month_total)
    assert value(body, "year-h-total") == str(year_total)
    assert value(body, "month-h-csat") == f"{text(month_csat, 1)}%"
    assert value(body, "year-h-csat") == f"{text(year_csat, 1)}%"


def test_it_hides_units_below_the_minimum_but_counts_them(results_world, client):
    data = figures.compute_results()
    month = data["this_month"]
    # The other ministry has 3 ratings this month (< 5): the national line minus the home ministry
    # would give it away, so the home ministry is withheld with it (complementary suppression).
    assert month["ministries"] == []
    assert month["hidden_ministries"] == 2 and month["total"] == 9 and month["csat"] is not None
    year = data["this_year"]
    assert sorted(m["name_ms"] for m in year["ministries"]) == ["Kementerian Dalam Negeri", "Kementerian Kerja Raya"]
    home = next(m for m in year["ministries"] if m["name_ms"] == "Kementerian Dalam Negeri")
    assert (home["total"], home["csat"]) == db_csat(datetime.datetime(2026, 1, 1, tzinfo=NOW.tzinfo),
                                                   agency=results_world.home.agency)
    assert [a["name_ms"] for a in home["agencies"]] == [results_world.home.agency.name_ms]


def test_it_never_names_an_agency_that_opted_out(results_world, client):
    with scopes_disabled():
        Agency.objects.filter(pk=results_world.home.agency.pk).update(public_results_named=False)
    with scopes_disabled():  # the other agency beside it in the same ministry, named
        Agency.objects.filter(pk=results_world.other.agency.pk).update(ministry=results_world.ministry)
    body = results_page(client)
    assert results_world.home.agency.name_ms not in body
    assert "Kementerian Dalam Negeri" in body  # the ministry still shows, its totals include the agency
    assert "dan 2 agensi tidak disenaraikan" in body  # the named one too: else subtracting gives the other
    year = figures.compute_results()["this_year"]
    home = next(m for m in year["ministries"] if m["name_ms"] == "Kementerian Dalam Negeri")
    assert (home["total"], home["agencies"], home["unnamed"]) == (16, [], 2)


def test_it_names_agencies_in_english_on_the_english_page(results_world, client):
    body = results_page(client, "/en/results/")
    assert 'lang="en"' in body and "Ministry of Home Affairs" in body and "HOME Department" in body


def test_it_caches_results_and_forgets_them_when_an_agency_opts_out(results_world, client, login):
    results_page(client)
    with scopes_disabled():
        add_rating(results_world.home.counter, 5, when=NOW - datetime.timedelta(hours=1))
    assert value(results_page(client), "month-h-total") == "9"  # cached
    admin = login(results_world.home.admin)
    form = admin.get("/control/settings/form/")
    assert form.status_code == 200 and "public_results_named" in form.content.decode()
    saved = admin.post("/control/settings/form/", {"form_size": 5, "reasons_max_score": 2, "comment_enabled": "on",
                                                   "contact_enabled": "on", "thank_you_ms": "", "thank_you_en": ""})
    assert saved.status_code == 302  # the box left unticked: not named
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="agency.form_settings").latest("id")
    assert entry.changes["public_results_named"] == [True, False]
    body = results_page(client)
    assert value(body, "month-h-total") == "10" and results_world.home.agency.name_ms not in body
