"""Row-level reports: Laporan Terperinci (every rating) and Kurang & Tidak Memuaskan (low ones).
Rows come from `.values_list(...).iterator()`: no model instances, constant memory."""
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from erating.base.models import Rating, Target
from erating.base.reports.base import DATETIME, INT, Column, Section
from erating.base.reports.criteria import ratings
from erating.base.reports.sql import caption_sql, label_sql, pick_sql, reasons_sql

CHUNK = 5000
KINDS = dict(Target.KIND_CHOICES)
CHANNELS = dict(Rating.CHANNEL_CHOICES)


def detailed_columns():
    return [Column(_("ID"), INT, 10, plain=True), Column(_("Date and time"), DATETIME, 17),
            Column(_("Ministry"), width=24, fold=True),
            Column(_("Agency"), width=24, fold=True), Column(_("Premise"), width=22, fold=True), Column(_("Rated"), width=20),
            Column(_("Type"), width=10), Column(_("Officer"), width=20), Column(_("Score"), INT, 6),
            Column(_("Caption"), width=16), Column(_("Channel"), width=9), Column(_("Reasons"), width=26),
            Column(_("Comment"), width=36)]


def detailed_query(ctx, qs):
    """The detailed report's rows as one SELECT: every column computed by the database (names in
    the report's language, caption, reasons), so CSV on PostgreSQL is that SELECT's own COPY and
    XLSX / PDF iterate the same rows. Joined names are not scoped: the ratings are, and a
    counter's name must show on an officer's own rating although the counter is not theirs."""
    return qs.values_list(
        "id", "created_at", pick_sql(ctx, "agency__ministry__name_ms", "agency__ministry__name_en"),
        pick_sql(ctx, "agency__name_ms", "agency__name_en"), Coalesce("premise__name", Value("")),
        pick_sql(ctx, "target__name", "target__name_en"), label_sql("target__kind", KINDS),
        Coalesce("officer__full_name", Value("")), "score", caption_sql(ctx), label_sql("channel", CHANNELS),
        reasons_sql(ctx), "comment")


def detailed(ctx):
    qs = ratings(ctx.criteria).order_by("created_at", "id")
    query = detailed_query(ctx, qs)
    yield Section(_("Detailed ratings"), detailed_columns(), query.iterator(chunk_size=CHUNK), count=_count(ctx, qs),
                  query=query)


def _count(ctx, qs):
    # Counting first lets XLSX refuse an oversize sheet before writing a byte.
    return qs.count()


def low(ctx):
    levels = [lv for lv in ctx.options.get("levels") or (1, 2) if lv in (1, 2)] or [1, 2]
    qs = ratings(ctx.criteria).filter(score__in=levels).order_by("created_at", "id")
    columns = [Column(_("ID"), INT, 9, plain=True), Column(_("Date and time"), DATETIME, 16), Column(_("Premise"), width=20, fold=True),
               Column(_("Rated"), width=18), Column(_("Officer"), width=18), Column(_("Score"), INT, 6),
               Column(_("Caption"), width=15), Column(_("Reasons"), width=24), Column(_("Comment"), width=32),
               Column(_("Contact name"), width=16), Column(_("Telephone"), width=13), Column(_("E-mail"), width=20)]
    # Contact details only where the customer agreed to be contacted.
    contact = [Case(When(contact_consent=True, then=F(field)), default=Value("")) for field in
               ("contact_name", "contact_phone", "contact_email")]
    query = qs.values_list(
        "id", "created_at", Coalesce("premise__name", Value("")), pick_sql(ctx, "target__name", "target__name_en"),
        Coalesce("officer__full_name", Value("")), "score", caption_sql(ctx), reasons_sql(ctx), "comment", *contact)
    yield Section(_("Less than satisfactory and unsatisfactory ratings"), columns, query.iterator(chunk_size=CHUNK),
                  count=qs.count(), query=query, sheet=_("Less & not satisfactory"))
