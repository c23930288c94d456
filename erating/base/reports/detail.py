"""Row-level reports: Laporan Terperinci (every rating) and Kurang & Tidak Memuaskan (low ones).
Rows come from `.values_list(...).iterator()`: no model instances, constant memory."""
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from erating.base import labels
from erating.base.analysis import disclosure, figures, measures
from erating.base.models import Rating, Target
from erating.base.privacy import may_see_contacts
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
    rated, officer = officer_columns(ctx)
    return qs.values_list(
        "id", "created_at", pick_sql(ctx, "agency__ministry__name_ms", "agency__ministry__name_en"),
        pick_sql(ctx, "agency__name_ms", "agency__name_en"), Coalesce("premise__name", Value("")),
        rated, label_sql("target__kind", KINDS), officer, "score", caption_sql(ctx), label_sql("channel", CHANNELS),
        reasons_sql(ctx), "comment")


def officer_columns(ctx):
    """(rated, officer) columns: the officer named apart from namesakes (erating.base.labels); an
    officer below the agency's minimum in these criteria is not named to whoever may not see it
    (erating.base.analysis.disclosure), neither as the officer nor as the rated target."""
    rated, officer = pick_sql(ctx, "target__name", "target__name_en"), labels.officer_label_sql("officer")
    hidden = disclosure.withheld_officers(ctx.criteria, ctx.user)
    if not hidden:
        return rated, officer
    mark = Value(_("(withheld)"))
    return (Case(When(target__officer_id__in=hidden, then=mark), default=rated, output_field=CharField()),
            Case(When(officer_id__in=hidden, then=mark), default=officer, output_field=CharField()))


def detailed(ctx):
    qs = ratings(ctx.criteria).order_by("created_at", "id")
    query = detailed_query(ctx, qs)
    yield Section(_("Detailed ratings"), detailed_columns(), query.iterator(chunk_size=CHUNK), count=_count(ctx, qs),
                  query=query)


def _count(ctx, qs):
    # Counting first lets XLSX refuse an oversize sheet before writing a byte.
    return qs.count()


def low_ratings(ctx):
    """-> (ratings, label): the scores chosen, else each agency's own low-score threshold (as
    the dashboard's "Low scores (1–2)"), one condition per distinct threshold."""
    levels = ctx.options.get("levels")
    qs = ratings(ctx.criteria)
    if levels:
        return qs.filter(score__in=levels), _("Scores: %(levels)s") % {"levels": ", ".join(map(str, sorted(levels)))}
    limits = figures.thresholds(ctx.criteria)
    by_limit = {}
    for agency, limit in limits.items():
        by_limit.setdefault(limit, []).append(agency)
    if len(by_limit) <= 1:
        limit = next(iter(by_limit), measures.DEFAULT_LOW_MAX)
        return qs.filter(score__lte=limit), measures.low_label(limit)
    condition = Q()
    for limit, agencies in by_limit.items():
        condition |= Q(agency_id__in=agencies, score__lte=limit)
    return qs.filter(condition), measures.low_label(limits.values())


def low(ctx):
    qs, label = low_ratings(ctx)
    qs = qs.order_by("created_at", "id")
    columns = [Column(_("ID"), INT, 9, plain=True), Column(_("Date and time"), DATETIME, 16), Column(_("Premise"), width=20, fold=True),
               Column(_("Rated"), width=18), Column(_("Officer"), width=18), Column(_("Score"), INT, 6),
               Column(_("Caption"), width=15), Column(_("Reasons"), width=24), Column(_("Comment"), width=32)]
    contact = []
    if may_see_contacts(ctx.user):  # the one rule (privacy.py); other roles get no contact columns at all
        columns += [Column(_("Contact name"), width=16), Column(_("Telephone"), width=13),
                    Column(_("E-mail"), width=20)]
        # Contact details only where the customer agreed to be contacted.
        contact = [Case(When(contact_consent=True, then=F(field)), default=Value("")) for field in
                   ("contact_name", "contact_phone", "contact_email")]
    rated, officer = officer_columns(ctx)
    query = qs.values_list(
        "id", "created_at", Coalesce("premise__name", Value("")), rated, officer, "score", caption_sql(ctx),
        reasons_sql(ctx), "comment", *contact)
    yield Section(_("Less than satisfactory and unsatisfactory ratings"), columns, query.iterator(chunk_size=CHUNK),
                  count=qs.count(), query=query, note=label, sheet=_("Less & not satisfactory"))
