"""Scheduled reports: list, create, edit, pause/resume, delete; and the login-protected link a
scheduled e-mail carries when the file was too large to attach."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from erating.base.auditlog.log import log_action
from erating.base.models import ReportFile, ReportSchedule
from erating.base.reports import schedules
from erating.base.reports.access import may_receive
from erating.base.reports.run import prepare
from erating.base.reports.schedules import last_period, read_link
from erating.control.forms_reports import ScheduleForm
from erating.control.permissions import ANALYSTS, ANY_ROLE, role_required
from erating.control.views.reports import private_file_response


def _mine(request):
    return ReportSchedule.objects.filter(owner=request.user)


@role_required(*ANALYSTS)
def schedule_list(request):
    return render(request, "control/reports/schedules.html", {"schedules": _mine(request), "nav": "reports"})


@role_required(*ANALYSTS)
def schedule_edit(request, schedule_id=None):
    schedule = get_object_or_404(_mine(request), pk=schedule_id) if schedule_id else None
    form = ScheduleForm(request.user, request.scope, request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.query = form.filters()
        start, end = last_period(obj.frequency, timezone.localdate())
        try:  # the same checks a run makes: a schedule that cannot run is refused now
            prepare(request.user, request.scope, {**obj.query, "report": obj.report, "period": "custom",
                                                   "start": start.isoformat(), "end": end.isoformat()}, fmt=obj.fmt)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            with transaction.atomic():
                created = obj.pk is None
                if created:
                    obj.owner, obj.agency_id = request.user, request.user.agency_id
                obj.failures, obj.active = (0, True) if created else (obj.failures, obj.active)
                obj.save()
                form.save_m2m()
                log_action("create" if created else "update", request=request, obj=obj,
                           changes={"report": [None, obj.report], "frequency": [None, obj.frequency],
                                    "recipients": [None, sorted(u.email for u in obj.recipients.all())]})
            messages.success(request, _("Schedule saved."))
            return redirect("control:schedule_list")
    context = {"form": form, "schedule": schedule, "nav": "reports"}
    if schedule is not None:
        context["preview"] = schedules.preview(schedule)
        context["sends"] = schedule.sends.all()[:50]
    return render(request, "control/reports/schedule_form.html", context)


@role_required(*ANALYSTS)
@require_POST
def schedule_send_now(request, schedule_id):
    """"Send now to me": the last period's report to the owner at once, to try a schedule."""
    schedule = get_object_or_404(_mine(request), pk=schedule_id)
    delivered = schedules.send_now(schedule, request.user)
    log_action("update", request=request, obj=schedule, changes={"sent_now_to": [None, request.user.email]})
    if delivered:
        messages.success(request, _("The report was sent to %(email)s.") % {"email": request.user.email})
    else:
        messages.error(request, _("The report could not be sent; the reason is in the list of sends below."))
    return redirect("control:schedule_edit", schedule_id=schedule.pk)


@role_required(*ANALYSTS)
@require_POST
def schedule_toggle(request, schedule_id):
    schedule = get_object_or_404(_mine(request), pk=schedule_id)
    schedule.active = not schedule.active
    schedule.failures = 0
    schedule.save(update_fields=["active", "failures"])
    log_action("update", request=request, obj=schedule, changes={"active": [not schedule.active, schedule.active]})
    return redirect("control:schedule_list")


@role_required(*ANALYSTS)
@require_POST
def schedule_delete(request, schedule_id):
    schedule = get_object_or_404(_mine(request), pk=schedule_id)
    log_action("delete", request=request, obj=schedule)
    schedule.delete()
    messages.success(request, _("Schedule deleted."))
    return redirect("control:schedule_list")


@never_cache
@role_required(*ANY_ROLE)
def report_shared(request, token):
    """A scheduled report's file for one of its recipients (the link names the user, who must be
    logged in as that user and still be allowed to run the report over its owner's scope)."""
    ids = read_link(token)
    if ids is None or ids[1] != request.user.pk:
        raise Http404
    with scopes_disabled():  # signed for this user and this file; the role is checked below
        record = ReportFile.objects.select_related("owner").filter(
            pk=ids[0], status=ReportFile.DONE, expires_at__gt=timezone.now()).first()
    if record is None or not (record.owner_id == request.user.pk
                              or may_receive(request.user, record.report, record.owner)):
        raise Http404
    return private_file_response(record)
