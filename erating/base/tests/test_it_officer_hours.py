"""An officer's, target's or target kind's figures by hour -- the trend of a short period (hour
grain) and the heat map's partial months -- come from the aggregates (TargetHour), never their raw
ratings, and equal the raw ratings, for random units and periods (hypothesis), on SQLite and
PostgreSQL (DATABASE_URL)."""
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from erating.base.analysis import aggregate_check, aggregates, figures
from erating.base.analysis import criteria as cr
from erating.base.models import TargetHour
from erating.base.scoping import dimensions_for
from erating.base.tests.test_it_figures import FIRST, LAST, dataset, raw_rows, selected  # noqa: F401

pytestmark = pytest.mark.django_db


@st.composite
def units(draw, world):
    home = world.home
    user = draw(st.sampled_from([world.sysadmin, home.admin, home.officer]))
    unit = draw(st.sampled_from([{"officer": home.officer.id}, {"officer": home.colleague.id},
                                 {"target": home.officer_target.id}, {"target": home.counter.id},
                                 {"kind": "officer"}, {"kind": "counter"}]))
    start = FIRST + timedelta(days=draw(st.integers(0, 170)))
    days = draw(st.sampled_from([1, 2, 20, 75]))
    q = {"period": "custom", "start": start.isoformat(), "end": (start + timedelta(days=days - 1)).isoformat(), **unit}
    for name, values in {"channel": ["qr", "tablet"], "score_min": [2, 4], "flagged": ["1"]}.items():
        if draw(st.booleans()) and draw(st.booleans()):
            q[name] = str(draw(st.sampled_from(values)))
    return user, q


def tables_read(queries):
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return {"rating": "base_rating\"" in sql or "base_rating " in sql, "targethour": "base_targethour" in sql}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hours_of_an_officer_target_or_kind_come_from_the_aggregates(dataset, data):
    user, query = data.draw(units(dataset))
    try:
        c = cr.parse(QueryDict(mutable=True) | query, user=user)
    except ValidationError:
        assume(False)
    local = [r.created_at.astimezone(cr.MYT) for r in selected(raw_rows(), c)]
    with scope(**dimensions_for(user)), CaptureQueriesContext(connection) as queries:
        grain, series = figures.trend(c)
        grid = figures.heatmap(c)
    read = tables_read(queries)
    assert not read["rating"]
    by_hour = Counter((t.date(), t.hour) for t in local)
    if grain == "hour":
        assert read["targethour"]
        assert {key: k.total for key, k in series if k.total} == dict(by_hour)
    if figures._whole_months(c) != (c.start, c.end + timedelta(days=1)):
        assert read["targethour"]  # a partial month of the heat map
    assert ({(d, h): grid[d][h].total for d in range(7) for h in range(24) if grid[d][h].total}
            == dict(Counter((t.weekday(), t.hour) for t in local)))


def test_a_days_trend_of_an_officer_reads_targethour(dataset):
    """The one-day trend read the officer's raw ratings; the hours equal them."""
    home = dataset.home
    day = max(r.created_at.astimezone(cr.MYT).date() for r in raw_rows() if r.officer_id == home.officer.id)
    c = cr.parse(QueryDict(mutable=True) | {"period": "custom", "start": day.isoformat()}, user=home.officer)
    with scope(**dimensions_for(home.officer)), CaptureQueriesContext(connection) as queries:
        grain, series = figures.trend(c)
    assert grain == "hour" and tables_read(queries) == {"rating": False, "targethour": True}
    want = Counter(r.created_at.astimezone(cr.MYT).hour for r in selected(raw_rows(), c))
    assert sum(want.values()) > 0
    assert {h: k.total for (_d, h), k in series if k.total} == dict(want)


def test_targethour_is_checked_and_rebuilt_with_the_other_aggregates(dataset):
    with scopes_disabled():
        TargetHour.objects.filter(target=dataset.home.officer_target).update(n5=7)
    assert {d[0] for d in aggregate_check.check(FIRST, LAST)} == {"TargetHour"}
    aggregates.rebuild(FIRST, LAST)
    with scopes_disabled():
        TargetHour.objects.all().delete()
    aggregates.backfill(TargetHour)  # the migration's fill
    assert aggregate_check.check(FIRST, LAST) == []
