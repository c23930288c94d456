"""The agency's rating form: smiley count, captions, follow-up reasons, comment/contact,
thank-you message and logo. The views validate; erating.base.form_settings saves and audits."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from erating.base import form_settings as service
from erating.base.models import Agency, FollowUpReason, ScoreCaption
from erating.control.forms_admin import AgencySettingsForm, CaptionsForm, LogoForm, ReasonForm
from erating.control.permissions import MANAGERS, role_required
from erating.control.views.admin_common import acting_agency


def _agency(request):
    """The admin's agency; a system administrator picks one with ?agency= (or views as one)."""
    agency = acting_agency(request)
    if agency is None and request.user.is_system_admin and request.GET.get("agency", "").isdigit():
        agency = get_object_or_404(Agency.objects.all(), pk=int(request.GET["agency"]))
    return agency


def _back(agency, request):
    url = reverse("control:form_settings")
    return redirect(url + (f"?agency={agency.pk}" if not request.user.agency_id else ""))


def _page(request, agency, status=200, **forms):
    captions = {c.score: c for c in ScoreCaption.objects.filter(agency=agency)}
    context = {
        "agency": agency, "nav": "form_settings",
        "agency_query": f"?agency={agency.pk}" if not request.user.agency_id else "",
        "settings_form": forms.get("settings_form") or AgencySettingsForm(instance=agency),
        "captions_form": forms.get("captions_form") or CaptionsForm(captions=captions),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "logo_form": forms.get("logo_form") or LogoForm(),
        "reasons": FollowUpReason.objects.filter(agency=agency).order_by("position", "id"),
    }
    return render(request, "control/form_settings/page.html", context, status=status)


@role_required(*MANAGERS)
def form_settings(request):
    agency = _agency(request)
    if agency is None:
        return render(request, "control/form_settings/choose.html",
                      {"agencies": Agency.objects.all(), "nav": "form_settings"})
    if request.method != "POST":
        return _page(request, agency)
    if request.POST.get("section") == "captions":
        return _save_captions(request, agency)
    form = AgencySettingsForm(request.POST, instance=agency)
    if not form.is_valid():
        return _page(request, agency, status=400, settings_form=form)
    service.save_settings(agency, form, request=request)
    messages.success(request, _("Rating form settings saved."))
    return _back(agency, request)


def _save_captions(request, agency):
    captions = {c.score: c for c in ScoreCaption.objects.filter(agency=agency)}
    form = CaptionsForm(request.POST, captions=captions)
    if not form.is_valid():
        return _page(request, agency, status=400, captions_form=form)
    service.save_captions(agency, form.captions(), request=request)
    messages.success(request, _("Captions saved."))
    return _back(agency, request)


@role_required(*MANAGERS)
def form_reasons(request):
    agency = _agency(request)
    if agency is None or request.method != "POST":
        return redirect("control:form_settings")
    action = request.POST.get("action", "")
    if action == "add":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return _page(request, agency, status=400, reason_form=form)
        service.add_reason(agency, form.save(commit=False), request=request)
        messages.success(request, _("Reason added."))
        return _back(agency, request)
    reason = get_object_or_404(FollowUpReason.objects.filter(agency=agency), pk=request.POST.get("reason") or 0)
    if action not in service.REASON_ACTIONS:
        return _back(agency, request)
    form = ReasonForm(request.POST, instance=reason) if action == "save" else None
    if form is not None and not form.is_valid():
        messages.error(request, _("A reason needs both the BM and the EN text (at most 120 characters)."))
        return _back(agency, request)
    service.change_reason(agency, reason, action, form=form, request=request)
    messages.success(request, _("Reasons saved."))
    return _back(agency, request)


@role_required(*MANAGERS)
def form_logo(request):
    agency = _agency(request)
    if agency is None or request.method != "POST":
        return redirect("control:form_settings")
    if request.POST.get("remove"):
        service.save_logo(agency, None, request=request)
    else:
        form = LogoForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, agency, status=400, logo_form=form)
        service.save_logo(agency, form.cleaned_data["logo"], request=request)
    messages.success(request, _("Logo saved."))
    return _back(agency, request)
