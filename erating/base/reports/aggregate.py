"""Grouped reports: Mengikut Agensi, Mengikut Bulan, per officer, cross-agency. One GROUP BY
per section on the scoped ratings (per officer: the Analysis module's ranking); ranking by the
Wilson lower bound, never by raw share."""
from dataclasses import replace
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from erating.base.analysis import rankings
from erating.base.models import Agency
from erating.base.reports.base import INT, PCT, Chart, Column, Section, pct
from erating.base.reports.common import LEVELS, level_aggregates, level_columns, level_values, pick, ranked
from erating.base.reports.criteria import ratings


def unit_level(ctx):
    """Agencies when the rows span agencies (system administrator), premises otherwise."""
    if ctx.agency_wide:
        return (("agency__ministry__name_ms", "agency__ministry__name_en", "agency__name_ms", "agency__name_en"),
                [Column(_("Ministry"), width=26), Column(_("Agency"), width=28)],
                lambda r: (pick(ctx, r["agency__ministry__name_ms"], r["agency__ministry__name_en"]),
                           pick(ctx, r["agency__name_ms"], r["agency__name_en"])))
    return (("agency__name_ms", "agency__name_en", "premise__name"),
            [Column(_("Agency"), width=24, fold=True), Column(_("Premise"), width=26)],
            lambda r: (pick(ctx, r["agency__name_ms"], r["agency__name_en"]), r["premise__name"]))


def _ranked_section(ctx, title, qs, fields, org_columns, org_values, ids=()):
    rows = ranked(level_aggregates(qs, (*ids, *fields)))
    columns = [Column(_("Rank"), INT, 6), *org_columns, *level_columns(ctx)]
    csat_col = 1 + len(org_columns) + 6
    body = [(i, *org_values(r), *level_values(r)) for i, r in enumerate(rows, 1)]
    return Section(title, columns, body, count=len(body),
                   chart=Chart(_("Satisfaction (%)"), label_col=len(org_columns), value_cols=[csat_col]))


def by_unit(ctx):
    fields, org_columns, org_values = unit_level(ctx)
    title = _("By agency") if ctx.agency_wide else _("By premise")
    ids = ("agency_id",) if ctx.agency_wide else ("premise_id",)
    yield _ranked_section(ctx, title, ratings(ctx.criteria), fields, org_columns, org_values, ids)


def by_officer(ctx):
    """Officers as the Analysis module ranks them (its aggregates, the Wilson bound, the agency's
    minimum number of ratings): those below the minimum follow unranked, and are withheld from
    everyone but the agency administrator, so a handful of ratings cannot shame an officer."""
    result = rankings.ranking(ctx.criteria, "officer", show_officers_below_minimum=ctx.user.is_agency_admin)
    with scopes_disabled():
        agencies = {a.pk: pick(ctx, a.name_ms, a.name_en) for a in
                    Agency.objects.filter(pk__in={r["agency_id"] for r in result["ranked"] + result["few"]})}
    columns = [Column(_("Rank"), INT, 6), Column(_("Officer"), width=26), Column(_("Agency"), width=22, fold=True),
               *level_columns(ctx)]
    body = [(rank, r["label"], agencies.get(r["agency_id"], ""), *_officer_values(r))
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


def _officer_values(r):
    k = r["counts"]
    return (*[k.n[s - 1] for s in LEVELS], k.total, pct(k.satisfied, k.total),
            round(k.mean, 2) if k.mean is not None else None, round(r["score"], 1))


def cross_agency(ctx):
    qs = ratings(ctx.criteria)
    yield _ranked_section(ctx, _("By ministry"), qs, ("agency__ministry__name_ms", "agency__ministry__name_en"),
                          [Column(_("Ministry"), width=34)],
                          lambda r: (pick(ctx, r["agency__ministry__name_ms"], r["agency__ministry__name_en"]),),
                          ("agency__ministry_id",))
    yield _ranked_section(ctx, _("By agency"), qs, ("agency__ministry__name_ms", "agency__ministry__name_en",
                                                    "agency__name_ms", "agency__name_en"),
                          [Column(_("Ministry"), width=26), Column(_("Agency"), width=28)],
                          lambda r: (pick(ctx, r["agency__ministry__name_ms"], r["agency__ministry__name_en"]),
                                     pick(ctx, r["agency__name_ms"], r["agency__name_en"])), ("agency_id",))


def year_of(ctx):
    return int(ctx.options.get("year") or ctx.criteria.start.year)


def by_month(ctx):
    year = year_of(ctx)
    criteria = replace(ctx.criteria, start=date(year, 1, 1), end=date(year, 12, 31))
    fields, org_columns, org_values = unit_level(ctx)
    ids = ("agency_id",) if ctx.agency_wide else ("premise_id",)
    # Months in Malaysia time: ExtractMonth uses the current time zone.
    data = (ratings(criteria).order_by().annotate(month=ExtractMonth("created_at"))
            .values(*ids, *fields, "month").annotate(total=Count("id"), satisfied=Count("id", filter=Q(score__gte=4))))
    units = {}
    for r in data:
        key = tuple(r[f] for f in (*ids, *fields))
        unit = units.setdefault(key, {"org": org_values(r), "months": {}, "total": 0, "satisfied": 0})
        unit["months"][r["month"]] = (r["total"], r["satisfied"])
        unit["total"] += r["total"]
        unit["satisfied"] += r["satisfied"]
    columns = list(org_columns)
    for m in range(1, 13):
        name = str(MONTHS_3[m]).capitalize()
        columns += [Column(name, INT, 7, group=name, short=_("No.")), Column(f"{name} %", PCT, 7, group=name, short="%")]
    columns += [Column(_("Total"), INT, 9), Column(_("Satisfaction (%)"), PCT, 10)]
    rows = []
    for unit in sorted(units.values(), key=lambda u: u["org"]):
        cells = []
        for m in range(1, 13):
            total, satisfied = unit["months"].get(m, (0, 0))
            cells += [total, pct(satisfied, total)]
        rows.append((*unit["org"], *cells, unit["total"], pct(unit["satisfied"], unit["total"])))
    yield Section(_("By month, %(year)s") % {"year": year}, columns, rows, count=len(rows))
