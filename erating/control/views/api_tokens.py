"""An agency administrator's report settings and read-only API tokens: issue (the token is shown
once), list, revoke."""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erating.base.auditlog.log import log_action
from erating.base.models import Agency, ApiToken, ReportSettings, User
from erating.base.reports import api_tokens
from erating.control.permissions import role_required


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name (which system uses it)"), max_length=100)


@role_required(User.AGENCY_ADMIN)
def token_list(request):
    form, issued = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        agency = get_object_or_404(Agency, pk=request.user.agency_id)
        _record, issued = api_tokens.issue(agency, form.cleaned_data["name"], request=request)
        form = TokenForm()
    return render(request, "control/reports/api_tokens.html", {
        "form": form, "issued": issued, "tokens": ApiToken.objects.all(), "nav": "reports"})


@role_required(User.AGENCY_ADMIN)
@require_POST
def token_revoke(request, token_id):
    record = get_object_or_404(ApiToken, pk=token_id, revoked_at__isnull=True)
    api_tokens.revoke(record, request=request)
    return redirect("control:token_list")


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["charter_promise"]


@role_required(User.AGENCY_ADMIN)
def report_settings(request):
    """The agency's client charter promise (share of satisfied ratings it commits to)."""
    agency = get_object_or_404(Agency, pk=request.user.agency_id)
    current = ReportSettings.objects.filter(agency=agency).first() or ReportSettings(agency=agency)
    before = current.charter_promise if current.pk else None
    form = ReportSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        log_action("update", request=request, agency=agency, obj=saved,
                   changes={"charter_promise": [before, saved.charter_promise]})
        messages.success(request, _("Report settings saved."))
        return redirect("control:report_settings")
    return render(request, "control/reports/settings.html", {"form": form, "nav": "reports"})
