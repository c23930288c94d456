"""Background reports: a ReportFile row records the request, a task builds the file with the
owner's scope as it is when the task runs, and the file expires after REPORT_FILE_HOURS."""
import os
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from erating.base.models import ReportFile
from erating.base.reports.base import TooManyRows
from erating.base.reports.run import estimate_rows, filename, prepare, write_file
from erating.base.scoping import dimensions_for


def expiry_hours():
    return getattr(settings, "REPORT_FILE_HOURS", 72)


def inline_rows():
    """Row-level reports up to this many rows are built in the request; larger ones in the background."""
    return getattr(settings, "REPORT_INLINE_ROWS", 20_000)


def jobs_per_user():
    """How many background reports one user may have waiting or running at once."""
    return getattr(settings, "REPORT_JOBS_PER_USER", 3)


class TooManyJobs(Exception):
    """The user already has jobs_per_user() reports waiting or running."""


def submit(req, query, *, view_as=None):
    """Record a background report for the user and enqueue its task. Returns the ReportFile.
    Raises TooManyJobs when the user already has the most allowed waiting or running."""
    user = req.ctx.user
    with scopes_disabled():
        busy = ReportFile.objects.filter(owner=user, status__in=(ReportFile.PENDING, ReportFile.RUNNING),
                                         expires_at__gt=timezone.now()).count()
    if busy >= jobs_per_user():
        raise TooManyJobs(_("You already have %(n)s reports being prepared. Wait until one is ready, then ask "
                            "again.") % {"n": busy})
    record = ReportFile.objects.create(
        # A system administrator viewing one agency files it under that agency (seen in that scope).
        agency_id=user.agency_id or view_as, owner=user, report=req.report.slug, fmt=req.fmt, language=req.ctx.language,
        query=query, view_as_agency=view_as, filename=filename(req),
        expires_at=timezone.now() + timedelta(hours=expiry_hours()))
    build_report.enqueue(record.pk)
    return record


@task()
def build_report(file_id):
    with scopes_disabled():
        record = ReportFile.objects.select_related("owner").filter(pk=file_id, status=ReportFile.PENDING).first()
        if record is None:
            return
        ReportFile.objects.filter(pk=record.pk).update(status=ReportFile.RUNNING)
    owner = record.owner
    # The owner's scope as it is now: a user who lost a premise since asking no longer gets it.
    dims = dimensions_for(owner, record.view_as_agency if owner.is_system_admin else None)
    fd, path = tempfile.mkstemp(suffix="." + record.fmt)
    os.close(fd)
    try:
        req = prepare(owner, dims, {**record.query, "report": record.report}, fmt=record.fmt,
                      language=record.language)
        total = estimate_rows(req)
        _update(record, rows_total=total)

        def progress(done):
            _update(record, rows_done=done)

        write_file(req, path, progress=progress)
        with open(path, "rb") as f, scopes_disabled():
            record.file.save(record.filename, File(f), save=False)
            ReportFile.objects.filter(pk=record.pk).update(
                file=record.file.name, status=ReportFile.DONE, finished_at=timezone.now(), rows_done=F("rows_total"))
    except TooManyRows as exc:
        _fail(record, str(exc))
    except Exception as exc:  # the user sees "failed" rather than a row stuck at "running"
        _fail(record, f"{type(exc).__name__}")
        raise
    finally:
        if os.path.exists(path):
            os.remove(path)


def _update(record, **fields):
    with scopes_disabled():
        ReportFile.objects.filter(pk=record.pk).update(**fields)


def _fail(record, message):
    _update(record, status=ReportFile.FAILED, error=message[:1000], finished_at=timezone.now())


def purge_expired(now=None):
    """Delete expired files and their rows. Returns how many were removed."""
    now = now or timezone.now()
    removed = 0
    with scopes_disabled():
        for record in ReportFile.objects.filter(expires_at__lte=now).iterator():
            if record.file:
                record.file.delete(save=False)
            record.delete()
            removed += 1
    return removed
