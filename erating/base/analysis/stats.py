"""Aggregation over a scoped Rating queryset: counts, CSAT, mean and confidence-aware ranking."""
import math

from django.db.models import Avg, Count, Q

Z95 = 1.96


def summary(ratings):
    """CSAT is the share of 4s and 5s; mean is on the 5-point scale."""
    row = ratings.aggregate(
        total=Count("id"),
        satisfied=Count("id", filter=Q(score__gte=4)),
        low=Count("id", filter=Q(score__lte=2)),
        mean=Avg("score"),
    )
    total = row["total"] or 0
    return {
        "total": total,
        "satisfied": row["satisfied"] or 0,
        "low": row["low"] or 0,
        "csat": round(100.0 * row["satisfied"] / total, 1) if total else None,
        "mean": round(row["mean"], 2) if row["mean"] is not None else None,
    }


def distribution(ratings):
    counts = dict(ratings.order_by().values_list("score").annotate(n=Count("id")).values_list("score", "n"))
    return [(score, counts.get(score, 0)) for score in range(5, 0, -1)]


def wilson_lower_bound(satisfied, total, z=Z95):
    """Lower bound of the 95% Wilson interval: 3 of 3 ranks below 2,900 of 3,000."""
    if total == 0:
        return 0.0
    p = satisfied / total
    denom = 1 + z * z / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt((p * (1 - p) + z * z / (4 * total)) / total)
    return (centre - margin) / denom


def ranked(ratings, group_field, label_field, limit=10):
    rows = (ratings.order_by().values(group_field, label_field)
            .annotate(total=Count("id"), satisfied=Count("id", filter=Q(score__gte=4)), mean=Avg("score")))
    result = [
        {
            "id": r[group_field], "label": r[label_field], "total": r["total"],
            "csat": round(100.0 * r["satisfied"] / r["total"], 1) if r["total"] else None,
            "mean": round(r["mean"], 2) if r["mean"] is not None else None,
            "rank_score": wilson_lower_bound(r["satisfied"], r["total"]),
        }
        for r in rows
    ]
    result.sort(key=lambda r: r["rank_score"], reverse=True)
    return result[:limit]
