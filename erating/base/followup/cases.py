"""Cases: a low rating being followed up, from opening to closing, every step audited.

Callers run inside the request's scope (views) or a scope of their own (tasks); every query goes
through the scoped managers, so a case outside the caller's scope does not exist for it.
"""
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, F, Q, Value, When
from django.db.models import Case as When_
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erating.base import privacy
from erating.base.auditlog.log import log_action
from erating.base.followup.calendar import add_working_days
from erating.base.models import Case, CaseEvent, Rating, User

# Which status may follow which. Leaving NEW is the acknowledgement; RESOLVED may be reopened.
TRANSITIONS = {
    Case.NEW: (Case.ACKNOWLEDGED, Case.IN_PROGRESS),
    Case.ACKNOWLEDGED: (Case.IN_PROGRESS, Case.RESOLVED),
    Case.IN_PROGRESS: (Case.RESOLVED,),
    Case.RESOLVED: (Case.CLOSED, Case.IN_PROGRESS),
    Case.CLOSED: (),
}
CALL_OUTCOMES = [("reached", _("Reached the customer")), ("no_answer", _("No answer")),
                 ("wrong_number", _("Wrong or unreachable number"))]
AUTO_OPEN_DAYS = 7  # the sweep looks this far back for low ratings with contact details and no case


class CaseError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def low_ratings():
    """Ratings at or below their agency's follow-up threshold (the score that asks for reasons)."""
    return Rating.objects.filter(score__lte=F("agency__reasons_max_score"))


def is_low(rating):
    return rating.score <= rating.agency.reasons_max_score


def _event(case, kind, *, user=None, text="", data=None):
    return CaseEvent.objects.create(agency_id=case.agency_id, case=case, kind=kind, text=text, data=data or {},
                                    author=user if user is not None and user.is_authenticated else None)


def open_case(rating, *, user=None, request=None, now=None):
    """Open a case for a low rating (idempotent: the rating's existing case is returned)."""
    existing = Case.objects.filter(rating=rating).first()
    if existing:
        return existing
    if not is_low(rating):
        raise CaseError(_("Only a low rating can be followed up as a case."))
    now = now or timezone.now()
    agency, state = rating.agency, rating.premise.state
    try:
        with transaction.atomic():
            case = Case.objects.create(
                agency_id=rating.agency_id, premise_id=rating.premise_id, rating=rating, opened_at=now,
                opened_by=user if user is not None and user.is_authenticated else None,
                ack_due=add_working_days(state, now, agency.ack_days),
                resolve_due=add_working_days(state, now, agency.resolve_days))
    except IntegrityError:  # opened meanwhile by the sweep or a colleague
        return Case.objects.get(rating=rating)
    _event(case, CaseEvent.OPENED, user=user, data={"automatic": user is None})
    log_action("case.open", request=request, user=user, agency=agency, obj=case,
               changes={"rating": [None, rating.pk]})
    return case


def open_pending_cases(now=None):
    """Open a case for every recent low rating whose customer consented to be contacted
    (run right after ingest by the periodic sweep; callers disable or set the scope)."""
    now = now or timezone.now()
    pending = (low_ratings().filter(contact_consent=True, case__isnull=True, flagged=False,
                                    created_at__gte=now - timezone.timedelta(days=AUTO_OPEN_DAYS))
               .select_related("agency", "premise"))
    return [open_case(r, now=now) for r in pending]


def workers(case):
    """Staff who may work a case: the agency's administrators and its premise's supervisors."""
    return (User.objects.filter(agency_id=case.agency_id, is_active=True)
            .filter(Q(role=User.AGENCY_ADMIN) | Q(role=User.SUPERVISOR, premises=case.premise_id)).distinct())


def can_work(user, case):
    if not user.is_authenticated or user.agency_id != case.agency_id:
        return False
    if user.role == User.AGENCY_ADMIN:
        return True
    return user.role == User.SUPERVISOR and user.premises.filter(pk=case.premise_id).exists()


def contact_visible(user, case):
    return (case is not None and case.contact_erased_at is None and privacy.may_see_contacts(user)
            and can_work(user, case))


def _require_worker(user, case):
    if not can_work(user, case):
        raise CaseError(_("You may not work on this case."))
    if case.status == Case.CLOSED:
        raise CaseError(_("This case is closed."))


def change_status(case, status, *, user, request=None, text="", now=None):
    _require_worker(user, case)
    if status not in TRANSITIONS[case.status]:
        raise CaseError(_("A case that is “%(old)s” cannot become “%(new)s”.") % {
            "old": case.get_status_display(), "new": dict(Case.STATUS_CHOICES).get(status, status)})
    now = now or timezone.now()
    old = case.status
    case.status = status
    fields = ["status"]
    if case.acknowledged_at is None:
        case.acknowledged_at, fields = now, fields + ["acknowledged_at"]
    if status == Case.RESOLVED:
        case.resolved_at, fields = now, fields + ["resolved_at"]
    elif status == Case.CLOSED:
        case.closed_at, fields = now, fields + ["closed_at"]
    elif old == Case.RESOLVED:  # reopened: it is not resolved any more
        case.resolved_at, fields = None, fields + ["resolved_at"]
    case.save(update_fields=fields)
    _event(case, CaseEvent.STATUS, user=user, text=text, data={"from": old, "to": status})
    log_action("case.status", request=request, user=user, obj=case, changes={"status": [old, status]})
    return case


def assign(case, assignee, *, user, request=None):
    _require_worker(user, case)
    if assignee is not None and not workers(case).filter(pk=assignee.pk).exists():
        raise CaseError(_("This person may not work on cases of this premise."))
    old = case.assignee
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    _event(case, CaseEvent.ASSIGNED, user=user, data={"to": assignee.pk if assignee else None,
                                                      "name": assignee.full_name if assignee else ""})
    log_action("case.assign", request=request, user=user, obj=case,
               changes={"assignee": [old.email if old else None, assignee.email if assignee else None]})
    return case


def add_note(case, text, *, user, request=None):
    _require_worker(user, case)
    event = _event(case, CaseEvent.NOTE, user=user, text=text)
    log_action("case.note", request=request, user=user, obj=case, changes={"note": [None, event.pk]})
    return event


def record_call(case, outcome, text, *, user, request=None):
    _require_worker(user, case)
    if outcome not in dict(CALL_OUTCOMES):
        raise CaseError(_("Choose the outcome of the call."))
    if not case.rating.contact_phone:
        raise CaseError(_("The customer left no phone number."))
    event = _event(case, CaseEvent.CALL, user=user, text=text, data={"outcome": outcome})
    log_action("case.call", request=request, user=user, obj=case, changes={"call": [None, outcome]})
    return event


def send_reply(case, text, *, user, request=None):
    """Record the reply and hand it to the mail task (sent in the customer's language)."""
    from erating.base.followup.tasks import send_case_reply

    _require_worker(user, case)
    if not case.rating.contact_email:
        raise CaseError(_("The customer left no e-mail address."))
    event = _event(case, CaseEvent.EMAIL, user=user, text=text, data={"language": case.rating.language,
                                                                       "sent": False})
    log_action("case.reply", request=request, user=user, obj=case, changes={"reply": [None, event.pk]})
    transaction.on_commit(lambda: send_case_reply.enqueue(event.pk))
    return event


def erase_contact(case, *, now=None, user=None, request=None):
    """PDPA retention: the customer's contact details go, the rating and the case stay."""
    now = now or timezone.now()
    Rating.objects.filter(pk=case.rating_id).update(contact_name="", contact_phone="", contact_email="")
    case.contact_erased_at = now
    case.save(update_fields=["contact_erased_at"])
    _event(case, CaseEvent.ERASED, user=user)
    log_action("case.erase_contact", request=request, user=user, agency=case.agency, obj=case,
               changes={"contact": ["kept", "erased"]})


def erase_expired_contacts(now=None):
    """Erase the contact details of cases closed longer ago than their agency's retention."""
    now = now or timezone.now()
    due = (Case.objects.filter(status=Case.CLOSED, contact_erased_at__isnull=True, closed_at__isnull=False)
           .select_related("agency"))
    erased = []
    for case in due:
        if case.closed_at <= now - timezone.timedelta(days=case.agency.contact_retention_days):
            erase_contact(case, now=now)
            erased.append(case)
    return erased


# -- the inbox and the figures ------------------------------------------------------------------
def overdue_q(now, prefix=""):
    p = prefix
    return (Q(**{f"{p}status": Case.NEW, f"{p}ack_due__lt": now})
            | Q(**{f"{p}status__in": Case.OPEN_STATUSES, f"{p}resolve_due__lt": now}))


def is_overdue(case, now=None):
    now = now or timezone.now()
    if case.status == Case.NEW and case.ack_due < now:
        return True
    return case.status in Case.OPEN_STATUSES and case.resolve_due < now


def inbox(filters=None, now=None):
    """Low ratings in scope, overdue cases first (most overdue first), then newest first.

    filters: start/end (dates, Malaysian days), premise, target, officer (ids), channel, status
    (a case status, "none" for no case yet, "open" or "overdue")."""
    now = now or timezone.now()
    f = filters or {}
    qs = low_ratings().select_related("premise", "target", "officer", "case", "case__assignee")
    if f.get("start"):
        qs = qs.filter(created_at__date__gte=f["start"])
    if f.get("end"):
        qs = qs.filter(created_at__date__lte=f["end"])
    for key in ("premise", "target", "officer"):
        if f.get(key):
            qs = qs.filter(**{f"{key}_id": f[key]})
    if f.get("channel"):
        qs = qs.filter(channel=f["channel"])
    status = f.get("status")
    if status == "none":
        qs = qs.filter(case__isnull=True)
    elif status == "open":
        qs = qs.filter(case__status__in=Case.OPEN_STATUSES)
    elif status == "overdue":
        qs = qs.filter(overdue_q(now, "case__"))
    elif status:
        qs = qs.filter(case__status=status)
    qs = qs.annotate(overdue=When_(When(overdue_q(now, "case__"), then=Value(True)), default=Value(False),
                                   output_field=BooleanField()))
    return qs.order_by("-overdue", F("case__resolve_due").asc(nulls_last=True), "-created_at", "-id")


def deadline_figures(cases=None, now=None):
    """Cases open, overdue and resolved (and resolved within the deadline) for a scope.

    cases: a Case queryset already narrowed by the caller (period, premise…); all in scope if None.
    Returns {"open", "overdue", "resolved", "resolved_in_time", "compliance" (% or None)}."""
    now = now or timezone.now()
    qs = Case.objects.all() if cases is None else cases
    open_ = qs.filter(status__in=Case.OPEN_STATUSES).count()
    overdue = qs.filter(overdue_q(now)).count()
    done = qs.filter(resolved_at__isnull=False)
    resolved = done.count()
    in_time = done.filter(resolved_at__lte=F("resolve_due")).count()
    return {"open": open_, "overdue": overdue, "resolved": resolved, "resolved_in_time": in_time,
            "compliance": 100.0 * in_time / resolved if resolved else None}  # exact; shown by |pct


def figures_for(criteria, now=None):
    """deadline_figures() of the cases whose ratings an analysis Criteria selects (its period,
    premises, targets, officers, channel), for the dashboard and the client-charter report."""
    from erating.base.analysis.criteria import filters

    # Driven from the (small) cases table, joined to each case's rating: never a scan of ratings.
    qs = Case.objects.filter(rating__created_at__gte=criteria.since, rating__created_at__lt=criteria.until,
                             **{f"rating__{key}": value for key, value in filters(criteria).items()})
    if criteria.kind is not None:
        qs = qs.filter(rating__target__kind=criteria.kind)
    if not criteria.all_scores:
        qs = qs.filter(rating__score__gte=criteria.score_min, rating__score__lte=criteria.score_max)
    return deadline_figures(qs, now)
