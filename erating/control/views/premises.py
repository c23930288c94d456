from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from erating.base.analysis import criteria as cr
from erating.base.analysis import figures, rankings
from erating.base.catalogue import targets as catalogue
from erating.base.models import Premise
from erating.base.models.tenancy import STATES
from erating.control.forms_admin import PremiseForm
from erating.control.permissions import ANALYSTS, MANAGERS, role_required
from erating.control.views.admin_common import acting_agency, safe_next, toggled, wanted_active
from erating.control.views.home import summary_of


@role_required(*ANALYSTS)
def premise_list(request):
    premises = Premise.objects.select_related("agency")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        premises = premises.filter(Q(name__icontains=query) | Q(code__icontains=query))
    state = request.GET.get("state", "")
    if state in dict(STATES):
        premises = premises.filter(state=state)
    status = request.GET.get("status", "")
    if status in ("active", "inactive"):
        premises = premises.filter(active=status == "active")
    page = Paginator(premises, 25).get_page(request.GET.get("page"))
    return render(request, "control/premises/list.html", {
        "page": page, "q": query, "state": state, "status": status, "states": STATES, "nav": "premises"})


@role_required(*ANALYSTS)
def premise_detail(request, premise_id):
    premise = get_object_or_404(Premise.objects.select_related("agency"), pk=premise_id)
    # All-time figures from the engine (monthly aggregates), as the dashboard would show them.
    c = cr.for_unit(request.scope, premise=premise.pk)
    context = {
        "premise": premise,
        "targets": premise.targets.all(),
        "summary": summary_of(figures.summary(c), c),
        "ranking": rankings.top(c, "target"),
        "nav": "premises",
    }
    return render(request, "control/premises/detail.html", context)


@role_required(*MANAGERS)
def premise_create(request):
    form = PremiseForm(request.POST or None, agency=acting_agency(request))
    if request.method == "POST" and form.is_valid():
        premise = catalogue.create(form.save(commit=False), request=request)
        messages.success(request, _("Premise “%(name)s” created.") % {"name": premise.name})
        return redirect("control:premise_detail", premise_id=premise.pk)
    return render(request, "control/premises/form.html", {"form": form, "nav": "premises"})


@role_required(*MANAGERS)
def premise_edit(request, premise_id):
    premise = get_object_or_404(Premise.objects.all(), pk=premise_id)
    before = catalogue.snapshot(premise, catalogue.PREMISE_FIELDS)
    form = PremiseForm(request.POST or None, instance=premise)
    if request.method == "POST" and form.is_valid():
        catalogue.update(form.save(commit=False), before, request=request)
        messages.success(request, _("Premise “%(name)s” saved.") % {"name": premise.name})
        return redirect("control:premise_detail", premise_id=premise.pk)
    return render(request, "control/premises/form.html", {"form": form, "premise": premise, "nav": "premises"})


@role_required(*MANAGERS)
def premise_toggle(request, premise_id):
    premise = get_object_or_404(Premise.objects.all(), pk=premise_id)
    if request.method != "POST":  # after the lookup, so another agency's id is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    changed = catalogue.set_active(premise, wanted_active(request), request=request)
    return toggled(request, premise, changed, next_url=safe_next(request, reverse("control:premise_list")),
                   toggle_url=reverse("control:premise_toggle", args=[premise.pk]))
