"""Grouped reports: Mengikut Agensi, Mengikut Bulan, per officer, cross-agency. One GROUP BY
per section on the scoped ratings; ranking by the Wilson lower bound, never by raw share."""
from dataclasses import replace
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from .base import INT, PCT, Chart, Column, Section, pct
from .common import level_aggregates, level_columns, level_values, pick, ranked
from .criteria import ratings


def unit_level(ctx):
    """Agencies when the rows span agencies (system administrator), premises otherwise."""
    if ctx.agency_wide:
        return (("agency__ministry__name_ms", "agency__ministry__name_en", "agency__name_ms", "agency__name_en"),
                [Column(_("Ministry"), width=26), Column(_("Agency"), width=28)],
                lambda r: (pick(ctx, r["agency__ministry__name_ms"], r["agency__ministry__name_en"]),
                           pick(ctx, r["agency__name_ms"], r["agency__name_en"])))
    return (("agency__name_ms", "agency__name_en", "premise__name"),
            [Column(_("Agency"), width=24), Column(_("Premise"), width=26)],
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
    qs = ratings(ctx.criteria).filter(officer__isnull=False)
    yield _ranked_section(ctx, _("By officer"), qs, ("officer__full_name", "agency__name_ms", "agency__name_en"),
                          [Column(_("Officer"), width=26), Column(_("Agency"), width=22)],
                          lambda r: (r["officer__full_name"], pick(ctx, r["agency__name_ms"], r["agency__name_en"])),
                          ("officer_id",))


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
        columns += [Column(name, INT, 7), Column(f"{name} %", PCT, 7)]
    columns += [Column(_("Total"), INT, 9), Column(_("Satisfaction (%)"), PCT, 10)]
    rows = []
    for unit in sorted(units.values(), key=lambda u: u["org"]):
        cells = []
        for m in range(1, 13):
            total, satisfied = unit["months"].get(m, (0, 0))
            cells += [total, pct(satisfied, total)]
        rows.append((*unit["org"], *cells, unit["total"], pct(unit["satisfied"], unit["total"])))
    yield Section(_("By month, %(year)s") % {"year": year}, columns, rows, count=len(rows))
