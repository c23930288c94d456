"""Scheduled reports: weekly (last Monday–Sunday) or monthly (last calendar month), in Malaysia
time. Each due schedule is built with its owner's scope as it is at run time and e-mailed to
each recipient still within that scope: attached when small, otherwise kept as the owner's
background report and linked. After MAX_FAILURES failures in a row the schedule pauses and the
owner is told."""
import logging
import os
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_scopes import scopes_disabled

from erating.base.auditlog.log import log_action
from erating.base.models import ReportFile, ReportSchedule, ScheduleSend, User
from erating.base.reports.access import may_receive
from erating.base.reports.jobs import expiry_hours
from erating.base.reports.run import CONTENT_TYPES, filename, prepare, write_file
from erating.base.scoping import dimensions_for

logger = logging.getLogger(__name__)
MAX_FAILURES = 3
LINK_SALT = "erating.reports.shared"


def attach_max_bytes():
    return getattr(settings, "REPORT_ATTACH_MAX_BYTES", 5 * 1024 * 1024)


def last_period(frequency, today):
    """The period just ended, for a schedule run on `today` (a Malaysia date)."""
    if frequency == ReportSchedule.WEEKLY:
        this_monday = today - timedelta(days=today.weekday())
        return this_monday - timedelta(days=7), this_monday - timedelta(days=1)
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def recipients_in_scope(schedule):
    """Recipients still allowed to run the report over the owner's scope (access.may_receive).
    The others are taken off the schedule (audited) and the owner is told, once."""
    allowed, dropped = [], []
    for user in schedule.recipients.all():
        own = user.pk == schedule.owner_id and user.is_active
        ok = own or may_receive(user, schedule.report, schedule.owner, schedule.query)
        (allowed if ok else dropped).append(user)
    if dropped:
        schedule.recipients.remove(*dropped)
        log_action("update", user=schedule.owner, obj=schedule, changes={
            "recipients removed": [sorted(u.email for u in dropped), None], "reason": "may not run this report"})
        owner = schedule.owner
        with override(owner.language or "ms"):
            EmailMessage(
                _("Scheduled report %(name)s: recipients removed") % {"name": schedule.name},
                _("These recipients may no longer run the report “%(name)s” over your scope and no longer "
                  "receive it: %(names)s.") % {"name": schedule.name,
                                               "names": ", ".join(f"{u.full_name} <{u.email}>" for u in dropped)},
                to=[owner.email]).send()
    return allowed


def run_due(now=None):
    """Send every active schedule whose last period has not been sent yet. Returns the ids sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = []
    with scopes_disabled():
        schedules = list(ReportSchedule.objects.filter(active=True).select_related("owner"))
    for schedule in schedules:
        start, end = last_period(schedule.frequency, today)
        if schedule.last_period_end is not None and schedule.last_period_end >= end:
            continue
        if send(schedule, start, end, now=now):
            sent.append(schedule.pk)
    return sent


def _request(schedule, owner, start, end):
    dims = dimensions_for(owner)
    data = {**schedule.query, "report": schedule.report, "period": "custom", "start": start.isoformat(),
            "end": end.isoformat()}
    return prepare(owner, dims, data, fmt=schedule.fmt, language=schedule.language)


def send(schedule, start, end, *, now=None, to=None):
    """Build the period's report and mail it; record the send (ScheduleSend) either way. `to`: one
    user instead of the recipients ("send now to me"), which leaves the schedule's own run,
    failure count and pause untouched."""
    now = now or timezone.now()
    owner = schedule.owner
    manual = to is not None
    fd, path = tempfile.mkstemp(suffix="." + schedule.fmt)
    os.close(fd)
    emails, size, record = [], 0, None
    try:
        req = _request(schedule, owner, start, end)
        write_file(req, path)
        with scopes_disabled():
            recipients = [to] if manual else recipients_in_scope(schedule)
            if not recipients:
                raise ValueError("no recipient within the owner's scope")
            emails = [u.email for u in recipients]
            size = os.path.getsize(path)
            if size > attach_max_bytes():
                record = _keep(schedule, req, path, now)
            for user in recipients:
                _mail(schedule, req, user, path, record, start, end)
            if not manual:
                ReportSchedule.objects.filter(pk=schedule.pk).update(
                    failures=0, last_error="", last_period_end=end, last_run_at=now)
            _record(schedule, now, start, end, emails, size, record is None, ScheduleSend.DELIVERED, "", manual)
        return True
    except Exception as exc:  # noqa: BLE001 - every failure counts towards pausing
        logger.warning("Scheduled report %s failed: %s", schedule.pk, exc)
        _record(schedule, now, start, end, emails, size, record is None, ScheduleSend.FAILED,
                f"{type(exc).__name__}: {exc}", manual)
        if not manual:
            _failed(schedule, exc, now)
        return False
    finally:
        if os.path.exists(path):
            os.remove(path)


def _record(schedule, now, start, end, emails, size, attached, status, error, manual):
    with scopes_disabled():
        ScheduleSend.objects.create(agency_id=schedule.agency_id, schedule=schedule, sent_at=now, period_start=start,
                                    period_end=end, recipients=emails, size=size, attached=attached, status=status,
                                    error=error[:1000], manual=manual)


def send_now(schedule, user, *, now=None):
    """"Send now to me": the last period's report to the one who asks, at once."""
    now = now or timezone.now()
    start, end = last_period(schedule.frequency, timezone.localdate(now))
    return send(schedule, start, end, now=now, to=user)


def next_send(schedule, now=None):
    """(the Malaysia date of the next send, its period): today's when the period just ended has
    not been sent yet (the hourly run sends it), else the day the next period ends after."""
    today = timezone.localdate(now or timezone.now())
    start, end = last_period(schedule.frequency, today)
    if schedule.last_period_end is None or schedule.last_period_end < end:
        return today, (start, end)
    if schedule.frequency == ReportSchedule.WEEKLY:
        day = today + timedelta(days=7 - today.weekday())  # next Monday
    else:
        day = (today.replace(day=1) + timedelta(days=32)).replace(day=1)  # first of next month
    return day, last_period(schedule.frequency, day)


def preview(schedule, now=None):
    """What the next send will be: its date, period, recipients (those still in scope), the
    criteria as the document prints them and the file's name. Errors (a criterion the owner may
    no longer use) are given as text, as the send would fail with them."""
    from erating.base.reports.run import bound, criteria_lines

    day, (start, end) = next_send(schedule, now)
    with scopes_disabled():
        recipients = [u.email for u in recipients_in_scope(schedule)]
    out = {"date": day, "start": start, "end": end, "recipients": recipients, "criteria": [], "filename": "",
           "error": ""}
    try:
        req = _request(schedule, schedule.owner, start, end)
        with bound(req.ctx):
            out["criteria"] = criteria_lines(req.ctx)
        out["filename"] = filename(req)
    except Exception as exc:  # noqa: BLE001 - shown to the owner, who can correct the schedule
        out["error"] = "; ".join(getattr(exc, "messages", None) or [str(exc) or type(exc).__name__])
    return out


def _keep(schedule, req, path, now):
    record = ReportFile(agency_id=schedule.owner.agency_id, owner=schedule.owner, report=schedule.report,
                        fmt=schedule.fmt, language=schedule.language, query=schedule.query, status=ReportFile.DONE,
                        filename=filename(req), finished_at=now, expires_at=now + timedelta(hours=expiry_hours()))
    with open(path, "rb") as f:
        record.file.save(record.filename, File(f), save=False)
    record.save()
    return record


def shared_link(record, user):
    token = signing.dumps({"f": record.pk, "u": user.pk}, salt=LINK_SALT)
    return settings.SITE_URL.rstrip("/") + reverse("control:report_shared", kwargs={"token": token}) \
        if getattr(settings, "SITE_URL", "") else reverse("control:report_shared", kwargs={"token": token})


def read_link(token):
    """-> (file id, user id) of a shared link, or None when it is forged or expired."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=timedelta(hours=expiry_hours()))
    except signing.BadSignature:
        return None
    return data.get("f"), data.get("u")


def _mail(schedule, req, user, path, record, start, end):
    with override(user.language or schedule.language):
        subject = _("Scheduled report %(name)s: %(start)s – %(end)s") % {"name": schedule.name, "start": start.strftime("%d/%m/%Y"),
                                                          "end": end.strftime("%d/%m/%Y")}
        body = _("The scheduled report “%(name)s” (%(report)s) for %(start)s – %(end)s, prepared for %(owner)s.") % {
            "name": schedule.name, "report": req.report.title, "start": start.strftime("%d/%m/%Y"),
            "end": end.strftime("%d/%m/%Y"), "owner": schedule.owner.full_name}
        if record is not None:
            body += "\n\n" + _("The file is too large to attach. Download it (after logging in) here: %(link)s") % {
                "link": shared_link(record, user)}
    message = EmailMessage(subject, body, to=[user.email])
    if record is None:
        with open(path, "rb") as f:
            message.attach(filename(req), f.read(), CONTENT_TYPES[req.fmt].split(";")[0])
    message.send()


def _failed(schedule, exc, now):
    with scopes_disabled():
        failures = schedule.failures + 1
        paused = failures >= MAX_FAILURES
        ReportSchedule.objects.filter(pk=schedule.pk).update(
            failures=failures, last_error=f"{type(exc).__name__}: {exc}"[:1000], last_run_at=now,
            active=not paused)
        schedule.failures, schedule.active = failures, not paused
    if paused:
        owner = User.objects.get(pk=schedule.owner_id)
        with override(owner.language or "ms"):
            EmailMessage(
                _("Scheduled report paused: %(name)s") % {"name": schedule.name},
                _("The scheduled report “%(name)s” failed %(n)s times in a row and has been paused. Check its "
                  "criteria and recipients, then resume it under Reports → Schedules.") % {
                    "name": schedule.name, "n": failures},
                to=[owner.email]).send()
