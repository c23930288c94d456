"""Grouped reports: Mengikut Agensi, Mengikut Bulan, per officer, cross-agency. Every figure from
the analysis engine (analysis.figures.counts / monthly over the aggregate tables), so a report
prints the dashboard's figures for the same criteria; ranking by the Wilson lower bound, never by
raw share."""
from dataclasses import replace
from datetime import date

from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from erating.base.analysis import disclosure, figures, rankings
from erating.base.models import Agency, Ministry, Premise
from erating.base.reports.base import INT, PCT, Chart, Column, Section
from erating.base.reports.common import level_columns, level_values, names, pick, ranked


def unit_level(ctx):
    """-> (group fields, org columns, {key: org values}) with agencies as units when the rows
    span agencies (system administrator), premises otherwise."""
    if ctx.agency_wide:
        return (["agency_id"], [Column(_("Ministry"), width=26), Column(_("Agency"), width=28)], _agency_labels)
    return (["premise_id", "agency_id"], [Column(_("Agency"), width=24, fold=True), Column(_("Premise"), width=26)],
            _premise_labels)


def _agency_labels(ctx, keys):
    agencies = names(Agency, {k[0] for k in keys}, "name_ms", "name_en", "ministry__name_ms", "ministry__name_en")
    out = {}
    for key in keys:
        ms, en, mms, men = agencies.get(key[0], ("", "", "", ""))
        out[key] = (pick(ctx, mms, men), pick(ctx, ms, en))
    return out


def _premise_labels(ctx, keys):
    premises = names(Premise, {k[0] for k in keys}, "name")
    agencies = names(Agency, {k[1] for k in keys}, "name_ms", "name_en")
    return {key: (pick(ctx, *agencies.get(key[1], ("", ""))), premises.get(key[0], ("",))[0]) for key in keys}


def _ranked_section(ctx, title, per, org_columns, labels):
    rows = ranked([{"key": key, "counts": k} for key, k in per.items()])
    org = labels(ctx, [r["key"] for r in rows])
    columns = [Column(_("Rank"), INT, 6), *org_columns, *level_columns(ctx)]
    csat_col = 1 + len(org_columns) + 6
    body = [(i, *org[r["key"]], *level_values(r["counts"])) for i, r in enumerate(rows, 1)]
    return Section(title, columns, body, count=len(body),
                   chart=Chart(_("Satisfaction (%)"), label_col=len(org_columns), value_cols=[csat_col]))


def by_unit(ctx):
    group, org_columns, labels = unit_level(ctx)
    title = _("By agency") if ctx.agency_wide else _("By premise")
    yield _ranked_section(ctx, title, figures.counts(ctx.criteria, group), org_columns, labels)


def by_officer(ctx):
    """Officers as the Analysis module ranks them (its aggregates, the Wilson bound, the agency's
    minimum number of ratings): those below the minimum follow unranked, and are withheld from
    everyone but the agency administrator, so a handful of ratings cannot shame an officer."""
    result = rankings.ranking(ctx.criteria, "officer", show_officers_below_minimum=disclosure.sees_below_minimum(ctx.user))
    with scopes_disabled():
        agencies = {a.pk: pick(ctx, a.name_ms, a.name_en) for a in
                    Agency.objects.filter(pk__in={r["agency_id"] for r in result["ranked"] + result["few"]})}
    columns = [Column(_("Rank"), INT, 6), Column(_("Officer"), width=26), Column(_("Agency"), width=22, fold=True),
               *level_columns(ctx)]
    body = [(rank, r["label"], agencies.get(r["agency_id"], ""), *level_values(r["counts"]))
            for rank, r in [(i, r) for i, r in enumerate(result["ranked"], 1)] + [(None, r) for r in result["few"]]]
    notes = []
    if result["few"]:
        notes.append(_("Officers with fewer ratings than their agency's minimum are listed last, unranked."))
    if result["hidden"]:
        notes.append(ngettext("%(n)s officer has too few ratings to be shown.",
                              "%(n)s officers have too few ratings to be shown.", result["hidden"])
                     % {"n": result["hidden"]})
    yield Section(_("By officer"), columns, body, count=len(body), note=" ".join(notes),
                  chart=Chart(_("Satisfaction (%)"), label_col=1, value_cols=[3 + 6]))


def _ministry_labels(ctx, keys):
    ministries = names(Ministry, {k[0] for k in keys}, "name_ms", "name_en")
    return {key: (pick(ctx, *ministries.get(key[0], ("", ""))),) for key in keys}


def cross_agency(ctx):
    c = ctx.criteria
    yield _ranked_section(ctx, _("By ministry"), figures.counts(c, ["agency__ministry_id"]),
                          [Column(_("Ministry"), width=34)], _ministry_labels)
    yield _ranked_section(ctx, _("By agency"), figures.counts(c, ["agency_id"]),
                          [Column(_("Ministry"), width=26), Column(_("Agency"), width=28)], _agency_labels)


def year_of(ctx):
    return int(ctx.options.get("year") or ctx.criteria.start.year)


def period_of(ctx):
    """The chosen period within the chosen year (the report's columns are that year's months); a
    year outside the period reads that whole year."""
    c, year = ctx.criteria, year_of(ctx)
    start, end = max(c.start, date(year, 1, 1)), min(c.end, date(year, 12, 31))
    if start > end:
        start, end = date(year, 1, 1), date(year, 12, 31)
    return replace(c, start=start, end=end)


def by_month(ctx):
    """Per unit and month of the chosen period: ratings and satisfaction index, from the monthly
    aggregates (whole months) and the daily ones (the period's partial months)."""
    criteria = period_of(ctx)
    group, org_columns, labels = unit_level(ctx)
    per = figures.monthly(criteria, group)
    months = figures.month_starts(criteria.start, criteria.end)
    units = {}
    for (month, *key), k in per.items():
        units.setdefault(tuple(key), {})[month] = k
    org = labels(ctx, list(units))
    columns = list(org_columns)
    for m in months:
        name = str(MONTHS_3[m.month]).capitalize()
        columns += [Column(name, INT, 7, group=name, short=_("No.")), Column(f"{name} %", PCT, 7, group=name, short="%")]
    columns += [Column(_("Total"), INT, 9), Column(_("Satisfaction (%)"), PCT, 10)]
    rows = []
    for key in sorted(units, key=lambda key: org[key]):
        cells, whole = [], figures.Counts()
        for m in months:
            k = units[key].get(m, figures.Counts())
            whole += k
            cells += [k.total, k.csat]
        if whole.total:
            rows.append((*org[key], *cells, whole.total, whole.csat))
    yield Section(_("By month, %(year)s") % {"year": criteria.start.year}, columns, rows, count=len(rows))


