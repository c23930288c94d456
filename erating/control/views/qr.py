"""One target's QR code: the page with download links, PNG/SVG downloads and code regeneration.

Who may see a target is decided by the request scope (an officer's scope holds only their own
target, a supervisor's only their premises'), so get_object_or_404 answers 404 for the rest."""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erating.base.auditlog.log import log_action
from erating.base.catalogue import qrcodes
from erating.base.models import Target
from erating.control.permissions import ANY_ROLE, MANAGERS, role_required


def scoped_target(target_id):
    return get_object_or_404(Target.objects.select_related("agency", "premise"), pk=target_id)


@role_required(*ANY_ROLE)
def target_qr(request, target_id):
    target = scoped_target(target_id)
    # The preview is inline (a data URI) so viewing the page is not logged as a download.
    context = {"target": target, "url": qrcodes.target_url(target),
               "preview": qrcodes.make_qr(target).svg_data_uri(scale=6),
               "can_regenerate": request.user.role in MANAGERS, "nav": "qr"}
    return render(request, "control/qr/target.html", context)


def _download(request, target, kind, content, content_type):
    log_action("export", request=request, obj=target, changes={"format": [None, kind], "code": [None, target.code]})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="qr-{target.code}.{kind}"'
    return response


@role_required(*ANY_ROLE)
def target_qr_png(request, target_id):
    target = scoped_target(target_id)
    return _download(request, target, "png", qrcodes.png_bytes(target), "image/png")


@role_required(*ANY_ROLE)
def target_qr_svg(request, target_id):
    target = scoped_target(target_id)
    return _download(request, target, "svg", qrcodes.svg_bytes(target), "image/svg+xml")


@role_required(*MANAGERS)
@require_POST  # inside the login check: anonymous visitors are sent to log in
def target_regenerate_code(request, target_id):
    target = scoped_target(target_id)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm that the printed posters will be replaced."))
        return redirect("control:target_qr", target_id=target.pk)
    old, target = qrcodes.regenerate_code(target)
    log_action("regenerate_code", request=request, obj=target, changes={"code": [old, target.code]})
    messages.success(request, _("A new QR code was made. The old code no longer works: print and put up the new "
                                "poster."))
    return redirect("control:target_qr", target_id=target.pk)
