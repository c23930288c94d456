"""The system administrator's queue of agency applications: list, detail, approve, reject."""
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erating.base.catalogue import onboarding
from erating.base.models import Agency, AgencyApplication
from erating.control.views.system import system_admin_view


class ApproveForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Agency code"), max_length=30,
                           help_text=gettext_lazy("Short, unique, lower-case letters, digits and dashes."))
    name_en = forms.CharField(label=gettext_lazy("Agency name (EN)"), max_length=200, required=False)

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        if Agency.objects.filter(code=code).exists():
            raise forms.ValidationError(gettext_lazy("This code is already used by another agency."))
        return code


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (sent to the applicant)"), min_length=10, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))


@system_admin_view
def application_list(request):
    applications = AgencyApplication.objects.select_related("ministry")
    status = request.GET.get("status", AgencyApplication.PENDING)
    if status in dict(AgencyApplication.STATUS_CHOICES):
        applications = applications.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        applications = applications.filter(Q(agency_name__icontains=query) | Q(officer_email__icontains=query) |
                                           Q(officer_name__icontains=query))
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    return render(request, "control/applications/list.html", {
        "page": page, "q": query, "status": status, "statuses": AgencyApplication.STATUS_CHOICES,
        "nav": "applications"})


def _detail(request, application, approve_form=None, reject_form=None, status=200):
    if approve_form is None:
        approve_form = ApproveForm(initial={"code": onboarding.unique_agency_code(application.agency_name),
                                            "name_en": application.agency_name_en})
    similar = AgencyApplication.objects.filter(
        Q(agency_name__iexact=application.agency_name) | Q(officer_email__iexact=application.officer_email)
    ).exclude(pk=application.pk)
    return render(request, "control/applications/detail.html", {
        "application": application, "approve_form": approve_form, "reject_form": reject_form or RejectForm(),
        "similar": similar, "nav": "applications"}, status=status)


@system_admin_view
def application_detail(request, application_id):
    application = get_object_or_404(AgencyApplication.objects.select_related("ministry", "decided_by", "agency"),
                                    pk=application_id)
    return _detail(request, application)


@system_admin_view
@require_POST  # inside the login check: anonymous visitors are sent to log in
def application_approve(request, application_id):
    application = get_object_or_404(AgencyApplication, pk=application_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _detail(request, application, approve_form=form, status=400)
    try:
        agency = onboarding.approve(application, request=request, code=form.cleaned_data["code"],
                                    name_en=form.cleaned_data["name_en"])
    except onboarding.OnboardingError as exc:
        messages.error(request, str(exc))
        return redirect("control:application_detail", application_id=application.pk)
    messages.success(request, _("Approved. %(agency)s was created and %(email)s was invited by e-mail.") % {
        "agency": agency.name, "email": application.officer_email})
    return redirect("control:application_detail", application_id=application.pk)


@system_admin_view
@require_POST  # inside the login check: anonymous visitors are sent to log in
def application_reject(request, application_id):
    application = get_object_or_404(AgencyApplication, pk=application_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, application, reject_form=form, status=400)
    try:
        onboarding.reject(application, request=request, reason=form.cleaned_data["reason"])
    except onboarding.OnboardingError as exc:
        messages.error(request, str(exc))
        return redirect("control:application_detail", application_id=application.pk)
    messages.success(request, _("Rejected. The applicant was told the reason by e-mail."))
    return redirect("control:application_detail", application_id=application.pk)
