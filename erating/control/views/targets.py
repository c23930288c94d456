"""Counters, services and facilities (and officers' personal targets, which are edited mostly
through the officer's account)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from erating.base.analysis import criteria as cr
from erating.base.analysis import figures
from erating.base.catalogue import targets as catalogue
from erating.base.models import Premise, Target
from erating.control.forms_admin import TargetForm
from erating.control.permissions import ANALYSTS, MANAGERS, role_required
from erating.control.views.admin_common import acting_agency, safe_next, toggled, wanted_active
from erating.control.views.home import summary_of


@role_required(*ANALYSTS)
def target_list(request):
    targets = Target.objects.select_related("premise", "agency")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        targets = targets.filter(Q(name__icontains=query) | Q(name_en__icontains=query) | Q(code__iexact=query))
    kind = request.GET.get("kind", "")
    if kind in dict(Target.KIND_CHOICES):
        targets = targets.filter(kind=kind)
    premise_id = request.GET.get("premise", "")
    if premise_id.isdigit():
        targets = targets.filter(premise_id=int(premise_id))
    status = request.GET.get("status", "")
    if status in ("active", "inactive"):
        targets = targets.filter(active=status == "active")
    page = Paginator(targets.order_by("premise__name", "kind", "name"), 25).get_page(request.GET.get("page"))
    return render(request, "control/targets/list.html", {
        "page": page, "q": query, "kind": kind, "premise_id": premise_id, "status": status,
        "kinds": Target.KIND_CHOICES, "premises": Premise.objects.order_by("name").only("pk", "name"),
        "nav": "targets"})


@role_required(*ANALYSTS)
def target_detail(request, target_id):
    target = get_object_or_404(Target.objects.select_related("premise", "agency", "officer"), pk=target_id)
    c = cr.for_unit(request.scope, premise=target.premise_id, target=target.pk)
    return render(request, "control/targets/detail.html", {
        "target": target, "summary": summary_of(figures.summary(c), c), "nav": "targets",
        "staff": target.officer_links.select_related("officer") if target.kind == Target.COUNTER else []})


@role_required(*MANAGERS)
def target_create(request):
    initial = {k: request.GET[k] for k in ("premise", "kind") if request.GET.get(k, "").isalnum()}
    form = TargetForm(request.POST or None, agency=acting_agency(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        target = catalogue.create(form.save(commit=False), request=request)
        messages.success(request, _("“%(name)s” created.") % {"name": target.name})
        return redirect("control:target_detail", target_id=target.pk)
    return render(request, "control/targets/form.html", {"form": form, "nav": "targets"})


@role_required(*MANAGERS)
def target_edit(request, target_id):
    target = get_object_or_404(Target.objects.select_related("premise"), pk=target_id)
    before = catalogue.snapshot(target, catalogue.TARGET_FIELDS)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        catalogue.update(form.save(commit=False), before, request=request)
        messages.success(request, _("“%(name)s” saved.") % {"name": target.name})
        return redirect("control:target_detail", target_id=target.pk)
    return render(request, "control/targets/form.html", {"form": form, "target": target, "nav": "targets"})


@role_required(*MANAGERS)
def target_toggle(request, target_id):
    target = get_object_or_404(Target.objects.all(), pk=target_id)
    if request.method != "POST":  # after the lookup, so another agency's id is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    changed = catalogue.set_active(target, wanted_active(request), request=request)
    return toggled(request, target, changed, next_url=safe_next(request, reverse("control:target_list")),
                   toggle_url=reverse("control:target_toggle", args=[target.pk]))
