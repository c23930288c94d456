"""What each figure means, defined once for the dashboard, home pages, premise and target pages,
reports, the read API, the portal and alerts. Every count is over ratings per score n[0..4]
(scores 1..5) from the aggregate tables (figures.Counts); showing a figure rounds it
(erating.base.numbers), computing it never does.

    satisfied      ratings scoring 4 or 5 (SATISFIED)
    low            ratings scoring at or below the AGENCY's follow-up threshold
                   (Agency.reasons_max_score, default 2), labelled with its range: "Low scores (1–2)"
    csat (index)   the satisfaction index: satisfied / all, in percent
    mean           the mean score on the 5-point scale
    wilson         lower bound of the 95 % Wilson interval of the satisfied share, 0..1: ranks units
                   fairly (3 satisfied of 3 rank below 2,900 of 3,000)
"""
import math

from django.db.models import Q
from django.utils.translation import gettext as _

SATISFIED = (4, 5)
DEFAULT_LOW_MAX = 2  # Agency.reasons_max_score's default
Z95 = 1.96


def total(n):
    return sum(n)


def satisfied(n):
    return sum(n[s - 1] for s in SATISFIED)


def low(n, threshold=DEFAULT_LOW_MAX):
    return sum(n[:threshold])


def share(part, whole):
    """Exact percentage, None without a whole."""
    return 100.0 * part / whole if whole else None


def csat(n):
    """The satisfaction index (percent of 4s and 5s)."""
    return share(satisfied(n), total(n))


def mean(n):
    t = total(n)
    return sum((i + 1) * k for i, k in enumerate(n)) / t if t else None


def wilson(good, whole, z=Z95):
    """Lower bound of the 95 % Wilson interval of good / whole (0 when there is nothing)."""
    if whole == 0:
        return 0.0
    p = good / whole
    denom = 1 + z * z / whole
    centre = p + z * z / (2 * whole)
    margin = z * math.sqrt((p * (1 - p) + z * z / (4 * whole)) / whole)
    return (centre - margin) / denom


def ranking_score(n):
    """The Wilson bound of the satisfied share in percent (the ranking column)."""
    return 100.0 * wilson(satisfied(n), total(n))


def satisfied_q(field="score"):
    """Row-level condition of a satisfied rating (alerts count minutes, finer than the aggregates)."""
    return Q(**{f"{field}__gte": min(SATISFIED)})


def low_q(threshold, field="score"):
    return Q(**{f"{field}__lte": threshold})


def score_range(first, last):
    return f"{first}–{last}" if first != last else str(first)


def low_label(thresholds=None):
    """ "Low scores (1–2)" with the agency's threshold; across agencies of different thresholds,
    "Low scores (each agency's threshold)". `thresholds`: one number or an iterable of them."""
    if isinstance(thresholds, int):
        thresholds = {thresholds}
    found = set(thresholds or ()) or {DEFAULT_LOW_MAX}
    if len(found) > 1:
        return _("Low scores (each agency's threshold)")
    return _("Low scores (%(range)s)") % {"range": score_range(1, found.pop())}


def satisfied_label():
    return _("Satisfied (%(range)s)") % {"range": score_range(min(SATISFIED), max(SATISFIED))}
