"""Row-level reports: Laporan Terperinci (every rating) and Kurang & Tidak Memuaskan (low ones).
Rows come from `.values_list(...).iterator()`: no model instances, constant memory."""
from django.utils.translation import gettext as _

from ..models import Rating, Target
from .base import DATETIME, INT, Column, Section
from .common import caption_for, captions, pick, reason_texts
from .criteria import ratings

CHUNK = 5000
KINDS = dict(Target.KIND_CHOICES)
CHANNELS = dict(Rating.CHANNEL_CHOICES)
# Ids only: names come from per-agency lookups (below), so the scan of a million ratings has no joins.
FIELDS = ("id", "created_at", "agency_id", "premise_id", "target_id", "officer_id", "score", "channel", "reasons",
          "comment")


class Names:
    """Names of an agency's premises, targets and officers, loaded the first time a row of that
    agency appears. The ids come from rows of the user's scoped ratings, so no name outside the
    scope is ever shown; the lookup itself runs unscoped because a counter's name must show on an
    officer's own rating even though the counter is not "theirs"."""

    def __init__(self, ctx):
        self.ctx, self.agencies, self.premises, self.targets, self.officers = ctx, {}, {}, {}, {}

    def load(self, agency_id):
        from django_scopes import scopes_disabled

        from ..models import Agency, Premise, User

        ctx = self.ctx
        with scopes_disabled():
            a = Agency.objects.filter(pk=agency_id).values("name_ms", "name_en", "ministry__name_ms",
                                                           "ministry__name_en").first() or {}
            self.agencies[agency_id] = (pick(ctx, a.get("ministry__name_ms"), a.get("ministry__name_en")),
                                        pick(ctx, a.get("name_ms"), a.get("name_en")))
            self.premises.update(Premise.objects.filter(agency_id=agency_id).values_list("pk", "name"))
            kinds = {k: str(v) for k, v in KINDS.items()}
            for pk, name, name_en, kind in Target.objects.filter(agency_id=agency_id).values_list(
                    "pk", "name", "name_en", "kind"):
                self.targets[pk] = (pick(ctx, name, name_en), kinds.get(kind, kind))
            self.officers.update(User.objects.filter(agency_id=agency_id).values_list("pk", "full_name"))
        return self.agencies[agency_id]


def detailed_columns():
    return [Column(_("ID"), INT, 10), Column(_("Date and time"), DATETIME, 17), Column(_("Ministry"), width=24),
            Column(_("Agency"), width=24), Column(_("Premise"), width=22), Column(_("Rated"), width=20),
            Column(_("Type"), width=10), Column(_("Officer"), width=20), Column(_("Score"), INT, 6),
            Column(_("Caption"), width=16), Column(_("Channel"), width=9), Column(_("Reasons"), width=26),
            Column(_("Comment"), width=36)]


def detailed_rows(ctx, qs):
    caps, reasons, names = captions(ctx), reason_texts(ctx), Names(ctx)
    channels = {k: str(v) for k, v in CHANNELS.items()}
    agencies, premises, targets, officers = names.agencies, names.premises, names.targets, names.officers
    for pk, created, agency_id, premise_id, target_id, officer_id, score, channel, rs, comment in (
            qs.values_list(*FIELDS).iterator(chunk_size=CHUNK)):
        ministry, agency = agencies.get(agency_id) or names.load(agency_id)
        target, kind = targets.get(target_id, ("", ""))
        yield (pk, created, ministry, agency, premises.get(premise_id, ""), target, kind,
               officers.get(officer_id, "") if officer_id else "", score, caption_for(caps, agency_id, score),
               channels.get(channel, channel), "; ".join([reasons.get(r, str(r)) for r in rs]) if rs else "",
               comment)


def detailed(ctx):
    qs = ratings(ctx.criteria).order_by("created_at", "id")
    yield Section(_("Detailed ratings"), detailed_columns(), detailed_rows(ctx, qs), count=_count(ctx, qs))


def _count(ctx, qs):
    # Counting first lets XLSX refuse an oversize sheet before writing a byte.
    return qs.count()


def low(ctx):
    levels = [lv for lv in ctx.options.get("levels") or (1, 2) if lv in (1, 2)] or [1, 2]
    qs = ratings(ctx.criteria).filter(score__in=levels).order_by("created_at", "id")
    caps, reasons = captions(ctx), reason_texts(ctx)
    columns = [Column(_("ID"), INT, 9), Column(_("Date and time"), DATETIME, 16), Column(_("Premise"), width=20),
               Column(_("Rated"), width=18), Column(_("Officer"), width=18), Column(_("Score"), INT, 6),
               Column(_("Caption"), width=15), Column(_("Reasons"), width=24), Column(_("Comment"), width=32),
               Column(_("Contact name"), width=16), Column(_("Telephone"), width=13), Column(_("E-mail"), width=20)]

    def rows():
        fields = ("id", "created_at", "agency_id", "premise__name", "target__name", "target__name_en",
                  "officer__full_name", "score", "reasons", "comment", "contact_consent", "contact_name",
                  "contact_phone", "contact_email")
        for (pk, created, agency_id, premise, t_ms, t_en, officer, score, rs, comment, consent, name, phone,
             email) in qs.values_list(*fields).iterator(chunk_size=CHUNK):
            # Contact details only where the customer agreed to be contacted.
            contact = (name, phone, email) if consent else ("", "", "")
            yield (pk, created, premise, pick(ctx, t_ms, t_en), officer or "", score,
                   caption_for(caps, agency_id, score), "; ".join(reasons.get(r, str(r)) for r in rs or ()),
                   comment, *contact)

    yield Section(_("Less than satisfactory and unsatisfactory ratings"), columns, rows(), count=qs.count())
