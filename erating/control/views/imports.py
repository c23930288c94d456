"""Bulk import: upload → dry-run preview → confirm → all-or-nothing commit.

Between preview and confirm the uploaded bytes are kept in the user's own session (stored in
the database, so it works with several app servers, dies with the session, and is never served
as a file), compressed, under a random token with the file's SHA-256. Confirm re-reads and
re-validates those exact bytes (the database may have changed since the preview) and refuses
a token or hash that does not match, so what is committed is always what was previewed."""
import base64
import hashlib
import secrets
import zlib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from erating.base.catalogue import imports
from erating.base.catalogue import officers as staff
from erating.base.models import Agency
from erating.control.forms_admin import IMPORT_KINDS, ImportForm
from erating.control.permissions import MANAGERS, role_required
from erating.control.views.admin_common import acting_agency

SESSION_KEY = "admin_import"
PREVIEW_ROWS = 200
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _kind_or_404(kind):
    if kind not in IMPORT_KINDS:
        raise Http404
    return kind


@role_required(*MANAGERS)
def import_index(request):
    return render(request, "control/imports/index.html", {"kinds": IMPORT_KINDS, "nav": "imports"})


@role_required(*MANAGERS)
def import_template(request, kind, fmt):
    _kind_or_404(kind)
    if fmt not in CONTENT_TYPES:
        raise Http404
    data = imports.template_csv(kind) if fmt == "csv" else imports.template_xlsx(kind)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="erating-{kind}-template.{fmt}"'
    return response


def _render_upload(request, kind, form, preview=None, token="", status=200):
    context = {"kind": kind, "kind_label": IMPORT_KINDS[kind], "form": form, "preview": preview, "token": token,
               "columns": imports.KINDS[kind].columns, "preview_rows": PREVIEW_ROWS, "nav": "imports"}
    if preview is not None:
        columns = imports.KINDS[kind].columns
        context["rows"] = [(item["row"], label, [_display(item["values"].get(c)) for c in columns])
                           for items, label in ((preview.creates, _("Create")), (preview.updates, _("Update")))
                           for item in items[:PREVIEW_ROWS]]
        context["errors"] = preview.errors[:PREVIEW_ROWS]
        context["to_write"] = len(preview.creates) + len(preview.updates)
    return render(request, "control/imports/upload.html", context, status=status)


def _display(value):
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


@role_required(*MANAGERS)
def import_upload(request, kind):
    _kind_or_404(kind)
    agency = acting_agency(request)
    form = ImportForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method != "POST" or not form.is_valid():
        return _render_upload(request, kind, form, status=400 if request.method == "POST" else 200)
    agency = agency or form.cleaned_data["agency"]
    upload = form.cleaned_data["file"]
    if upload.size > imports.MAX_BYTES:
        form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": imports.MAX_BYTES // (1024 * 1024)})
        return _render_upload(request, kind, form, status=400)
    data = upload.read()
    preview = imports.validate(agency, kind, data, upload.name)
    token = ""
    if preview.ok:
        token = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = {
            "token": token, "kind": kind, "agency_id": agency.pk, "filename": upload.name[:200],
            "sha256": preview.sha256, "data": base64.b64encode(zlib.compress(data, 6)).decode()}
    else:
        request.session.pop(SESSION_KEY, None)
    return _render_upload(request, kind, form, preview, token, status=200 if preview.ok else 400)


@role_required(*MANAGERS)
def import_confirm(request, kind):
    _kind_or_404(kind)
    if request.method != "POST":
        return redirect("control:import_upload", kind=kind)
    stored = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not stored or stored.get("kind") != kind or not secrets.compare_digest(stored.get("token", ""), token):
        messages.error(request, _("This preview has expired or was replaced. Please upload the file again."))
        return redirect("control:import_upload", kind=kind)
    data = zlib.decompress(base64.b64decode(stored["data"]))
    agency = Agency.objects.filter(pk=stored["agency_id"]).first()
    if agency is None or hashlib.sha256(data).hexdigest() != stored["sha256"]:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("The uploaded file could not be verified. Please upload it again."))
        return redirect("control:import_upload", kind=kind)
    preview = imports.validate(agency, kind, data, stored["filename"])
    if not preview.ok:  # something changed since the preview: show the new errors, write nothing
        return _render_upload(request, kind, ImportForm(agency=acting_agency(request)), preview, status=400)
    try:
        created, updated, new_users = imports.commit(agency, preview, request=request)
    except imports.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("control:import_upload", kind=kind)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Import finished: %(created)s created, %(updated)s updated.")
                     % {"created": created, "updated": updated})
    if new_users:
        sent = staff.queue_links(new_users)
        if sent is None:
            messages.info(request, _("%(total)s invitations are being sent in the background.") % {"total": len(new_users)})
        else:
            messages.info(request, _("%(sent)s of %(total)s invitations were sent.") % {"sent": sent, "total": len(new_users)})
    return redirect({"premises": "control:premise_list", "targets": "control:target_list",
                     "officers": "control:officer_list"}[kind])
