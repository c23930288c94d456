"""Every dashboard figure equals an independent computation from the raw ratings, for random
filter combinations and users (hypothesis), on SQLite and PostgreSQL alike."""
import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from erating.base.analysis import aggregate_check, figures, measures, pending, rankings
from erating.base.analysis import criteria as cr
from erating.base.analysis import reasons as reason_figures
from erating.base.ingest import writer as rating_writer
from erating.base.models import Rating, User
from erating.base.scoping import dimensions_for
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture
def dataset(world):
    rng = random.Random(14)
    home, other = world.home, world.other
    with scopes_disabled():
        home.agency.reasons_max_score = 3
        home.agency.save()
    targets = [home.counter, home.service, home.facility, home.officer_target, home.branch_counter, other.counter]
    officers = [None, home.officer.id, home.colleague.id]
    rows = []
    for _ in range(600):
        t = rng.choice(targets)
        score = rng.choices([1, 2, 3, 4, 5], [2, 2, 2, 4, 5])[0]
        agency_reasons = home.reasons if t.agency_id == home.agency.id else other.reasons
        when = datetime(2026, 1, 10, tzinfo=UTC) + timedelta(minutes=rng.randrange(140 * 24 * 60))
        rows.append({
            "agency": t.agency_id, "premise": t.premise_id, "target": t.id,
            "officer": t.officer_id or (rng.choice(officers) if t.agency_id == home.agency.id else None),
            "score": score, "channel": rng.choice(["qr", "tablet"]),
            "reasons": [r.id for r in agency_reasons if rng.random() < 0.5] if score <= 3 else [],
            "comment": "komen" if rng.random() < 0.3 else "", "contact_consent": False, "contact_name": "",
            "contact_phone": "", "contact_email": "", "created_at": when, "client_time": None,
            "clock_skew_seconds": None, "idempotency_key": uuid.uuid4(), "device": None,
            "flagged": rng.random() < 0.1, "source": "", "language": "ms"})
    for start in range(0, len(rows), 37):  # the one writer, in batches, as requests arrive
        rating_writer.insert_new(rows[start:start + 37])
        if start % 185 == 0:
            pending.fold(limit=50)  # the folder catches up in steps of its own
    add_rating(home.counter, 2, comment="ORM", when=datetime(2026, 3, 31, 16, 30, tzinfo=UTC))  # 00:30 MYT
    pending.fold_all()
    return world


def raw_rows():
    with scopes_disabled():
        return list(Rating.objects.select_related("target", "agency").order_by("id"))


def selected(rows, c):
    out = []
    for r in rows:
        day = r.created_at.astimezone(cr.MYT).date()
        checks = [
            c.start <= day <= c.end,
            c.scope_agency is None or r.agency_id == c.scope_agency,
            c.scope_premises is None or r.premise_id in c.scope_premises,
            c.scope_officer is None or r.officer_id == c.scope_officer,
            c.ministry_id is None or r.agency.ministry_id == c.ministry_id,
            c.agency_id is None or r.agency_id == c.agency_id,
            c.premise_id is None or r.premise_id == c.premise_id,
            c.target_id is None or r.target_id == c.target_id,
            c.officer_id is None or r.officer_id == c.officer_id,
            c.kind is None or r.target.kind == c.kind,
            c.channel is None or r.channel == c.channel,
            c.include_flagged or not r.flagged,
            c.score_min <= r.score <= c.score_max,
        ]
        if all(checks):
            out.append(r)
    return out


def near(a, b):
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


@st.composite
def queries(draw, world):
    home, other = world.home, world.other
    user = draw(st.sampled_from([world.sysadmin, home.admin, home.supervisor, home.officer]))
    start = FIRST + timedelta(days=draw(st.integers(0, 170)))
    end = start + timedelta(days=draw(st.integers(0, 120)))
    q = {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}
    options = {
        "ministry": [world.ministry.id], "agency": [home.agency.id, other.agency.id],
        "premise": [home.premise.id, home.branch.id, other.premise.id],
        "target": [home.counter.id, home.officer_target.id, home.branch_counter.id, other.counter.id],
        "officer": [home.officer.id, home.colleague.id], "kind": ["counter", "service", "officer"],
        "channel": ["qr", "tablet"], "score_min": [1, 2, 4], "score_max": [2, 3, 5], "flagged": ["1"],
    }
    for name, values in options.items():
        if draw(st.booleans()) and draw(st.booleans()):
            q[name] = str(draw(st.sampled_from(values)))
    return user, q


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.filter_too_much])
@given(data=st.data())
def test_figures_equal_the_raw_computation(dataset, data):
    user, query = data.draw(queries(dataset))
    try:
        c = cr.parse(QueryDict(mutable=True) | query, user=user)
    except ValidationError:
        assume(False)
    rows = selected(raw_rows(), c)
    limits = {a.id: a.reasons_max_score for a in {r.agency for r in raw_rows()}}
    with scope(**dimensions_for(user)):
        head = figures.headline(c)
        got_channels = dict(figures.channels(c))
        grain, series = figures.trend(c)
        grid = figures.heatmap(c)
        got_reasons = {reason.id: n for reason, n in reason_figures.reasons(c)}
        premise_rank = rankings.ranking(c, "premise")
        officer_rank = rankings.ranking(c, "officer", show_officers_below_minimum=True)
        bundle = rankings.rankings(c, ["premise", "counter", "officer"], show_officers_below_minimum=True)
        comments = figures.latest_comments(c, limit=1000)

    total = len(rows)
    assert head["ratings"] == total
    assert head["distribution"] == [sum(1 for r in rows if r.score == s) for s in range(1, 6)]
    assert near(head["csat"], 100.0 * sum(r.score >= 4 for r in rows) / total if total else None)
    assert near(head["mean"], sum(r.score for r in rows) / total if total else None)
    low = sum(r.score <= limits[r.agency_id] for r in rows)
    assert near(head["low_share"], 100.0 * low / total if total else None)
    assert near(head["comment_share"], 100.0 * sum(bool(r.comment) for r in rows) / total if total else None)
    assert head["previous"]["ratings"] == len(selected(raw_rows(), c.previous()))
    assert got_channels == {ch: sum(r.channel == ch for r in rows) for ch in ("tablet", "qr")}

    buckets = Counter()
    for r in rows:
        local = r.created_at.astimezone(cr.MYT)
        day = local.date()
        key = {"hour": (day, local.hour), "day": day, "week": day - timedelta(days=day.weekday()),
               "month": day.replace(day=1)}[grain]
        buckets[key] += 1
    assert {k: v.total for k, v in series if v.total} == dict(buckets)
    assert sum(v.total for _k, v in series) == total

    cells = Counter((r.created_at.astimezone(cr.MYT).weekday(), r.created_at.astimezone(cr.MYT).hour) for r in rows)
    assert {(d, h): grid[d][h].total for d in range(7) for h in range(24) if grid[d][h].total} == dict(cells)

    reasons = Counter(reason for r in rows for reason in set(r.reasons))
    assert got_reasons == dict(reasons)

    per_premise = Counter(r.premise_id for r in rows)
    assert {row["id"]: row["total"] for row in premise_rank["ranked"] + premise_rank["few"]} == dict(per_premise)
    per_officer = Counter(r.officer_id for r in rows if r.officer_id)
    assert {row["id"]: row["total"] for row in officer_rank["ranked"] + officer_rank["few"]} == dict(per_officer)
    assert bundle["premise"][0] == premise_rank and bundle["officer"][0] == officer_rank
    per_counter = Counter(r.target_id for r in rows if r.target.kind == "counter")
    counters = bundle["counter"][0]
    assert {row["id"]: row["total"] for row in counters["ranked"] + counters["few"]} == dict(per_counter)
    for row in premise_rank["ranked"]:
        sat = sum(r.score >= 4 for r in rows if r.premise_id == row["id"])
        assert near(row["score"], 100.0 * measures.wilson(sat, row["total"]))
        assert row["total"] >= row["minimum"]

    assert [r.id for r in comments] == [r.id for r in sorted(rows, key=lambda r: r.created_at, reverse=True)
                                        if r.comment]


def test_officer_rows_below_the_minimum_are_withheld(dataset):
    c = cr.parse(QueryDict("period=custom&start=2026-01-01&end=2026-06-30"), user=dataset.home.admin)
    with scopes_disabled():
        dataset.home.agency.ranking_min_ratings = 10_000
        dataset.home.agency.save()
        c = c.replace()
        withheld = rankings.ranking(c, "officer")
        shown = rankings.ranking(c, "officer", show_officers_below_minimum=True)
    assert withheld["ranked"] == withheld["few"] == [] and withheld["hidden"] == 2
    assert len(shown["few"]) == 2 and all(r["total"] < 10_000 for r in shown["few"])
    assert User.objects.filter(id__in=[r["id"] for r in shown["few"]]).count() == 2


def test_an_officers_heat_map_of_whole_months_reads_no_raw_ratings(dataset):
    """Officer and target heat maps come from the aggregates (TargetHeatMonth), not their raw
    ratings; the table is filled for existing ratings by its migration (aggregates.backfill)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from erating.base.analysis import aggregates
    from erating.base.models import TargetHeatMonth

    home = dataset.home
    user = home.officer
    c = cr.parse(QueryDict(mutable=True) | {"period": "custom", "start": "2026-02-01", "end": "2026-04-30"}, user=user)
    with scope(**dimensions_for(user)), CaptureQueriesContext(connection) as queries:
        grid = figures.heatmap(c)
    assert not [q["sql"] for q in queries.captured_queries if "base_rating\"" in q["sql"] or "base_rating " in q["sql"]]
    want = Counter((r.created_at.astimezone(cr.MYT).weekday(), r.created_at.astimezone(cr.MYT).hour)
                   for r in selected(raw_rows(), c))
    assert {(d, h): grid[d][h].total for d in range(7) for h in range(24) if grid[d][h].total} == dict(want)
    assert sum(want.values()) > 0
    with scopes_disabled():
        TargetHeatMonth.objects.all().delete()
    aggregates.backfill(TargetHeatMonth)
    assert aggregate_check.check(FIRST, LAST) == []
