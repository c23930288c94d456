"""The follow-up e-mails, each rendered in its reader's language: the customer's (the language
they rated in) for a reply, the staff member's own setting for alerts and the daily digest."""
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erating.base import numbers
from erating.base.models import Case
from erating.base.models.bilingual import django_code


def _lang(value):
    return "en" if (value or "").startswith("en") else "ms"


def send_reply(event):
    """The reply of a case event to the customer's e-mail address; False when none is left."""
    case = event.case
    rating = case.rating
    if not rating.contact_email:
        return False
    # The customer's own language (any of the four a citizen may rate in); staff e-mails stay BM/EN.
    with translation.override(django_code(rating.language)):
        context = {"case": case, "rating": rating, "text": event.text, "agency": case.agency,
                   "premise": case.premise, "target": rating.target}
        subject = _("Your feedback to %(agency)s") % {"agency": case.agency.name}
        body = render_to_string("followup/email/reply.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [rating.contact_email])
    return True


def send_alert(alert, recipients):
    sent = 0
    for user in recipients:
        with translation.override(_lang(user.language)), timezone.override(timezone.get_default_timezone()):
            subject = _("eRating alert: %(rule)s at %(premise)s") % {
                "rule": alert.rule.get_kind_display(), "premise": alert.premise.name}
            body = render_to_string("followup/email/alert.txt", {"alert": alert, "user": user,
                                                                 "description": describe(alert)})
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return sent


def describe(alert):
    """One sentence saying what was measured, in the active language (figures rounded half up
    as everywhere: the alert keeps the exact values)."""
    d = alert.detail or {}
    kind = alert.rule.kind
    if kind == "low_share":
        return _("%(low)d of the last %(total)d ratings in %(minutes)d minutes were low.") % {
            "low": d.get("low", 0), "total": d.get("total", 0), "minutes": d.get("minutes", 0)}
    if kind == "csat_day":
        return _("Satisfaction index %(csat)s%% over the last day (%(total)d ratings).") % {
            "csat": numbers.text(d.get("csat"), 1), "total": d.get("total", 0)}
    if kind == "drop":
        return _("Satisfaction index %(csat)s%% today against a usual %(usual)s%% on this weekday.") % {
            "csat": numbers.text(d.get("csat"), 1), "usual": numbers.text(d.get("usual"), 1)}
    if d.get("reason") == "queue":
        return _("The tablet “%(name)s” holds %(queued)d ratings it could not send, and the number grows.") % {
            "name": d.get("device", ""), "queued": d.get("queued", 0)}
    return _("The tablet “%(name)s” has not been heard from for %(minutes)d minutes during opening hours.") % {
        "name": d.get("device", ""), "minutes": d.get("minutes", 0)}


def send_digest(user, cases, now):
    """The daily list of a person's open cases, overdue ones first; nothing when there is none."""
    if not cases:
        return False
    from erating.base.followup.cases import is_overdue

    with translation.override(_lang(user.language)), timezone.override(timezone.get_default_timezone()):
        rows = [{"case": c, "overdue": is_overdue(c, now)} for c in cases]
        overdue = sum(1 for r in rows if r["overdue"])
        subject = _("eRating follow-up: %(open)d open cases, %(overdue)d overdue") % {
            "open": len(rows), "overdue": overdue}
        body = render_to_string("followup/email/digest.txt", {"rows": rows, "user": user,
                                                              "statuses": dict(Case.STATUS_CHOICES)})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
