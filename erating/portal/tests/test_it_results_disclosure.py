"""Public results: no withheld or opted-out unit can be recovered by adding or subtracting other
figures published for the same period (complementary suppression, erating.base.analysis.disclosure)."""
import datetime
import itertools

import pytest
from django_scopes import scopes_disabled

from erating.base.analysis import aggregates, disclosure
from erating.base.models import Agency, Ministry, Premise, Rating, Target
from erating.base.portal_content import figures
from erating.portal.tests.test_it_results import NOW, clock, rate  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
MONTH = datetime.datetime(2026, 6, 2, 9, 0, tzinfo=NOW.tzinfo)


def agency_with_counter(code, ministry, *, named=True):
    agency = Agency.objects.create(ministry=ministry, code=code, name_ms=f"Jabatan {code}", name_en=code,
                                   public_results_named=named)
    premise = Premise.objects.create(agency=agency, code=f"{code}-hq", name=f"{code} HQ", state="PJY")
    return Target.objects.create(agency=agency, premise=premise, kind=Target.COUNTER, name="Kaunter 1")


def published(period):
    """Every (total, satisfied) the period publishes, by unit: national, ministries, agencies."""
    out = {"national": (period["total"], period["satisfied"]) if period["csat"] is not None else None}
    for m in period["ministries"]:
        out[m["name_ms"]] = (m["total"], m["satisfied"])
        for a in m["agencies"]:
            out[a["name_ms"]] = (a["total"], a["satisfied"])
    return out


def recoverable(period, secret):
    """True when some published figure minus a set of other published figures equals `secret`."""
    pub = [v for v in published(period).values() if v is not None]
    for whole in pub:
        others = [v for v in pub if v is not whole]
        for n in range(len(others) + 1):
            for parts in itertools.combinations(others, n):
                left = (whole[0] - sum(p[0] for p in parts), whole[1] - sum(p[1] for p in parts))
                if left == secret:
                    return True
    return False


@pytest.fixture
def results(world, clock, settings):
    settings.PUBLIC_RESULTS_MIN_RATINGS = 5
    with scopes_disabled():
        Rating.objects.all().delete()
    return world


def compute():
    with scopes_disabled():
        aggregates.rebuild(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    return figures.compute_results()["this_month"]


def test_a_ministry_of_one_named_and_one_opted_out_agency_publishes_the_ministry_only(results):
    """Home Affairs: one agency named, one opted out. Ministry minus the named agency was the
    opted-out agency exactly."""
    w = results
    with scopes_disabled():
        Agency.objects.filter(pk=w.other.agency.pk).update(public_results_named=False)
        rate(w.home.counter, [5, 5, 4, 2, 1, 5], MONTH)
        rate(w.other.counter, [5, 4, 1, 1, 1, 3, 4], MONTH)
        public = Ministry.objects.create(code="kkr", name_ms="Kementerian Kerja Raya", name_en="Works")
        rate(agency_with_counter("jkr", public), [5] * 6, MONTH)
    period = compute()
    home = next(m for m in period["ministries"] if m["name_ms"] == "Kementerian Dalam Negeri")
    assert home["total"] == 13 and home["agencies"] == [] and home["unnamed"] == 2
    assert not recoverable(period, (7, 3))  # the opted-out agency: 7 ratings, 3 satisfied
    assert [a["name_ms"] for m in period["ministries"] for a in m["agencies"]] == ["Jabatan jkr"]


def test_a_ministry_that_is_one_opted_out_agency_is_not_published(results):
    w = results
    with scopes_disabled():
        lone = Ministry.objects.create(code="kpt", name_ms="Kementerian Lone", name_en="Lone")
        secret = agency_with_counter("sec", lone, named=False)
        rate(secret, [5, 1, 1, 1, 4, 2], MONTH)
        works = Ministry.objects.create(code="kkr", name_ms="Kementerian Kerja Raya", name_en="Works")
        rate(agency_with_counter("jkr", works), [5] * 6, MONTH)
        rate(agency_with_counter("jln", works), [4] * 8, MONTH)
        rate(w.home.counter, [5, 5, 4, 2, 1, 5], MONTH)
    period = compute()
    names = [m["name_ms"] for m in period["ministries"]]
    assert "Kementerian Lone" not in names
    assert not recoverable(period, (6, 2))
    # The national line stands over two hidden ministries: the smallest other ministry went with it.
    assert period["csat"] is not None and period["hidden_ministries"] == 2


def test_one_ministry_below_the_minimum_takes_another_with_it(results):
    w = results
    with scopes_disabled():
        Agency.objects.filter(pk=w.other.agency.pk).update(
            ministry=Ministry.objects.create(code="kkr", name_ms="Kementerian Kerja Raya", name_en="Works"))
        rate(w.home.counter, [5, 5, 4, 2, 1, 5], MONTH)
        rate(w.other.counter, [5, 4, 1], MONTH)  # 3 < 5
        big = Ministry.objects.create(code="kpm", name_ms="Kementerian Pendidikan", name_en="Education")
        rate(agency_with_counter("kpm", big), [4] * 9, MONTH)
    period = compute()
    assert [m["name_ms"] for m in period["ministries"]] == ["Kementerian Pendidikan"]
    assert not recoverable(period, (3, 2))


def test_complementary_keeps_two_or_more_hidden_under_a_parent():
    assert disclosure.complementary({"a": 10, "b": 7, "c": 3}, {"a", "b"}) == ({"a"}, True)
    assert disclosure.complementary({"a": 10, "b": 7}, {"a", "b"}) == ({"a", "b"}, True)
    assert disclosure.complementary({"a": 10, "b": 7, "c": 3, "d": 2}, {"a", "b"}) == ({"a", "b"}, True)
    assert disclosure.complementary({"a": 10}, set()) == (set(), False)
    assert disclosure.complementary({"a": 10, "b": 3}, {"a"}) == (set(), True)
