"""The agency administrator's setup checklist: the steps from first login to the first rating,
each marked done from the agency's own data (not from a box someone ticks), so the list is right
even when a step was done by import, by a colleague or by the system administrator.

Runs inside the request's scope: every query goes through the scoped managers."""
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erating.base.models import AuditEntry, Device, Premise, Rating, Target, User

# Saving any of these settings screens counts as having reviewed the thresholds.
THRESHOLD_ACTIONS = ("followup.settings", "alert.rule", "agency.form_settings")


def _step(key, title, hint, done, url, count=None, count_label=""):
    """count and count_label: what is there so far ("Active premises: 12"), formatted by the template."""
    return {"key": key, "title": title, "hint": hint, "done": bool(done), "url": url,
            "count": count, "count_label": count_label}


def checklist(agency_id):
    """[step] in the order a new agency goes through them."""
    premises = Premise.objects.filter(agency_id=agency_id, active=True).count()
    targets = Target.objects.filter(agency_id=agency_id, active=True).exclude(kind=Target.OFFICER).count()
    staff = User.scoped.filter(agency_id=agency_id, is_active=True, role__in=(User.OFFICER, User.SUPERVISOR)).count()
    tablets = Device.objects.filter(agency_id=agency_id, revoked_at__isnull=True).count()
    # QR codes and posters are files handed out, not rows: their downloads are in the audit log.
    printed = AuditEntry.objects.filter(agency_id=agency_id, action="export",
                                        object_type__in=("Target", "Premise", "Agency")).filter(
        Q(changes__format__1__startswith="poster") | Q(changes__has_key="code")).exists()
    thresholds = AuditEntry.objects.filter(agency_id=agency_id, action__in=THRESHOLD_ACTIONS).exists()
    rated = Rating.objects.filter(agency_id=agency_id).exists()
    return [
        _step("premises", _("Register your premises"),
              _("Each branch or office where customers are served, with its state and rating medium."),
              premises, reverse("control:premise_list"), premises, _("Active premises")),
        _step("counters", _("Add counters, services and facilities"),
              _("What customers rate at each premise: one by one, or by importing a spreadsheet."),
              targets, reverse("control:target_list"), targets, _("Rating targets")),
        _step("officers", _("Add officers and supervisors"),
              _("Staff accounts: supervisors follow up their premises, officers see their own ratings."),
              staff, reverse("control:officer_list"), staff, _("Staff accounts")),
        _step("media", _("Print QR posters or pair tablets"),
              _("Put a QR poster at each counter, or pair a tablet with a one-time code."),
              printed or tablets, reverse("control:device_list") if tablets and not printed
              else reverse("control:target_list"), tablets, _("Tablets paired")),
        _step("thresholds", _("Review the follow-up and alert thresholds"),
              _("Which scores ask for reasons and follow-up, and when supervisors are alerted."),
              thresholds, reverse("control:followup_settings")),
        _step("first_rating", _("Receive the first rating"),
              _("Scan one of your QR codes or rate on a tablet, then watch it arrive on the dashboard."),
              rated, reverse("control:analysis")),
    ]


def progress(steps):
    done = sum(step["done"] for step in steps)
    return {"done": done, "total": len(steps), "complete": done == len(steps)}
