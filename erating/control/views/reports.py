"""Report module views: the criteria form, downloads, background jobs and "my reports".
Thin: everything is done by erating.base.reports."""
import os
import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from erating.base.auditlog.log import log_action
from erating.base.models import Agency, ReportFile
from erating.base.reports import access, jobs
from erating.base.reports.base import TooManyRows
from erating.base.reports.run import (
    CONTENT_TYPES,
    check_fits,
    csv_stream,
    filename,
    in_background,
    prepare,
    write_file,
)
from erating.base.scoping import VIEW_AS_SESSION_KEY
from erating.control.forms_reports import ReportForm
from erating.control.permissions import ANY_ROLE, role_required


def _my_files(request):
    return ReportFile.objects.filter(owner=request.user, expires_at__gt=timezone.now())


@role_required(*ANY_ROLE)
def report_index(request):
    form = ReportForm(request.user, request.scope)
    return render(request, "control/reports/index.html", {"form": form, "files": _my_files(request)[:20],
                                                          "nav": "reports"})


def _invalid(request, form, status=400):
    form.offer()  # shown again: every unit to choose from, not only the submitted ones
    return render(request, "control/reports/index.html", {"form": form, "files": _my_files(request)[:20],
                                                          "nav": "reports"}, status=status)


@role_required(*ANY_ROLE)
@require_POST
def report_run(request):
    form = ReportForm(request.user, request.scope, request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    query = form.query()
    try:
        req = prepare(request.user, request.scope, query)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _invalid(request, form)
    try:
        rows = check_fits(req)  # a request too large for its format is refused now, not after queueing
    except TooManyRows as exc:
        form.add_error("fmt", str(exc))
        return _invalid(request, form)
    agency = Agency.objects.filter(pk=request.scope.get("agency")).first() if request.scope.get("agency") else None
    log_action("export", request=request, agency=agency,
               changes={"report": [None, req.report.slug], "format": [None, req.fmt], "criteria": [None, query]})
    if in_background(req, rows):
        try:
            record = jobs.submit(req, query, view_as=request.session.get(VIEW_AS_SESSION_KEY))
        except jobs.TooManyJobs as exc:
            form.add_error(None, str(exc))
            return _invalid(request, form, status=429)
        messages.info(request, _("This report is large: it is being prepared and will wait for you in My reports."))
        return redirect("control:report_file", report_file_id=record.pk)
    return _now(request, form, req)


def _now(request, form, req):
    """The file in the response: CSV streamed as it is written, PDF and XLSX from a temporary file."""
    if req.fmt == "csv":
        response = StreamingHttpResponse(csv_stream(req), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename(req)}"'
        return response
    fd, path = tempfile.mkstemp(suffix="." + req.fmt)
    os.close(fd)
    try:
        write_file(req, path)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except TooManyRows as exc:
        form.add_error(None, str(exc))
        return _invalid(request, form)
    finally:
        # The open handle keeps the data readable; the name goes at once (no temp files left behind).
        if os.path.exists(path):
            os.remove(path)
    return FileResponse(handle, as_attachment=True, filename=filename(req), content_type=CONTENT_TYPES[req.fmt])


@role_required(*ANY_ROLE)
def report_file(request, report_file_id):
    record = get_object_or_404(_my_files(request), pk=report_file_id)
    template = "control/reports/file_status.html" if request.headers.get("HX-Request") else "control/reports/file.html"
    return render(request, template, {"record": record, "nav": "reports"})


def private_file_response(record):
    """A kept report file from the private storage: never cached by a browser or a proxy."""
    if not record.file or not record.file.storage.exists(record.file.name):
        raise Http404
    response = FileResponse(record.file.open("rb"), as_attachment=True, filename=record.filename,
                            content_type=CONTENT_TYPES.get(record.fmt, "application/octet-stream"))
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@role_required(*ANY_ROLE)
def report_file_download(request, report_file_id):
    record = get_object_or_404(_my_files(request), pk=report_file_id, status=ReportFile.DONE)
    if not access.may_download(request.user, record):  # the role or agency changed since it was made
        raise Http404
    return private_file_response(record)
