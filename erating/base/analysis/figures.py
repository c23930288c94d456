"""Every figure the dashboard (and reports, and the portal) shows, for a Criteria.

All counts come from the aggregate tables, chosen so each answer is exact:
  - period sums: whole calendar months from a month table, the rest from a day table; the
    premise-grain tables (PremiseMonth, PremiseDay) when nothing below the premise is asked for
    (no target, officer or target kind), else the target-grain ones (RatingMonth, RatingDay);
  - per-day series: PremiseDay or RatingDay, by the same rule;
  - heat map: HeatMonth (per agency) for whole months when no premise narrows it, TargetHeatMonth
    for whole months of an officer, target or target kind, else RatingHour;
  - per-hour series (heat map's partial months, hour trend): RatingHour when no filter below the
    premise applies, else TargetHour (day × hour at target × officer grain);
  - follow-up reasons and comment themes: reasons.py, by the same rule (reasons.day_parts).
A score filter selects count columns (n1..n5), never rows, so it is exact on every table.
What each figure means (satisfied, low, mean, index, Wilson bound) is defined once, in
measures.py. Ratings still queued for the folder are folded first (pending.fresh()), here, so no
caller has to: every reader of the aggregates goes through counts() / daily() / hourly() /
heatmap() / reasons.py. Each table is read under the Criteria's own copy of the user's scope, each
condition once (criteria.rows).
"""
from collections import defaultdict
from datetime import timedelta

from django.db.models import Q, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django_scopes import scopes_disabled

from erating.base.analysis import criteria as cr
from erating.base.analysis import measures, pending
from erating.base.models import (
    Agency,
    HeatMonth,
    PremiseDay,
    PremiseMonth,
    RatingDay,
    RatingHour,
    RatingMonth,
    TargetHeatMonth,
    TargetHour,
)

N = [f"n{s}" for s in range(1, 6)]
C = [f"c{s}" for s in range(1, 6)]


# --- counting -----------------------------------------------------------------------------------

class Counts:
    """Ratings per score (n[0..4]) and with a comment per score (c[0..4]) under a score filter."""
    __slots__ = ("n", "c")

    def __init__(self, n=None, c=None):
        self.n, self.c = n or [0] * 5, c or [0] * 5

    def add(self, values):
        for i in range(5):
            self.n[i] += values[i] or 0
            self.c[i] += values[i + 5] or 0
        return self

    def __iadd__(self, other):
        return self.add(other.n + other.c)

    def __eq__(self, other):
        return isinstance(other, Counts) and (self.n, self.c) == (other.n, other.c)

    __hash__ = None  # mutable

    @property
    def total(self):
        return sum(self.n)

    @property
    def satisfied(self):
        return measures.satisfied(self.n)

    @property
    def commented(self):
        return sum(self.c)

    def low(self, threshold):
        return measures.low(self.n, threshold)

    @property
    def mean(self):
        return measures.mean(self.n)

    @property
    def csat(self):
        return measures.csat(self.n)

    @property
    def ranking_score(self):
        return measures.ranking_score(self.n)


def _masked(c, values):
    """Zero the scores outside the Criteria's score range."""
    return [v if c.score_min <= (i % 5) + 1 <= c.score_max else 0 for i, v in enumerate(values)]


def _filtered(model, c, kind=None):
    qs = cr.rows(model, c)
    if kind is not None and c.kind is not None and kind != c.kind:
        return qs.none()  # a kind asked for inside Criteria of another kind: nothing
    kind = kind or c.kind
    if kind is not None:
        qs = qs.filter(target__kind=kind)
    return qs


def _whole_months(c):
    """(first, last) months entirely inside the period, or None."""
    first = c.start if c.start.day == 1 else (c.start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = c.end + timedelta(days=1)
    last = after.replace(day=1)  # first month NOT entirely inside
    if first >= last:
        return None
    return first, last


def edge_days(qs, c, first, after):
    """The days of the period outside the whole months [first, after), as two index ranges: an
    exclusion of the middle would read every day of the period from the day table."""
    return qs.filter(Q(day__gte=c.start, day__lt=first) | Q(day__gte=after, day__lte=c.end))


def _sum_rows(qs, group):
    if not group:  # values_list() without fields would mean every field
        sums = qs.aggregate(*[Sum(f) for f in N + C])
        return [tuple(sums[f"{f}__sum"] or 0 for f in N + C)]
    return qs.order_by().values_list(*group).annotate(*[Sum(f) for f in N + C])


PREMISE_GRAIN = {"agency_id", "premise_id", "channel", "agency__ministry_id"}


def _tables(c, group=(), kind=None):
    """(month table, day table) able to answer exactly: the premise-grain pair when possible."""
    if kind is None and not _below_premise(c) and set(group) <= PREMISE_GRAIN:
        return PremiseMonth, PremiseDay
    return RatingMonth, RatingDay


def counts(c, group=(), kind=None):
    """-> {group values tuple: Counts} over the Criteria's period."""
    pending.fresh()
    group = list(group)
    month_model, day_model = _tables(c, group, kind)
    out = defaultdict(Counts)
    months = _whole_months(c)
    parts = []
    if months:
        first, after = months
        parts.append(_filtered(month_model, c, kind).filter(month__gte=first, month__lt=after))
        parts.append(edge_days(_filtered(day_model, c, kind), c, first, after))
    else:
        parts.append(_filtered(day_model, c, kind).filter(day__gte=c.start, day__lte=c.end))
    for qs in parts:
        for row in _sum_rows(qs, group):
            out[tuple(row[:len(group)])].add(_masked(c, row[len(group):]))
    return out


def total(c):
    return counts(c).get((), Counts())


def _below_premise(c):
    return (c.target_id is not None or c.officer_id is not None or c.scope_officer is not None
            or c.kind is not None)


def daily(c, group=()):
    """-> {(day, *group): Counts}."""
    pending.fresh()
    out = defaultdict(Counts)
    day_model = _tables(c, group)[1]
    for row in _sum_rows(_filtered(day_model, c).filter(day__gte=c.start, day__lte=c.end), ["day", *group]):
        out[tuple(row[:1 + len(group)])].add(_masked(c, row[1 + len(group):]))
    return out


def hourly(c):
    """-> {(day, hour): Counts}, Malaysia time: RatingHour (per premise), or TargetHour when a
    target, officer or target kind is asked for."""
    pending.fresh()
    out = defaultdict(Counts)
    model = TargetHour if _below_premise(c) else RatingHour
    qs = _filtered(model, c).filter(day__gte=c.start, day__lte=c.end)
    for row in _sum_rows(qs, ["day", "hour"]):
        out[(row[0], row[1])].add(_masked(c, row[2:]))
    return out


# --- headline -----------------------------------------------------------------------------------

def thresholds(c):
    """Follow-up threshold per agency in the Criteria (the share of low scores is per agency)."""
    with scopes_disabled():
        qs = Agency.objects.all()
        agency = c.agency_id or c.scope_agency
        if agency is not None:
            qs = qs.filter(pk=agency)
        elif c.ministry_id is not None:
            qs = qs.filter(ministry_id=c.ministry_id)
        return dict(qs.values_list("id", "reasons_max_score"))


def low_of(per_agency, limits):
    """Low ratings of {(agency id, ...): Counts}, each agency at its own threshold."""
    return sum(k.low(limits.get(key[0], measures.DEFAULT_LOW_MAX)) for key, k in per_agency.items())


def _figures(per_agency, limits):
    whole = Counts()
    for k in per_agency.values():
        whole += k
    low = low_of(per_agency, limits)
    t = whole.total
    return {
        "ratings": t,
        "satisfied": whole.satisfied,
        "csat": whole.csat,
        "mean": whole.mean,
        "low": low,
        "low_share": measures.share(low, t),
        "low_label": measures.low_label(limits.values()),
        "comment_share": measures.share(whole.commented, t),
        "distribution": list(whole.n),
        "counts": whole,
    }


def summary(c):
    """Headline figures of one period (no comparison): ratings, satisfied, csat, mean, low (the
    agency's threshold), low_share, low_label, comment_share, distribution, counts."""
    return _figures(counts(c, ["agency_id"]), thresholds(c))


def headline(c):
    """Headline figures with the change against the previous period of the same length."""
    limits = thresholds(c)
    now = _figures(counts(c, ["agency_id"]), limits)
    before = _figures(counts(c.previous(), ["agency_id"]), limits)
    changes = {}
    for key in ("ratings", "csat", "mean", "low_share", "comment_share"):
        a, b = now[key], before[key]
        changes[key] = None if a is None or b is None else a - b
    now["previous"] = before
    now["change"] = changes
    if before["ratings"]:
        changes["ratings_pct"] = 100.0 * (now["ratings"] - before["ratings"]) / before["ratings"]
    else:
        changes["ratings_pct"] = None
    return now


def channels(c):
    per = counts(c, ["channel"])
    return [(ch, per.get((ch,), Counts()).total) for ch in cr.CHANNELS]


# --- trend --------------------------------------------------------------------------------------

def grain_for(c):
    if c.days <= 2:
        return "hour"
    if c.days <= 62:
        return "day"
    if c.days <= 190:
        return "week"
    return "month"


def trend(c):
    """-> (grain, [(bucket start, Counts)]) with empty buckets included."""
    grain = grain_for(c)
    buckets = defaultdict(Counts)
    if grain == "hour":
        for (day, hour), k in hourly(c).items():
            buckets[(day, hour)] += k
        keys = [(c.start + timedelta(days=d), h) for d in range(c.days) for h in range(24)]
        return grain, [(key, buckets[key]) for key in keys]
    if grain == "month":
        month_counts = counts_by_month(c)
        keys = month_starts(c.start, c.end)
        return grain, [(m, month_counts.get(m, Counts())) for m in keys]
    for (day,), k in daily(c).items():
        key = day - timedelta(days=day.weekday()) if grain == "week" else day
        buckets[key] += k
    if grain == "week":
        first = c.start - timedelta(days=c.start.weekday())
        keys = [first + timedelta(weeks=w) for w in range((c.end - first).days // 7 + 1)]
    else:
        keys = [c.start + timedelta(days=d) for d in range(c.days)]
    return grain, [(key, buckets[key]) for key in keys]


def month_starts(start, end):
    m, out = start.replace(day=1), []
    while m <= end:
        out.append(m)
        m = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def counts_by_month(c):
    """-> {month start: Counts}: whole months from the month table, partial ones by day."""
    return {key[0]: k for key, k in monthly(c).items()}


def monthly(c, group=(), kind=None):
    """-> {(month start, *group): Counts} over the Criteria's period (a month cut by the period
    counts only its days inside): whole months from the month table, the rest from the day table."""
    pending.fresh()
    group = list(group)
    width = len(group)
    month_model, day_model = _tables(c, group, kind)
    out = defaultdict(Counts)
    months = _whole_months(c)
    day_q = _filtered(day_model, c, kind)
    if months:
        first, after = months
        qs = _filtered(month_model, c, kind).filter(month__gte=first, month__lt=after)
        for row in _sum_rows(qs, ["month", *group]):
            out[(row[0], *row[1:1 + width])].add(_masked(c, row[1 + width:]))
        day_q = edge_days(day_q, c, first, after)
    else:
        day_q = day_q.filter(day__gte=c.start, day__lte=c.end)
    for row in _sum_rows(day_q, ["day", *group]):
        out[(row[0].replace(day=1), *row[1:1 + width])].add(_masked(c, row[1 + width:]))
    return out


# --- heat map -----------------------------------------------------------------------------------

def heatmap(c):
    """-> 7 × 24 list of Counts: [weekday Monday=0][hour], Malaysia time. Whole months from
    HeatMonth (per agency) or, for an officer, target or target kind, TargetHeatMonth; the
    period's partial months by hour."""
    grid = [[Counts() for _ in range(24)] for _ in range(7)]
    months = _whole_months(c)
    by_agency = not _below_premise(c) and c.premise_id is None and c.scope_premises is None
    if months and (by_agency or _below_premise(c)):
        first, after = months
        pending.fresh()
        if by_agency:
            qs = cr.rows(HeatMonth, c).filter(month__gte=first, month__lt=after)
        else:
            qs = _filtered(TargetHeatMonth, c).filter(month__gte=first, month__lt=after)
        for weekday, hour, *values in _sum_rows(qs, ["weekday", "hour"]):
            grid[weekday][hour].add(_masked(c, values))
        for start, end in [(c.start, first - timedelta(days=1)), (after, c.end)]:
            if start <= end:
                _add_hours(c.replace(start=start, end=end), grid)
        return grid
    _add_hours(c, grid)
    return grid


def _add_hours(c, grid):
    """Add the period's hours to the grid from the hour tables of hourly(), summed per weekday
    in the database (a year of one premise's hours is thousands of day × hour rows)."""
    pending.fresh()
    model = TargetHour if _below_premise(c) else RatingHour
    qs = _filtered(model, c).filter(day__gte=c.start, day__lte=c.end).annotate(weekday=ExtractIsoWeekDay("day"))
    for weekday, hour, *values in _sum_rows(qs, ["weekday", "hour"]):
        grid[weekday - 1][hour].add(_masked(c, values))


# --- comments and live stamp --------------------------------------------------------------------

def latest_comments(c, limit=10):
    return list(cr.ratings(c).exclude(comment="").select_related("target", "premise").order_by("-created_at")[:limit])


def stamp(c):
    """A value that changes whenever a rating inside the Criteria is stored (today's count)."""
    today = cr.today()
    if not (c.start <= today <= c.end):
        return "0"
    day = c.replace(start=today, end=today, score_min=1, score_max=5)
    k = counts(day).get((), Counts())
    return f"{today.isoformat()}:{k.total}"
