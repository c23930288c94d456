"""System administrator: ministries and agencies (create, edit, suspend, reactivate)."""
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_scopes import scope

from erating.base.auditlog.log import diff, log_action
from erating.base.catalogue.onboarding import active_admins
from erating.base.models import Agency, Ministry, User
from erating.base.scoping import dimensions_for
from erating.control.permissions import role_required


def system_admin_view(view):
    """System administrator only, run in the administrator's own (unlimited) scope so system pages
    keep listing every agency while a "view as agency" session narrows the other pages."""

    @role_required(User.SYSTEM_ADMIN)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with scope(**dimensions_for(request.user)):
            return view(request, *args, **kwargs)

    return wrapped


class MinistryForm(forms.ModelForm):
    class Meta:
        model = Ministry
        fields = ["code", "name_ms", "name_en"]


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["ministry", "code", "name_ms", "name_en"]
        help_texts = {"code": gettext_lazy("Short, unique, lower-case letters, digits and dashes, e.g. jpn.")}


FIELDS = {Ministry: MinistryForm.Meta.fields, Agency: AgencyForm.Meta.fields + ["status"]}


def snapshot(obj):
    return model_to_dict(obj, fields=FIELDS[type(obj)])


@system_admin_view
def ministry_list(request):
    ministries = Ministry.objects.annotate(agency_count=Count("agencies"))
    return render(request, "control/system/ministries.html", {"ministries": ministries, "nav": "ministries"})


def _edit(request, form_class, instance, template, done):
    before = snapshot(instance) if instance.pk else {}
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        creating = not instance.pk  # agencies are created in system_admins (with their administrator)
        obj = form.save()
        log_action("create" if creating else "update", request=request, obj=obj, changes=diff(before, snapshot(obj)))
        messages.success(request, _("Saved."))
        return redirect(done)
    return render(request, template, {"form": form, "object": instance, "nav": done.split(":")[-1]})


@system_admin_view
def ministry_create(request):
    return _edit(request, MinistryForm, Ministry(), "control/system/ministry_form.html", "control:ministry_list")


@system_admin_view
def ministry_edit(request, ministry_id):
    ministry = get_object_or_404(Ministry, pk=ministry_id)
    return _edit(request, MinistryForm, ministry, "control/system/ministry_form.html", "control:ministry_list")


@system_admin_view
def agency_list(request):
    agencies = Agency.objects.select_related("ministry").annotate(premise_count=Count("premises"))
    status = request.GET.get("status", "")
    if status in (Agency.ACTIVE, Agency.SUSPENDED):
        agencies = agencies.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        agencies = agencies.filter(name_ms__icontains=query) | agencies.filter(code__icontains=query)
    page = Paginator(agencies.order_by("name_ms"), 50).get_page(request.GET.get("page"))
    return render(request, "control/system/agencies.html",
                  {"page": page, "q": query, "status": status, "nav": "agency_list"})


@system_admin_view
def agency_edit(request, agency_id):
    agency = get_object_or_404(Agency, pk=agency_id)
    return _edit(request, AgencyForm, agency, "control/system/agency_form.html", "control:agency_list")


def _set_status(request, agency_id, status, action, message):
    agency = get_object_or_404(Agency, pk=agency_id)
    if status == Agency.ACTIVE and not active_admins(agency).exists():
        messages.error(request, _("%(name)s has no active administrator: appoint one before reactivating it.")
                       % {"name": agency.name})
        return redirect("control:agency_admins", agency_id=agency.pk)
    if agency.status != status:
        before = snapshot(agency)
        agency.status = status
        agency.save(update_fields=["status"])
        log_action(action, request=request, obj=agency, changes=diff(before, snapshot(agency)))
        messages.success(request, message % {"name": agency.name})
    return redirect("control:agency_list")


@system_admin_view
@require_POST  # inside the login check: anonymous visitors are sent to log in
def agency_suspend(request, agency_id):
    return _set_status(request, agency_id, Agency.SUSPENDED, "suspend",
                       _("%(name)s is suspended: its QR codes and tablets no longer accept ratings."))


@system_admin_view
@require_POST  # inside the login check: anonymous visitors are sent to log in
def agency_reactivate(request, agency_id):
    return _set_status(request, agency_id, Agency.ACTIVE, "reactivate", _("%(name)s is active again."))
