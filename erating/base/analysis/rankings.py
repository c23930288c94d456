"""Fair rankings of premises, counters, services, facilities and officers for a Criteria.

Rows are ordered by the Wilson lower bound of the satisfaction index, so 3 ratings cannot outrank
3,000; rows with fewer ratings than the agency's minimum (Agency.ranking_min_ratings) are listed
apart, and one officer's row below it is withheld unless the viewer is the agency administrator.
Counts come from erating.base.analysis.figures.counts (the aggregate tables)."""
from collections import defaultdict

from django_scopes import scopes_disabled

from erating.base import labels
from erating.base.analysis import disclosure
from erating.base.analysis.figures import Counts, counts
from erating.base.models import Agency, Ministry, Premise, Target

DEFAULT_MIN_RATINGS = disclosure.DEFAULT_MIN_RATINGS
DIMENSIONS = {
    # name: (group field, target kind filter or None)
    "ministry": ("agency__ministry_id", None),
    "agency": ("agency_id", None),
    "premise": ("premise_id", None),
    "counter": ("target_id", "counter"),
    "service": ("target_id", "service"),
    "facility": ("target_id", "facility"),
    "officer": ("officer_id", None),
    "target": ("target_id", None),  # every kind (a premise's page)
}


def minimums(c):
    return disclosure.minimums(c.agency_id or c.scope_agency)


def _labels(dimension, ids):
    with scopes_disabled():
        if dimension == "ministry":
            return {m.id: m.name for m in Ministry.objects.filter(id__in=ids)}
        if dimension == "agency":
            return {a.id: a.name for a in Agency.objects.filter(id__in=ids)}
        if dimension == "premise":
            return dict(Premise.objects.filter(id__in=ids).values_list("id", "name"))
    # Officers and counters, services, facilities: named so that two are never confused.
    if dimension == "officer":
        return labels.officer_labels(ids)
    return labels.target_labels(ids)


def ranking(c, dimension, *, show_officers_below_minimum=False, per=None, kinds=None, mins=None, labelled=True):
    """-> {"ranked": rows with at least the minimum ratings, best Wilson bound first,
    "few": rows below it (ranked apart), "hidden": how many officer rows were withheld}.
    Each row: id, label, total, csat, mean, score (Wilson lower bound, 0..100), agency_id, minimum,
    counts (figures.Counts).
    `per`, `kinds`: counts by (agency, premise, target, officer) and target kinds, when one
    read serves several dimensions (rankings()); `mins`: minimums(c), when already read;
    labelled=False: rows without labels (a previous period read only for its movers)."""
    field, kind = DIMENSIONS[dimension]
    with_agency = field not in ("agency_id", "agency__ministry_id")
    if per is None:
        group = [field] + (["agency_id"] if with_agency else [])
        per = dict(counts(c, group, kind=kind))
    else:
        per = _fold(per, dimension, kinds)
    mins = minimums(c) if mins is None else mins
    merged = defaultdict(lambda: [Counts(), None])
    for key, k in per.items():
        if dimension == "officer" and key[0] == 0:
            continue  # ratings credited to no officer
        merged[key[0]][0] += k
        merged[key[0]][1] = key[1] if with_agency else None
    labels = _labels(dimension, list(merged)) if labelled else {}
    ranked, few, hidden = [], [], 0
    for ident, (k, agency) in merged.items():
        if not k.total:
            continue
        minimum = mins.get(agency, DEFAULT_MIN_RATINGS) if agency else DEFAULT_MIN_RATINGS
        row = {"id": ident, "label": labels.get(ident, "?"), "total": k.total, "csat": k.csat, "mean": k.mean,
               "score": k.ranking_score, "agency_id": agency,
               "minimum": minimum, "counts": k}
        if k.total >= minimum:
            ranked.append(row)
        elif dimension == "officer" and not show_officers_below_minimum:
            hidden += 1
        else:
            few.append(row)
    ranked.sort(key=lambda r: (-r["score"], -r["total"], r["label"]))
    few.sort(key=lambda r: (-r["total"], r["label"]))
    return {"ranked": ranked, "few": few, "hidden": hidden}


FINE = ["agency_id", "premise_id", "target_id", "officer_id"]


def _fold(per, dimension, kinds):
    """Counts by (agency, premise, target, officer) -> by (dimension id, agency)."""
    out = defaultdict(Counts)
    index = {"premise": 1, "officer": 3}.get(dimension, 2)
    for key, k in per.items():
        if index == 2 and dimension != "target" and kinds.get(key[2]) != dimension:
            continue
        out[(key[index], key[0])] += k
    return out


def top(c, dimension, limit=10):
    """The first `limit` rows, ranked ones first then those below the minimum (home pages)."""
    result = ranking(c, dimension)
    return [{"label": r["label"], "total": r["total"], "csat": r["csat"], "mean": r["mean"]}
            for r in (result["ranked"] + result["few"])[:limit]]


def rankings(c, dimensions, *, show_officers_below_minimum=False):
    """Rankings and movers of several dimensions below the agency from ONE read per period
    (counts by agency, premise, target and officer): {dimension: (ranking, (up, down))}."""
    now, before = counts(c, FINE), counts(c.previous(), FINE)
    with scopes_disabled():
        ids = {key[2] for key in now} | {key[2] for key in before}
        kinds = dict(Target.objects.filter(id__in=ids).values_list("id", "kind"))
    mins = minimums(c)  # the same agencies in both periods
    out = {}
    for dimension in dimensions:
        result = ranking(c, dimension, show_officers_below_minimum=show_officers_below_minimum, per=now, kinds=kinds,
                         mins=mins)
        previous = ranking(c.previous(), dimension, per=before, kinds=kinds, mins=mins, labelled=False)["ranked"]
        out[dimension] = (result, movers(c, dimension, now=result["ranked"], before=previous))
    return out


def movers(c, dimension, *, limit=5, now=None, before=None):
    """Rows ranked in both periods, by change of satisfaction index: (top risers, top fallers).
    `now`, `before`: the two periods' ranked rows if already computed."""
    now = ranking(c, dimension)["ranked"] if now is None else now
    before = ranking(c.previous(), dimension)["ranked"] if before is None else before
    before = {r["id"]: r for r in before}
    both = [dict(r, change=r["csat"] - before[r["id"]]["csat"]) for r in now if r["id"] in before]
    up = sorted((r for r in both if r["change"] > 0), key=lambda r: (-r["change"], r["label"]))[:limit]
    down = sorted((r for r in both if r["change"] < 0), key=lambda r: (r["change"], r["label"]))[:limit]
    return up, down
