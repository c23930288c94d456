"""Small helpers shared by the agency-administration views."""
from django.contrib import messages
from django.shortcuts import redirect, render

from erating.base.models import Agency


def acting_agency(request):
    """The agency an administrator acts in: their own, or the one a system administrator views as.
    None for a system administrator who has not chosen one (forms then ask)."""
    if request.user.agency_id:
        return request.user.agency
    agency_id = request.scope.get("agency") if hasattr(request, "scope") else None
    return Agency.objects.filter(pk=agency_id).first() if agency_id else None


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def wanted_active(request):
    """Toggle forms post the state they want (not "flip"), so a double submit is harmless."""
    return request.POST.get("active") == "1"


def toggled(request, obj, changed, *, next_url, toggle_url):
    """Answer an activate/deactivate POST: a fragment for htmx, a redirect with a message otherwise."""
    if is_htmx(request):
        active = getattr(obj, "active", getattr(obj, "is_active", True))
        return render(request, "control/targets/_toggle.html", {"obj": obj, "url": toggle_url, "is_active": active})
    if changed:
        messages.success(request, _active_message(obj))
    return redirect(next_url)


def _active_message(obj):
    from django.utils.translation import gettext as _

    active = getattr(obj, "active", getattr(obj, "is_active", True))
    if active:
        return _("“%(name)s” is active again.") % {"name": obj}
    return _("“%(name)s” is now inactive. Its history is kept.") % {"name": obj}


def safe_next(request, fallback):
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, require_https=request.is_secure()):
        return nxt
    return fallback
