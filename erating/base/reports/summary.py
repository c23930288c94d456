"""The managers' summary (headline figures against the previous period, distribution, tables
by premise and by target) and the Piagam Pelanggan (client charter) report. Every figure from
the analysis engine, as the dashboard: the headline is figures.summary() of the same criteria
(low = the agency's threshold, labelled with its range); comment themes and rising phrases as
the Analysis page shows them."""
from collections import defaultdict

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erating.base import labels, numbers
from erating.base.analysis import disclosure, figures, measures
from erating.base.analysis import themes as theme_figures
from erating.base.models import Premise, Target
from erating.base.reports.base import FLOAT, INT, NUM, PCT, Chart, Column, Section
from erating.base.reports.common import LEVELS, caption_for, captions, names, pick, ranked

DEFAULT_PROMISE = 80


def _shown(value, places):
    # The headline table mixes measures in one column: each carries its own shown precision.
    return numbers.half_up(value, places) if isinstance(value, float) else value


def _change(now, before, places):
    if now is None or before is None:
        return None
    return _shown(now - before, places)


def summary(ctx):
    c = ctx.criteria
    prev = c.previous()
    now, before = figures.summary(c), figures.summary(prev)
    period = f"{date_format(prev.start, 'SHORT_DATE_FORMAT')} – {date_format(prev.end, 'SHORT_DATE_FORMAT')}"
    pct, mean = numbers.PERCENT_PLACES, numbers.MEAN_PLACES
    lines = [
        (_("Ratings"), "ratings", 0),
        (_("Satisfaction (%)"), "csat", pct),
        (_("Mean score"), "mean", mean),
        (now["low_label"], "low", 0),
        (_("Share of low scores (%)"), "low_share", pct),
    ]
    rows = [(label, _shown(now[key], places), _shown(before[key], places), _change(now[key], before[key], places))
            for label, key, places in lines]
    yield Section(_("Headline figures"), [Column(_("Measure"), width=34), Column(_("This period"), NUM, 14),
                                          Column(_("Previous period"), NUM, 14), Column(_("Change"), NUM, 12)],
                  rows, count=len(rows), note=_("Previous period: %(period)s") % {"period": period})
    caps = captions(ctx)
    dist = now["distribution"]
    shares = numbers.shares([dist[s - 1] for s in LEVELS])  # shown shares add up to 100.0
    rows = [(f"{s} – {caption_for(caps, c.agency_id or ctx.dims.get('agency'), s)}", dist[s - 1], share)
            for s, share in zip(LEVELS, shares)]
    yield Section(_("Distribution of scores"), [Column(_("Score"), width=30), Column(_("Ratings"), INT, 12),
                                                Column(_("Share (%)"), PCT, 12)], rows, count=len(rows),
                  chart=Chart(_("Ratings by score"), label_col=0, value_cols=[1]))
    per_target = figures.counts(c, ["target_id", "premise_id", "agency_id"])
    per_premise = defaultdict(figures.Counts)
    for (_target, premise, _agency), k in per_target.items():
        per_premise[premise] += k
    premise_names = names(Premise, per_premise, "name")
    yield _grouped(_("By premise"), [((p,), k) for p, k in per_premise.items()],
                   lambda key: premise_names.get(key[0], ("",))[0])
    # An officer's own target is one officer: below the agency's minimum it is withheld (the rule).
    targets = labels.labelled_targets(key[0] for key in per_target)  # premise beside each; officers' staff number
    shown, hidden = disclosure.split_officer_rows(list(per_target.items()), ctx.user, total=lambda r: r[1].total,
                                                  agency=lambda r: r[0][2],
                                                  officer=lambda r: targets.get(r[0][0], ("", None))[1])
    note = ngettext("%(n)s officer has too few ratings to be shown.",
                    "%(n)s officers have too few ratings to be shown.", hidden) % {"n": hidden} if hidden else ""
    yield _grouped(_("By counter, service, facility or officer"), shown,
                   lambda key: targets.get(key[0], ("", None))[0], note=note,
                   sheet=_("By what was rated"))
    yield from _themes(ctx, (now["counts"].commented, before["counts"].commented))


def _one_decimal(value):
    return numbers.half_up(value, 1) if value is not None else None  # a Decimal: shown as is


def _themes(ctx, commented):
    """What the comments are about, as on the Analysis page (the same figures, same Criteria):
    themes by count and share of the commented ratings with the change against the previous
    period; when asked for (the `phrases` option), the phrases whose share grew most, found
    without the taxonomy in a sample of the latest comments."""
    found = theme_figures.themes(ctx.criteria, commented)
    rows = [(pick(ctx, r["theme"].name_ms, r["theme"].name_en), r["n"], r["share"],
             r["previous_share"], _one_decimal(r["change"])) for r in found["rows"]]
    yield Section(_("Comment themes"), [Column(_("Theme"), width=34), Column(_("Comments"), INT, 11),
                                        Column(_("Share of comments (%)"), PCT, 14),
                                        Column(_("Previous period (%)"), PCT, 14),
                                        Column(_("Change (points)"), NUM, 12)],
                  rows, count=len(rows), chart=Chart(_("Comments by theme"), label_col=0, value_cols=[1]),
                  note=_("Share of the %(n)s commented ratings; a comment can carry several themes.")
                  % {"n": found["commented"]})
    if not ctx.options.get("phrases"):
        return
    rising = theme_figures.rising_phrases(ctx.criteria)
    rows = [(r["phrase"], r["n"], r["share"], r["previous_share"],
             _one_decimal(r["change"])) for r in rising["rows"]]
    note = _("Phrases found in at least 5 comments whose share grew most against the previous period.")
    if rising["sampled"]:
        note += " " + _("Read from the latest %(n)s comments of each period.") % {"n": rising["sample"]}
    yield Section(_("Rising phrases"), [Column(_("Phrase"), width=34), Column(_("Comments"), INT, 11),
                                        Column(_("Share of comments (%)"), PCT, 14),
                                        Column(_("Previous period (%)"), PCT, 14),
                                        Column(_("Change (points)"), NUM, 12)],
                  rows, count=len(rows), note=note)


def _grouped(title, groups, label, note="", sheet=""):
    rows = ranked([{"key": key, "counts": k} for key, k in groups])
    body = [(label(r["key"]), r["counts"].total, r["counts"].csat, r["counts"].mean) for r in rows]
    return Section(title, [Column(_("Name"), width=40), Column(_("Ratings"), INT, 11),
                           Column(_("Satisfaction (%)"), PCT, 12), Column(_("Mean score"), FLOAT, 10)],
                   body, count=len(body), note=note, chart=Chart(_("Satisfaction (%)"), label_col=0, value_cols=[2]), sheet=sheet)


def promises():
    """{agency id: its charter promise} of the agencies that set one (others: DEFAULT_PROMISE)."""
    from erating.base.models import ReportSettings

    return dict(ReportSettings.objects.values_list("agency_id", "charter_promise"))


def charter(ctx):
    """Per premise and per service: the share of satisfied ratings against the agency's promise
    (e.g. at least 80 % satisfied), met or not met, with a column left for the justification.
    Met is decided on the share as shown (rounded half up), so 80.0 % shown is never "not met"."""
    c = ctx.criteria
    promised = promises()  # one read, not one per agency
    single = None if ctx.agency_wide else promised.get(c.agency_id or ctx.dims.get("agency"), DEFAULT_PROMISE)
    met, not_met = _("Met"), _("Not met")
    columns_for = [Column(_("Total"), INT, 9), Column(measures.satisfied_label(), INT, 10),
                   Column(_("Satisfied (%)"), PCT, 10), Column(_("Promise (%)"), INT, 9),
                   Column(_("Status"), width=10), Column(_("Justification"), width=30)]

    def rows(groups, label):
        for key, k in sorted(groups.items(), key=lambda item: label(item[0])):
            if not k.total:
                continue
            promise = promised.get(key[1], DEFAULT_PROMISE) if ctx.agency_wide else single
            share = numbers.half_up(k.csat, numbers.PERCENT_PLACES)
            yield (*label(key), k.total, k.satisfied, k.csat, promise,
                   met if share is not None and share >= promise else not_met, "")

    premises = figures.counts(c, ["premise_id", "agency_id"])
    premise_names = names(Premise, {key[0] for key in premises}, "name")
    body = list(rows(premises, lambda key: (premise_names.get(key[0], ("",))[0],)))
    yield Section(_("Client charter by premise"), [Column(_("Premise"), width=30), *columns_for], body,
                  count=len(body), chart=Chart(_("Satisfied (%)"), label_col=0, value_cols=[3]),
                  sheet=_("Charter by premise"))
    services = figures.counts(c, ["target_id", "agency_id"], kind=Target.SERVICE)
    service_names = names(Target, {key[0] for key in services}, "name", "name_en", "premise__name")
    body = list(rows(services, lambda key: (pick(ctx, *service_names.get(key[0], ("", "", ""))[:2]),
                                            service_names.get(key[0], ("", "", ""))[2] or "")))
    yield Section(_("Client charter by service"), [Column(_("Service"), width=26), Column(_("Premise"), width=22),
                                                   *columns_for], body, count=len(body),
                  sheet=_("Charter by service"))
