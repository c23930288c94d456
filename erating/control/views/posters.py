"""Poster PDFs: one target, a whole premise, or a whole agency (one page per active target).

Pages are rendered into a temporary file that is then streamed, so a thousand posters never sit
in memory as one response body."""
import datetime
import re
import tempfile

from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from erating.base.auditlog.log import log_action
from erating.base.catalogue import posters, results_posters
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


# -- monthly results posters (issue 25, "you said, we did") ------------------------------------
def _month(request):
    """?month=YYYY-MM, by default the last whole month (Malaysia time); None when malformed."""
    value = request.GET.get("month", "")
    if not value:
        today = timezone.localdate()
        return results_posters.previous_month(today)
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not (1 <= int(match[2]) <= 12) or not (2000 <= int(match[1]) <= 2100):
        return None
    return datetime.date(int(match[1]), int(match[2]), 1)


def _bad_month():
    return HttpResponseBadRequest("Bulan tidak sah: gunakan YYYY-MM, cth. 2026-11. / "
                                  "Invalid month: use YYYY-MM, e.g. 2026-11.", content_type="text/plain; charset=utf-8")


def _results_response(premises, month, filename):
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    pages = results_posters.write_results_posters(premises, month, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type="application/pdf"), pages


@role_required(*ANALYSTS)
def premise_results_poster(request, premise_id):
    premise = get_object_or_404(Premise.objects.select_related("agency"), pk=premise_id)
    month = _month(request)
    if month is None:
        return _bad_month()
    response, _pages = _results_response([premise], month, f"results-{premise.code}-{month:%Y-%m}.pdf")
    log_action("export", request=request, obj=premise, changes={"format": [None, f"results poster {month:%Y-%m}"]})
    return response


@role_required(*MANAGERS)
def agency_results_posters(request, agency_id=None):
    agency = _agency_for(request, agency_id)
    month = _month(request)
    if month is None:
        return _bad_month()
    premises = Premise.objects.filter(agency=agency, active=True).select_related("agency").order_by("name").iterator()
    response, pages = _results_response(premises, month, f"results-{agency.code}-{month:%Y-%m}.pdf")
    log_action("export", request=request, obj=agency, changes={"format": [None, f"results posters {month:%Y-%m}"],
                                                                 "pages": [None, pages]})
    return response
