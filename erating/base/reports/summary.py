"""The managers' summary (headline figures against the previous period, distribution, tables
by premise and by target, comment themes and rising phrases) and the Piagam Pelanggan (client
charter) report."""
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erating.base.analysis import stats
from erating.base.analysis import themes as theme_figures
from erating.base.models import Target
from erating.base.reports.base import FLOAT, INT, NUM, PCT, Chart, Column, Section, pct
from erating.base.reports.common import LEVELS, caption_for, captions, level_aggregates, pick, ranked
from erating.base.reports.criteria import ratings

DEFAULT_PROMISE = 80


def _change(now, before):
    if now is None or before is None:
        return None
    return round(now - before, 2)


def _figures(counts):
    """Headline figures from level counts {score: n} (same definitions as analysis.stats)."""
    total = sum(counts.values())
    satisfied, low = counts.get(5, 0) + counts.get(4, 0), counts.get(2, 0) + counts.get(1, 0)
    mean = round(sum(s * n for s, n in counts.items()) / total, 2) if total else None
    return {"total": total, "csat": pct(satisfied, total), "mean": mean, "low": low}


def _merge(rows, key, fields):
    """Sum per-target level counts up to a coarser unit (premise) without another scan."""
    out = {}
    for r in rows:
        unit = out.setdefault(r[key], {**{f: r[f] for f in fields}, "total": 0,
                                       **{f"n{s}": 0 for s in LEVELS}})
        unit["total"] += r["total"]
        for s in LEVELS:
            unit[f"n{s}"] += r[f"n{s}"]
    for unit in out.values():
        unit["mean"] = sum(s * unit[f"n{s}"] for s in LEVELS) / unit["total"] if unit["total"] else None
    return list(out.values())


def summary(ctx):
    # One scan of the period (per target, with level counts) gives every table; one more gives the
    # previous period. On a million ratings the scans are the report's cost, not the drawing.
    targets = list(level_aggregates(ratings(ctx.criteria), ("target_id", "premise_id")))
    # Names afterwards, for the few hundred targets found: grouping by the ids alone keeps the scan
    # free of joins.
    names = {t["pk"]: t for t in Target.objects.filter(pk__in=[r["target_id"] for r in targets])
             .values("pk", "name", "name_en", "premise__name")}
    for r in targets:
        t = names.get(r["target_id"], {})
        r.update(target__name=t.get("name", ""), target__name_en=t.get("name_en", ""),
                 premise__name=t.get("premise__name", ""))
    counts = {s: sum(r[f"n{s}"] for r in targets) for s in LEVELS}
    prev = ctx.criteria.previous()
    before_counts = dict(stats.distribution(ratings(prev)))
    now, before = _figures(counts), _figures(before_counts)
    period = f"{date_format(prev.start, 'SHORT_DATE_FORMAT')} – {date_format(prev.end, 'SHORT_DATE_FORMAT')}"
    lines = [
        (_("Ratings"), now["total"], before["total"]),
        (_("Satisfaction (%)"), now["csat"], before["csat"]),
        (_("Mean score"), now["mean"], before["mean"]),
        (_("Less than satisfactory and unsatisfactory (1–2)"), now["low"], before["low"]),
        (_("Share of low ratings (%)"), pct(now["low"], now["total"]), pct(before["low"], before["total"])),
    ]
    rows = [(label, a, b, _change(a, b)) for label, a, b in lines]
    yield Section(_("Headline figures"), [Column(_("Measure"), width=34), Column(_("This period"), NUM, 14),
                                          Column(_("Previous period"), NUM, 14), Column(_("Change"), NUM, 12)],
                  rows, count=len(rows), note=_("Previous period: %(period)s") % {"period": period})
    caps = captions(ctx)
    total = now["total"]
    rows = [(f"{s} – {caption_for(caps, ctx.criteria.agency_id or ctx.dims.get('agency'), s)}", counts[s],
             pct(counts[s], total)) for s in LEVELS]
    yield Section(_("Distribution of scores"), [Column(_("Score"), width=30), Column(_("Ratings"), INT, 12),
                                                Column(_("Share (%)"), PCT, 12)], rows, count=len(rows),
                  chart=Chart(_("Ratings by score"), label_col=0, value_cols=[1]))
    yield _grouped(_("By premise"), _merge(targets, "premise_id", ("premise__name",)), lambda r: r["premise__name"])
    yield _grouped(_("By counter, service, facility or officer"), targets,
                   lambda r: f"{pick(ctx, r['target__name'], r['target__name_en'])} ({r['premise__name']})")
    yield from _themes(ctx)


def _one_decimal(value):
    return round(value, 1) if value is not None else None


def _themes(ctx):
    """What the comments are about, as on the Analysis page (the same figures, same Criteria):
    themes by count and share of the commented ratings with the change against the previous
    period, then the phrases whose share grew most, found without the taxonomy."""
    found = theme_figures.themes(ctx.criteria)
    rows = [(pick(ctx, r["theme"].name_ms, r["theme"].name_en), r["n"], _one_decimal(r["share"]),
             _one_decimal(r["previous_share"]), _one_decimal(r["change"])) for r in found["rows"]]
    yield Section(_("Comment themes"), [Column(_("Theme"), width=34), Column(_("Comments"), INT, 11),
                                        Column(_("Share of comments (%)"), PCT, 14),
                                        Column(_("Previous period (%)"), PCT, 14),
                                        Column(_("Change (points)"), NUM, 12)],
                  rows, count=len(rows), chart=Chart(_("Comments by theme"), label_col=0, value_cols=[1]),
                  note=_("Share of the %(n)s commented ratings; a comment can carry several themes.")
                  % {"n": found["commented"]})
    rising = theme_figures.rising_phrases(ctx.criteria)
    rows = [(r["phrase"], r["n"], _one_decimal(r["share"]), _one_decimal(r["previous_share"]),
             _one_decimal(r["change"])) for r in rising["rows"]]
    note = _("Phrases found in at least 5 comments whose share grew most against the previous period.")
    if rising["sampled"]:
        note += " " + _("Read from the latest %(n)s comments of each period.") % {"n": rising["sample"]}
    yield Section(_("Rising phrases"), [Column(_("Phrase"), width=34), Column(_("Comments"), INT, 11),
                                        Column(_("Share of comments (%)"), PCT, 14),
                                        Column(_("Previous period (%)"), PCT, 14),
                                        Column(_("Change (points)"), NUM, 12)],
                  rows, count=len(rows), note=note)


def _grouped(title, groups, label):
    rows = ranked(groups)
    body = [(label(r), r["total"], pct(r["n5"] + r["n4"], r["total"]),
             round(r["mean"], 2) if r["mean"] is not None else None) for r in rows]
    return Section(title, [Column(_("Name"), width=40), Column(_("Ratings"), INT, 11),
                           Column(_("Satisfaction (%)"), PCT, 12), Column(_("Mean score"), FLOAT, 10)],
                   body, count=len(body), chart=Chart(_("Satisfaction (%)"), label_col=0, value_cols=[2]))


def promises():
    """{agency id: its charter promise} of the agencies that set one (others: DEFAULT_PROMISE)."""
    from erating.base.models import ReportSettings

    return dict(ReportSettings.objects.values_list("agency_id", "charter_promise"))


def charter(ctx):
    """Per premise and per service: the share of satisfied ratings against the agency's promise
    (e.g. at least 80 % satisfied), met or not met, with a column left for the justification."""
    qs = ratings(ctx.criteria)
    promised = promises()  # one read, not one per agency
    single = None if ctx.agency_wide else promised.get(ctx.criteria.agency_id or ctx.dims.get("agency"), DEFAULT_PROMISE)
    met, not_met = _("Met"), _("Not met")
    columns_for = [Column(_("Total"), INT, 9), Column(_("Satisfied (4–5)"), INT, 10),
                   Column(_("Satisfied (%)"), PCT, 10), Column(_("Promise (%)"), INT, 9),
                   Column(_("Status"), width=10), Column(_("Justification"), width=30)]

    def rows(groups, label):
        for r in sorted(groups, key=label):
            promise = promised.get(r["agency_id"], DEFAULT_PROMISE) if ctx.agency_wide else single
            share = pct(r["n5"] + r["n4"], r["total"])
            yield (*label(r), r["total"], r["n5"] + r["n4"], share, promise,
                   met if share is not None and share >= promise else not_met, "")

    premises = list(level_aggregates(qs, ("agency_id", "premise_id", "premise__name")))
    body = list(rows(premises, lambda r: (r["premise__name"],)))
    yield Section(_("Client charter by premise"), [Column(_("Premise"), width=30), *columns_for], body,
                  count=len(body), chart=Chart(_("Satisfied (%)"), label_col=0, value_cols=[3]))
    services = list(level_aggregates(qs.filter(target__kind=Target.SERVICE),
                                     ("agency_id", "target_id", "target__name", "target__name_en", "premise__name")))
    body = list(rows(services, lambda r: (pick(ctx, r["target__name"], r["target__name_en"]), r["premise__name"])))
    yield Section(_("Client charter by service"), [Column(_("Service"), width=26), Column(_("Premise"), width=22),
                                                   *columns_for], body, count=len(body))
