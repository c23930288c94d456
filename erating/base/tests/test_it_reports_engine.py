"""Reports and the dashboard hold together (issue 21 item 6): for random criteria and users
(hypothesis), every figure an aggregate report prints equals the figures engine's (the dashboard's)
for the same criteria and user, and both equal the raw ratings. Runs on SQLite and PostgreSQL
(DATABASE_URL). The dataset's home agency has a low-score threshold of 3, not the default 2."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils import translation
from django_scopes import scope
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from erating.base.analysis import figures, rankings, reasons
from erating.base.numbers import half_up, shares
from erating.base.reports import aggregate
from erating.base.reports.run import bound, prepare
from erating.base.scoping import dimensions_for
from erating.base.tests.test_it_figures import dataset, queries, raw_rows, selected  # noqa: F401

pytestmark = pytest.mark.django_db

SEEN = set()
REPORTS = ["summary", "by-agency", "by-month", "charter", "officers", "cross-agency", "followup"]


def _built(user, query, report):
    try:
        req = prepare(user, dimensions_for(user), QueryDict(mutable=True) | {**query, "report": report, "fmt": "csv",
                                                                              "language": "en"})
    except (ValidationError, PermissionDenied):
        return None, None
    with bound(req.ctx):
        sections = [(s.title, [c.label for c in s.columns], list(s.rows)) for s in req.report.build(req.ctx)]
    return req.ctx, sections


def _shown(value, places):
    return half_up(value, places)


def _csat(rows):
    return 100.0 * sum(r.score >= 4 for r in rows) / len(rows) if rows else None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_report_figure_equals_the_dashboards(dataset, data):
    user, query = data.draw(queries(dataset))
    built = [(report, *_built(user, query, report)) for report in REPORTS]
    built = [b for b in built if b[1] is not None]  # the reports this user may run
    assume(built)
    for report, ctx, sections in built:
        SEEN.add(report)
        _check(user, report, ctx, sections)


def _check(user, report, ctx, sections):
    c = ctx.criteria
    raw = raw_rows()
    limits = {a.id: a.reasons_max_score for a in {r.agency for r in raw}}
    with scope(**ctx.dims), translation.override(ctx.language):
        head = figures.headline(c)
    rows = selected(raw, c)
    assert head["ratings"] == len(rows)
    by_title = {title: (labels, body) for title, labels, body in sections}

    if report == "summary":
        _labels, body = by_title["Headline figures"]
        shown = {line[0]: line[1] for line in body}
        assert shown["Ratings"] == head["ratings"]
        assert shown["Satisfaction (%)"] == _shown(head["csat"], 1) == _shown(_csat(rows), 1)
        assert shown["Mean score"] == _shown(head["mean"], 2)
        low = sum(r.score <= limits[r.agency_id] for r in rows)
        assert shown[head["low_label"]] == head["low"] == low  # the agency's threshold, labelled
        assert shown["Share of low scores (%)"] == _shown(head["low_share"], 1)
        _labels, body = by_title["Distribution of scores"]
        assert [line[1] for line in body] == [head["distribution"][s - 1] for s in (5, 4, 3, 2, 1)]
        assert [line[2] for line in body] == shares([head["distribution"][s - 1] for s in (5, 4, 3, 2, 1)])
        _labels, body = by_title["By premise"]
        assert sum(line[1] for line in body) == head["ratings"]
    elif report in ("by-agency", "cross-agency", "charter"):
        for title, (labels, body) in by_title.items():
            total_col = labels.index("Total")
            assert sum(line[total_col] for line in body) == (
                head["ratings"] if title != "Client charter by service" else
                sum(1 for r in rows if r.target.kind == "service"))
            if "Satisfaction (%)" in labels:
                col = labels.index("Satisfaction (%)")
                ranks = [line[labels.index("Ranking score (%)")] for line in body]
                assert ranks == sorted(ranks, reverse=True)
                for line in body:
                    assert 0 <= line[col] <= 100
        if report == "by-agency" and not ctx.agency_wide:
            with scope(**ctx.dims):
                premises = rankings.ranking(c, "premise")
            engine = {r["label"]: (r["total"], r["csat"]) for r in premises["ranked"] + premises["few"]}
            labels, body = by_title["By premise"]
            got = {line[2]: (line[labels.index("Total")], line[labels.index("Satisfaction (%)")]) for line in body}
            assert got == engine
    elif report == "by-month":
        labels, body = next(iter(by_title.values()))
        period = aggregate.period_of(ctx)  # the chosen period within the chosen year
        assert sum(line[labels.index("Total")] for line in body) == len(selected(raw, period))
        with scope(**ctx.dims):
            months = figures.counts_by_month(period)
        first = labels.index("Total") - 2 * len(figures.month_starts(period.start, period.end))
        for i, month in enumerate(figures.month_starts(period.start, period.end)):
            column = [line[first + 2 * i] for line in body]
            assert sum(column) == months.get(month, figures.Counts()).total
    elif report == "followup":
        with scope(**ctx.dims):
            engine = sum(n for _reason, n in reasons.reasons(c))
            carrying = sum(reasons.with_reasons(c).values())
        printed = carried = 0
        for labels, body in by_title.values():
            if "Total reasons" in labels and body:
                printed += body[-1][labels.index("Total reasons")]  # the section's total row
                carried += body[-1][labels.index("Ratings with reasons")]
        assert printed == engine == sum(len(set(r.reasons)) for r in rows)
        assert carried == carrying == sum(bool(r.reasons) for r in rows)
    elif report == "officers":
        with scope(**ctx.dims):
            result = rankings.ranking(c, "officer", show_officers_below_minimum=user.is_agency_admin)
        labels, body = by_title["By officer"]
        engine = [(r["label"], r["total"], r["csat"]) for r in result["ranked"] + result["few"]]
        assert [(line[1], line[labels.index("Total")], line[labels.index("Satisfaction (%)")]) for line in body] == engine


def test_the_property_ran_every_report():
    """Run after the property above (same module): each report was drawn and built."""
    if SEEN:
        assert set(REPORTS) == SEEN, SEEN
