"""Helpers the report definitions share: labels in the report's language, the level columns
of a unit's counts and the fair Wilson ranking. Every figure comes from the analysis engine
(analysis.figures over the aggregate tables; definitions in analysis.measures), as the dashboard."""
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from erating.base.models import FollowUpReason, ScoreCaption
from erating.base.models.settings import DEFAULT_CAPTIONS
from erating.base.reports.base import FLOAT, INT, PCT, Column

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


def level_columns(ctx):
    return ([Column(label, INT, 11) for label in level_labels(ctx)]
            + [Column(_("Total"), INT, 9), Column(_("Satisfaction (%)"), PCT, 11), Column(_("Mean score"), FLOAT, 9),
               Column(_("Ranking score (%)"), PCT, 11)])


def level_values(k):
    """Counts of 5..1, total, satisfaction index, mean and the Wilson lower bound that ranks
    units fairly, of one unit's figures.Counts: exact values (each format rounds what it shows)."""
    return [k.n[s - 1] for s in LEVELS] + [k.total, k.csat, k.mean, k.ranking_score]


def ranked(rows, counts=lambda r: r["counts"]):
    """Units best first by the Wilson bound (3 satisfied of 3 do not outrank 2,900 of 3,000)."""
    rows = [r for r in rows if counts(r).total]
    rows.sort(key=lambda r: (-counts(r).ranking_score, -counts(r).total))
    return rows


def names(model, ids, *fields):
    """{id: (field values...)} of a few units found in the aggregates (names are not tenant
    figures: the counts were scoped; a unit's own name shows beside them)."""
    with scopes_disabled():
        return {row[0]: row[1:] for row in model.objects.filter(pk__in=[i for i in ids if i is not None])
                .values_list("pk", *fields)}
