"""Poster PDFs: one target, a whole premise, or a whole agency (one page per active target).

Pages are rendered into a temporary file that is then streamed, so a thousand posters never sit
in memory as one response body."""
import tempfile

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from erating.base.auditlog.log import log_action
from erating.base.catalogue import posters
from erating.base.models import Agency, Premise, Target
from erating.control.permissions import ANALYSTS, ANY_ROLE, MANAGERS, role_required
from erating.control.views.qr import scoped_target


def _pdf_response(targets, size, filename):
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    pages = posters.write_posters(targets, out, size)
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=filename, content_type="application/pdf")
    return response, pages


@role_required(*ANY_ROLE)
def target_poster(request, target_id):
    target = scoped_target(target_id)
    size = posters.parse_size(request.GET.get("size"))
    log_action("export", request=request, obj=target, changes={"format": [None, f"poster {size}"]})
    response, _pages = _pdf_response([target], size, f"poster-{target.code}-{size}.pdf")
    return response


@role_required(*ANALYSTS)
def premise_posters(request, premise_id):
    premise = get_object_or_404(Premise.objects.select_related("agency"), pk=premise_id)
    size = posters.parse_size(request.GET.get("size"))
    targets = posters.poster_targets(Target.objects.filter(premise=premise))
    response, pages = _pdf_response(targets, size, f"posters-{premise.code}-{size}.pdf")
    log_action("export", request=request, obj=premise, changes={"format": [None, f"posters {size}"],
                                                                  "pages": [None, pages]})
    return response


def _agency_for(request, agency_id):
    """The agency whose posters are printed: the user's own, or for a system administrator the one
    named in the URL or ?agency_id (or the agency being viewed as)."""
    agency_id = agency_id or request.GET.get("agency_id") or request.scope.get("agency")
    if agency_id is None and request.user.agency_id:
        agency_id = request.user.agency_id
    if not str(agency_id or "").isdigit():
        raise Http404
    return get_object_or_404(Agency.objects, pk=int(agency_id))


@role_required(*MANAGERS)
def agency_posters(request, agency_id=None):
    agency = _agency_for(request, agency_id)
    size = posters.parse_size(request.GET.get("size"))
    targets = posters.poster_targets(Target.objects.filter(agency=agency, premise__active=True))
    response, pages = _pdf_response(targets, size, f"posters-{agency.code}-{size}.pdf")
    log_action("export", request=request, obj=agency, changes={"format": [None, f"posters {size}"],
                                                                 "pages": [None, pages]})
    return response
