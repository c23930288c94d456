"""Follow-up reasons (and, by the same rule, comment themes) for a Criteria, from the reason
aggregates: whole months from ReasonMonth and the other days from PremiseReasonDay when nothing
below the premise is asked for, else every day from RatingReasonDay (target grain)."""
from collections import defaultdict

from django.db.models import Sum
from django_scopes import scopes_disabled

from erating.base.analysis import criteria as cr
from erating.base.analysis import pending
from erating.base.analysis.aggregates import ANY_REASON
from erating.base.analysis.figures import _below_premise, _whole_months, edge_days
from erating.base.models import FollowUpReason, PremiseReasonDay, RatingReasonDay, ReasonMonth


def reasons(c):
    """-> [(FollowUpReason, count)] most chosen first (reasons of ratings in the score range):
    whole months from ReasonMonth and the other days from PremiseReasonDay when nothing below the
    premise is asked for, else every day from RatingReasonDay."""
    per = defaultdict(int)
    for (reason_id,), n in reasons_by(c, []).items():
        per[reason_id] += n
    with scopes_disabled():
        labels = {r.id: r for r in FollowUpReason.objects.filter(id__in=per)}
    rows = [(labels.get(rid), n) for rid, n in per.items() if n]
    rows.sort(key=lambda r: (-r[1], r[0].id if r[0] else 0))
    return rows


def reasons_by(c, group):
    """-> {(*group values, reason id): times chosen} (reasons of ratings in the score range), from
    the same tables as reasons(); `group` of fields both reason tables carry (agency_id,
    premise_id, channel)."""
    return _reason_counts(c, group, exclude=True)


def with_reasons(c, group=()):
    """-> {(*group values,): ratings in the score range that carry at least one reason}, from the
    reason tables' ANY_REASON rows (each rating once, however many reasons it has)."""
    return {key[:-1]: n for key, n in _reason_counts(c, group, exclude=False).items() if n}


def _reason_counts(c, group, *, exclude):
    pending.fresh()
    per = defaultdict(int)
    for qs in _reason_parts(c):
        qs = qs.exclude(reason_id=ANY_REASON) if exclude else qs.filter(reason_id=ANY_REASON)
        for *key, n in qs.order_by().values_list(*group, "reason_id").annotate(Sum("n")):
            per[tuple(key)] += n
    return per


def _reason_parts(c):
    return day_parts(c, RatingReasonDay, PremiseReasonDay, ReasonMonth)


def day_parts(c, unit_days, premise_days, months):
    """Querysets of a count table family (reasons, themes: one `n` per score) answering the
    Criteria exactly: whole months from `months` and the other days from `premise_days` when
    nothing below the premise is asked for, else every day from `unit_days` (target grain)."""
    scores = {"score__gte": c.score_min, "score__lte": c.score_max}
    if _below_premise(c):
        days = cr.rows(unit_days, c).filter(**scores)
        if c.kind is not None:
            days = days.filter(target__kind=c.kind)
        return [days.filter(day__gte=c.start, day__lte=c.end)]
    days = cr.rows(premise_days, c).filter(**scores)
    whole = _whole_months(c)
    if not whole:
        return [days.filter(day__gte=c.start, day__lte=c.end)]
    first, after = whole
    return [cr.rows(months, c).filter(month__gte=first, month__lt=after, **scores), edge_days(days, c, first, after)]
