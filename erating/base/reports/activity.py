"""Maklum Balas Aduan (follow-up reasons by unit, each agency's own list) and Log Pengguna
(logins, logouts, failed logins and changes from the audit log)."""
import json
from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from erating.base.analysis import reasons as reason_figures
from erating.base.models import Agency, AuditEntry, FollowUpReason, Premise
from erating.base.reports.base import DATETIME, INT, Column, Section
from erating.base.reports.common import names, pick

LOGIN, LOGOUT, FAILED = "login", "logout", "login_failed"


def followup(ctx):
    """Reasons chosen per premise and the ratings that carry any reason, both from the engine's
    reason aggregates (analysis/reasons.py: reasons_by, with_reasons)."""
    counts = defaultdict(lambda: defaultdict(int))  # (agency, premise name) → reason id → count
    by_premise = reason_figures.reasons_by(ctx.criteria, ["agency_id", "premise_id"])
    premise_names = names(Premise, {premise for _a, premise, _r in by_premise}, "name")

    def premise_name(pk):
        return premise_names.get(pk, ("",))[0]

    for (agency_id, premise, reason), n in by_premise.items():
        if n:
            counts[(agency_id, premise_name(premise))][reason] += n
    with_reasons = defaultdict(int)
    for (agency_id, premise), n in reason_figures.with_reasons(ctx.criteria, ["agency_id", "premise_id"]).items():
        with_reasons[(agency_id, premise_name(premise))] += n
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={k[0] for k in counts})}
    reasons_by_agency = defaultdict(list)
    for reason in FollowUpReason.objects.filter(agency_id__in=list(agencies)).order_by("position", "id"):
        reasons_by_agency[reason.agency_id].append(reason)
    if not counts:
        yield Section(_("Follow-up reasons"), [Column(_("Premise"), width=26), Column(_("Total"), INT, 9)], [], count=0)
        return
    for agency_id in sorted(agencies, key=lambda a: agencies[a].name_ms):
        agency = agencies[agency_id]
        # The agency's own reasons: its list, active or retired, as long as one was chosen.
        own = [r for r in reasons_by_agency[agency_id]
               if r.active or any(r.pk in c for (a, _p), c in counts.items() if a == agency_id)]
        columns = ([Column(_("Premise"), width=26)] + [Column(pick(ctx, r.text_ms, r.text_en), INT, 12) for r in own]
                   + [Column(_("Total reasons"), INT, 10), Column(_("Ratings with reasons"), INT, 11)])
        rows, totals = [], [0] * (len(own) + 2)
        for (a, premise) in sorted(k for k in counts if k[0] == agency_id):
            cells = [counts[(a, premise)].get(r.pk, 0) for r in own]
            cells += [sum(counts[(a, premise)].values()), with_reasons[(a, premise)]]
            totals = [x + y for x, y in zip(totals, cells)]
            rows.append((premise, *cells))
        rows.append((_("Total"), *totals))
        title = pick(ctx, agency.name_ms, agency.name_en) if ctx.agency_wide else _("Follow-up reasons")
        yield Section(title, columns, rows, count=len(rows))


def user_log(ctx):
    entries = AuditEntry.objects.filter(created_at__gte=ctx.criteria.since, created_at__lt=ctx.criteria.until)
    if ctx.criteria.agency_id is not None:
        entries = entries.filter(agency_id=ctx.criteria.agency_id)
    per_user = (entries.order_by("user_label").values("user_label").annotate(
        logins=Count("id", filter=Q(action=LOGIN)), logouts=Count("id", filter=Q(action=LOGOUT)),
        failed=Count("id", filter=Q(action=FAILED)),
        changes=Count("id", filter=~Q(action__in=[LOGIN, LOGOUT, FAILED]))))
    summary = [(r["user_label"] or "—", r["logins"], r["logouts"], r["failed"], r["changes"]) for r in per_user]
    yield Section(_("Activity by user"),
                  [Column(_("User"), width=30), Column(_("Logins"), INT, 9), Column(_("Logouts"), INT, 9),
                   Column(_("Failed logins"), INT, 10), Column(_("Changes"), INT, 9)], summary, count=len(summary))

    def rows():
        fields = ("created_at", "agency__code", "user_label", "action", "object_type", "object_label", "changes", "ip")
        for created, agency, user, action, otype, olabel, changes, ip in (
                entries.order_by("created_at", "id").values_list(*fields).iterator(chunk_size=5000)):
            yield (created, agency or "", user, action, f"{otype}: {olabel}" if olabel else otype,
                   json.dumps(changes, ensure_ascii=False, default=str, sort_keys=True) if changes else "", ip or "")

    yield Section(_("Entries"), [Column(_("Time"), DATETIME, 17), Column(_("Agency"), width=10, fold=True),
                                 Column(_("User"), width=26), Column(_("Action"), width=14),
                                 Column(_("Object"), width=24), Column(_("Changes"), width=36),
                                 Column(_("From"), width=13)], rows(), count=entries.count())
