"""Helpers the report definitions share: labels in the report's language, level counts,
satisfaction (CSAT = share of 4s and 5s, as the dashboard) and the fair Wilson ranking."""
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from erating.base.analysis.stats import wilson_lower_bound
from erating.base.models import FollowUpReason, ScoreCaption
from erating.base.models.settings import DEFAULT_CAPTIONS
from erating.base.reports.base import FLOAT, INT, PCT, Column, pct

LEVELS = (5, 4, 3, 2, 1)


def pick(ctx, ms, en):
    return (en or ms) if ctx.language == "en" else (ms or en)


def captions(ctx):
    """(agency_id, score) → caption, with the defaults under agency None."""
    out = {(None, s): pick(ctx, ms, en) for s, (ms, en) in DEFAULT_CAPTIONS.items()}
    for agency_id, score, ms, en in ScoreCaption.objects.values_list("agency_id", "score", "caption_ms", "caption_en"):
        out[(agency_id, score)] = pick(ctx, ms, en)
    return out


def caption_for(caps, agency_id, score):
    return caps.get((agency_id, score)) or caps.get((None, score), str(score))


def level_labels(ctx):
    """Column labels for the five levels: the agency's own captions when one agency is reported."""
    caps = captions(ctx)
    agency_id = ctx.criteria.agency_id or ctx.dims.get("agency")
    if isinstance(agency_id, list):
        agency_id = None
    return [f"{s} – {caption_for(caps, agency_id, s)}" for s in LEVELS]


def reason_texts(ctx):
    return {pk: pick(ctx, ms, en) for pk, ms, en in FollowUpReason.objects.values_list("id", "text_ms", "text_en")}


def level_aggregates(qs, group_fields):
    return (qs.order_by().values(*group_fields).annotate(
        total=Count("id"), mean=Avg("score"),
        **{f"n{s}": Count("id", filter=Q(score=s)) for s in LEVELS}))


def level_columns(ctx):
    return ([Column(label, INT, 11) for label in level_labels(ctx)]
            + [Column(_("Total"), INT, 9), Column(_("Satisfaction (%)"), PCT, 11), Column(_("Mean score"), FLOAT, 9),
               Column(_("Ranking score (%)"), PCT, 11)])


def level_values(r):
    """Counts of 5..1, total, CSAT, mean, and the Wilson lower bound that ranks units fairly
    (3 ratings of 3 satisfied do not outrank 2,900 of 3,000)."""
    satisfied = r["n5"] + r["n4"]
    return ([r[f"n{s}"] for s in LEVELS]
            + [r["total"], pct(satisfied, r["total"]), round(r["mean"], 2) if r["mean"] is not None else None,
               round(100 * wilson_lower_bound(satisfied, r["total"]), 1)])


def ranked(rows):
    rows = list(rows)
    rows.sort(key=lambda r: (-wilson_lower_bound(r["n5"] + r["n4"], r["total"]), -r["total"]))
    return rows
