"""Background jobs of the follow-up (django.tasks). The periodic ones run across all agencies,
each agency inside its own scope, registered with the periodic scheduler (erating.base.periodic;
daily slots start at 08:00 Malaysian time):

    open_new_cases   every minute: a case for each new low rating with contact details
    evaluate_alerts  every minute: the rating alert rules (opens, e-mails, auto-closes)
    check_kiosks     every minute: kiosk health
    send_digests     daily: each responsible person's open cases
    erase_contacts   daily: contact details of cases closed longer than the retention
"""
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.followup import alerts, cases, mail
from erating.base.models import Agency, Alert, AlertRule, Case, CaseEvent, User
from erating.base.periodic import every
from erating.base.scoping import agency_scope, dimensions_for


def _agencies():
    with scopes_disabled():
        return list(Agency.objects.filter(status=Agency.ACTIVE))


@task
def send_case_reply(event_id):
    with scopes_disabled():
        event = CaseEvent.objects.select_related("case__rating__target", "case__agency", "case__premise").get(
            pk=event_id)
        sent = mail.send_reply(event)
        event.data = {**event.data, "sent": sent}
        event.save(update_fields=["data"])
    return sent


@task
def notify_alert(alert_id):
    with scopes_disabled():
        alert = Alert.objects.select_related("rule", "premise", "target").get(pk=alert_id)
        return mail.send_alert(alert, alerts.recipients(alert))


def _evaluate(kinds, now):
    opened_ids, closed = [], 0
    for agency in _agencies():
        with agency_scope(agency.pk):
            opened, shut = alerts.evaluate(agency, now, kinds=kinds)
        opened_ids += [a.pk for a in opened]
        closed += len(shut)
    for pk in opened_ids:
        notify_alert.enqueue(pk)
    return {"opened": len(opened_ids), "closed": closed}


@every(60, "followup.evaluate_alerts")
@task
def evaluate_alerts():
    return _evaluate(alerts.RATING_KINDS, timezone.now())


@every(60, "followup.check_kiosks")
@task
def check_kiosks():
    return _evaluate((AlertRule.KIOSK,), timezone.now())


@every(60, "followup.open_new_cases")
@task
def open_new_cases():
    count = 0
    for agency in _agencies():
        with agency_scope(agency.pk):
            count += len(cases.open_pending_cases())
    return count


@every(86400, "followup.erase_contacts")
@task
def erase_contacts():
    count = 0
    for agency in _agencies():
        with agency_scope(agency.pk):
            count += len(cases.erase_expired_contacts())
    return count


def digest_cases(user, now=None):
    """A person's open cases: assigned to them, or unassigned in their scope; overdue first."""
    from django_scopes import scope

    with scope(**dimensions_for(user)):
        qs = (Case.objects.filter(status__in=Case.OPEN_STATUSES)
              .filter(Q(assignee=user) | Q(assignee__isnull=True)).select_related("premise"))
        found = list(qs.order_by("resolve_due"))
    now = now or timezone.now()
    return sorted(found, key=lambda c: (not cases.is_overdue(c, now), c.resolve_due))


@every(86400, "followup.send_digests")
@task
def send_digests():
    now = timezone.now()
    with scopes_disabled():
        people = list(User.objects.filter(is_active=True, role__in=(User.AGENCY_ADMIN, User.SUPERVISOR),
                                          agency__status=Agency.ACTIVE))
    return sum(1 for user in people if mail.send_digest(user, digest_cases(user, now), now))
