"""Every figure of the public results page, a premise's results page and its results poster equals
the figures engine's for the same period and unit (erating.base.analysis.figures, rounded half up by
erating.base.numbers) and plain SQL over the raw ratings, for random ratings (hypothesis), on SQLite
and PostgreSQL (DATABASE_URL)."""
import datetime
import re
import subprocess
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erating.base.analysis import aggregates
from erating.base.analysis import criteria as cr
from erating.base.analysis import figures as engine
from erating.base.catalogue.results_posters import previous_month
from erating.base.ingest import writer as rating_writer
from erating.base.models import Agency, Ministry, Premise, Rating, Target
from erating.base.numbers import text
from erating.base.portal_content import figures as portal

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 11, 0))
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def units(world, monkeypatch, settings):
    """Three ministries, five agencies (one opted out, one inactive), a counter each."""
    monkeypatch.setattr(portal, "clock", lambda: NOW)
    with scopes_disabled():
        works = Ministry.objects.create(code="kkr", name_ms="Kementerian Kerja Raya", name_en="Works")
        health = Ministry.objects.create(code="kkm", name_ms="Kementerian Kesihatan", name_en="Health")
        Agency.objects.filter(pk=world.other.agency.pk).update(public_results_named=False)
        Agency.objects.filter(pk=world.home.agency.pk).update(public_results_named=True)
        counters = [world.home.counter, world.other.counter]
        for code, ministry, status in (("jkr", works, Agency.ACTIVE), ("jln", works, Agency.ACTIVE),
                                       ("hkl", health, Agency.ACTIVE), ("old", health, Agency.SUSPENDED)):
            agency = Agency.objects.create(ministry=ministry, code=code, name_ms=f"Jabatan {code}", name_en=code,
                                           status=status)
            premise = Premise.objects.create(agency=agency, code=f"{code}-hq", name=f"{code} HQ", state="PJY")
            counters.append(Target.objects.create(agency=agency, premise=premise, kind=Target.COUNTER, name="K1"))
    return counters


def load(counters, ratings):
    """Replace every rating with `ratings` [(counter index, score, when, flagged)] through the one
    writer, then recount the aggregates (the deletion is a raw change they do not follow)."""
    with scopes_disabled():
        Rating.objects.all().delete()
    rows = [{"agency": counters[i].agency_id, "premise": counters[i].premise_id, "target": counters[i].id,
             "officer": None, "score": score, "channel": "qr", "reasons": [], "comment": "", "contact_consent": False,
             "contact_name": "", "contact_phone": "", "contact_email": "", "created_at": when, "client_time": None,
             "clock_skew_seconds": None, "idempotency_key": uuid.uuid4(), "device": None, "flagged": flagged,
             "source": "", "language": "ms"} for i, score, when, flagged in ratings]
    if rows:
        rating_writer.insert_new(rows)
    with scopes_disabled():
        aggregates.rebuild(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
    cache.clear()


def raw(since, until, **where):
    """(ratings, satisfied) of unflagged ratings of active agencies by plain SQL."""
    sql = ("SELECT COUNT(*), SUM(CASE WHEN r.score >= 4 THEN 1 ELSE 0 END) FROM base_rating r "
           "JOIN base_agency a ON a.id = r.agency_id WHERE r.flagged = %s AND r.created_at >= %s "
           "AND r.created_at < %s AND a.status = %s")
    params = [False, moment(since), moment(until), Agency.ACTIVE]
    for column, value in where.items():
        sql += f" AND {column} = %s"
        params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total, satisfied = cursor.fetchone()
    return total, satisfied or 0


def moment(value):
    """A datetime as the database compares it (SQLite: UTC text as Django stores it)."""
    if connection.vendor == "sqlite":
        return str(value.astimezone(datetime.UTC).replace(tzinfo=None))
    return value


def page_values(body):
    return dict(re.findall(r'data-result="([^"]+)">([^<]*)<', body))


def shown_csat(total, satisfied):
    return f"{text(100.0 * satisfied / total, 1)}%"


def check_results_page(units):
    body = Client().get("/keputusan/").content.decode()
    values = page_values(body)
    until = NOW + datetime.timedelta(days=1)
    periods = {"month-h": datetime.date(2026, 6, 1), "year-h": datetime.date(2026, 1, 1)}
    with scopes_disabled():
        ministries = {m.code: m.id for m in Ministry.objects.all()}
        agencies = {a.code: a.id for a in Agency.objects.all()}
    checked = 0
    for key, shown in values.items():
        period, *unit, measure = key.split("-")
        period = f"{period}-{unit.pop(0)}"  # "month-h" / "year-h"
        start = periods[period]
        since = datetime.datetime.combine(start, datetime.time.min, tzinfo=cr.MYT)
        today = timezone.localtime(NOW).date()
        if not unit:
            c, where = cr.public(start, today), {}
        elif unit[0] == "m":
            c, where = cr.public(start, today, ministry=ministries[unit[1]]), {"a.ministry_id": ministries[unit[1]]}
        else:
            c, where = cr.public(start, today, agency=agencies[unit[1]]), {"r.agency_id": agencies[unit[1]]}
        with scopes_disabled():
            k = engine.total(c) if unit and unit[0] == "a" else sum_active(c)
        total, satisfied = raw(since, until, **where)
        assert (k.total, k.satisfied) == (total, satisfied), key
        if shown == "–":
            continue  # withheld (disclosure.py decides: test_it_results_disclosure)
        if measure == "total":
            assert shown == text(k.total) == text(total)
        else:
            assert shown == f"{text(k.csat, 1)}%" == shown_csat(total, satisfied)
        checked += 1
    return checked


def sum_active(c):
    """A national or ministry figure: the engine's counts of its active agencies."""
    active = set(Agency.objects.filter(status=Agency.ACTIVE).values_list("id", flat=True))
    whole = engine.Counts()
    for (agency_id,), k in engine.counts(c, ["agency_id"]).items():
        if agency_id in active:
            whole += k
    return whole


@SETTINGS
@given(ratings=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 5), st.integers(0, 190), st.booleans(),
                                  st.integers(0, 23)), max_size=120),
       minimum=st.sampled_from([1, 3, 6]))
def test_every_public_result_equals_the_engine_and_the_raw_ratings(units, settings, ratings, minimum):
    settings.PUBLIC_RESULTS_MIN_RATINGS = minimum
    first = datetime.datetime(2025, 12, 20, tzinfo=cr.MYT)
    load(units, [(i, s, first + datetime.timedelta(days=d, hours=h), f) for i, s, d, f, h in ratings])
    check_results_page(units)


def test_a_share_ending_in_5_is_rounded_half_up_on_the_results_page(units, settings):
    """13 of 16 satisfied = 81.25 %: shown 81.3 % (round() made it 81.2 %, half to even)."""
    settings.PUBLIC_RESULTS_MIN_RATINGS = 5
    when = datetime.datetime(2026, 6, 3, 10, tzinfo=cr.MYT)
    load(units, [(i, s, when, False) for i in (0, 2, 4) for s in [5] * 13 + [1] * 3])
    values = page_values(Client().get("/keputusan/").content.decode())
    assert values["month-h-csat"] == values["month-h-a-jkr-csat"] == values["month-h-m-kkm-csat"] == "81.3%"
    assert check_results_page(units) >= 8


def test_the_national_count_is_withheld_with_the_national_satisfaction(units, settings):
    """One ministry whose only agency opted out: the national line would be that agency."""
    settings.PUBLIC_RESULTS_MIN_RATINGS = 3
    load(units, [(1, 5, datetime.datetime(2026, 6, 3, 10, tzinfo=cr.MYT), False)] * 7)
    values = page_values(Client().get("/keputusan/").content.decode())
    assert values["month-h-csat"] == values["month-h-total"] == "–"
    assert values["year-h-total"] == "–"
    cache.clear()
    home = Client().get("/").content.decode()
    assert 'data-count="ratings"' not in home  # the year's national count would be that agency's


def test_the_home_page_counts_the_year_as_the_results_page_publishes_it(units, settings):
    settings.PUBLIC_RESULTS_MIN_RATINGS = 3
    load(units, [(0, 5, datetime.datetime(2026, 6, 3, 10, tzinfo=cr.MYT), False)] * 4
         + [(2, 4, datetime.datetime(2026, 2, 3, 10, tzinfo=cr.MYT), False)] * 5)
    values = page_values(Client().get("/keputusan/").content.decode())
    cache.clear()
    home = Client().get("/").content.decode()
    assert re.search(r'data-count="ratings">([^<]*)<', home).group(1) == values["year-h-total"] == "9"


@SETTINGS
@given(now=st.lists(st.tuples(st.integers(1, 5), st.integers(0, 29), st.booleans()), max_size=40),
       before=st.lists(st.tuples(st.integers(1, 5), st.integers(0, 27), st.booleans()), max_size=40),
       minimum=st.sampled_from([1, 4, 10]))
def test_a_premises_results_page_and_poster_equal_the_engine_and_the_raw_ratings(units, now, before, minimum):
    month = previous_month(timezone.localdate())
    earlier = previous_month(month)
    with scopes_disabled():
        Agency.objects.filter(pk=units[0].agency_id).update(ranking_min_ratings=minimum)
    at = [(month, now), (earlier, before)]
    load(units, [(0, s, datetime.datetime.combine(m, datetime.time(9), cr.MYT) + datetime.timedelta(days=d), f)
                 for m, rows in at for s, d, f in rows if (m + datetime.timedelta(days=d)).month == m.month])
    premise = units[0].premise
    body = Client().get(f"/en/results/{premise.agency.code}/{premise.code}/").content.decode()
    figures = {}
    for start in (month, earlier):
        end = (start + datetime.timedelta(days=31)).replace(day=1)
        with scopes_disabled():
            k = engine.total(cr.public(start, end - datetime.timedelta(days=1), premise=premise.id))
        total, satisfied = raw(datetime.datetime.combine(start, datetime.time.min, cr.MYT),
                               datetime.datetime.combine(end, datetime.time.min, cr.MYT), **{"r.premise_id": premise.id})
        assert (k.total, k.satisfied) == (total, satisfied), start
        figures[start] = k
    k, b = figures[month], figures[earlier]
    pdf = Client().get(f"/keputusan/{premise.agency.code}/{premise.code}/", {"format": "pdf"})
    poster = subprocess.run(["pdftotext", "-", "-"], input=b"".join(pdf.streaming_content), capture_output=True,
                            check=True).stdout.decode()
    if k.total < minimum or not k.total:
        assert 'data-testid="too-few"' in body and 'data-testid="csat"' not in body
        assert "Too few ratings this month" in poster
        return
    csat = text(k.csat, 1)
    assert f'data-testid="csat">{csat}%<' in body and f"{csat}%" in poster
    assert f"from {text(k.total)} ratings" in body and f"from {text(k.total)} ratings" in poster
    if b.total >= minimum and b.total:
        change = k.csat - b.csat
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        assert f"{sign}{text(abs(change), 1)} points on the month before" in body
        assert f"{sign}{text(abs(change), 1)} points on last month" in poster
    else:
        assert "points on" not in body and "points on" not in poster
