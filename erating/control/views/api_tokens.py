"""An agency administrator's read-only API tokens: issue (the token is shown once), list, revoke."""
from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erating.base.models import Agency, ApiToken, User
from erating.base.reports import api_tokens

from ..permissions import role_required


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
