""""View as agency": a system administrator sees the back office as one agency sees it, for support.

The scope middleware already narrows a system administrator to the agency in the session; these
views only set and clear that key, and both are recorded in the audit log."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erating.base.auditlog.log import log_action
from erating.base.models import Agency
from erating.base.scoping import VIEW_AS_SESSION_KEY
from erating.control.views.system import system_admin_view

NAME_SESSION_KEY = "view_as_agency_name"  # shown in the banner without a query per page


@system_admin_view
@require_POST  # inside the login check: anonymous visitors are sent to log in
def view_as_start(request, agency_id):
    agency = get_object_or_404(Agency, pk=agency_id)
    previous = request.session.get(VIEW_AS_SESSION_KEY)
    request.session[VIEW_AS_SESSION_KEY] = agency.pk
    request.session[NAME_SESSION_KEY] = agency.name
    log_action("view_as_start", request=request, obj=agency, changes={"view_as": [previous, agency.pk]})
    messages.info(request, _("You are now viewing eRating as %(name)s.") % {"name": agency.name})
    return redirect("control:home")


@system_admin_view
@require_POST  # inside the login check: anonymous visitors are sent to log in
def view_as_stop(request):
    agency_id = request.session.pop(VIEW_AS_SESSION_KEY, None)
    request.session.pop(NAME_SESSION_KEY, None)
    if agency_id is not None:
        agency = Agency.objects.filter(pk=agency_id).first()
        log_action("view_as_stop", request=request, obj=agency, agency=agency,
                   changes={"view_as": [agency_id, None]})
        messages.info(request, _("You are back to the system administrator's view."))
    return redirect("control:agency_list")
