"""System administrator: the administrators of an existing agency (appoint, replace, remove) and
the first administrator of an agency added by hand. The rules live in the onboarding service."""
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erating.base.auditlog.log import log_action
from erating.base.catalogue import onboarding
from erating.base.identity import account_key, email_problem
from erating.base.models import Agency, User
from erating.control.views.system import AgencyForm, snapshot, system_admin_view


class AdminFields(forms.Form):
    admin_full_name = forms.CharField(label=gettext_lazy("Administrator's full name"), max_length=150)
    admin_email = forms.EmailField(label=gettext_lazy("Administrator's e-mail"), help_text=gettext_lazy(
        "An invitation to choose a password is sent to this address."))

    def clean_admin_email(self):
        if email_problem(self.cleaned_data["admin_email"]):  # before lower(): it turns the Kelvin sign into k
            raise forms.ValidationError(email_problem(self.cleaned_data["admin_email"]))
        return self.cleaned_data["admin_email"].strip().lower()


class AppointForm(AdminFields):
    replace = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=gettext_lazy("Replaces"),
        empty_label=gettext_lazy("Nobody"),
        help_text=gettext_lazy("“Nobody” adds another administrator. An administrator replaced can no longer "
                               "log in."))

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replace"].queryset = onboarding.active_admins(agency)
        self.fields["replace"].label_from_instance = lambda u: f"{u.full_name} ({u.email})"


class AgencyCreateForm(AgencyForm):
    admin_full_name = AdminFields.base_fields["admin_full_name"]
    admin_email = AdminFields.base_fields["admin_email"]

    def clean_admin_email(self):
        email = AdminFields.clean_admin_email(self)
        if User.objects.filter(email_key=account_key(email)).exists():
            raise forms.ValidationError(_("This e-mail address already has an eRating account. Use another address."))
        return email


def _mail_message(request, user, sent):
    if sent:
        messages.success(request, _("%(name)s is now an administrator. An invitation was sent to %(email)s.")
                         % {"name": user.full_name, "email": user.email})
    else:
        messages.error(request, _("%(name)s is now an administrator, but the e-mail could not be sent. "
                                  "Appoint the same address again later to resend it.") % {"name": user.full_name})


@system_admin_view
def agency_create(request):
    form = AgencyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            agency = onboarding.create_agency(**{k: data[k] for k in ("ministry", "code", "name_ms", "name_en")})
            log_action("create", request=request, obj=agency,
                       changes={k: [None, v] for k, v in snapshot(agency).items() if v not in (None, "")})
            user, sent = onboarding.appoint_admin(agency, email=data["admin_email"],
                                                  full_name=data["admin_full_name"], request=request)
        _mail_message(request, user, sent)
        return redirect("control:agency_admins", agency_id=agency.pk)
    return render(request, "control/system/agency_form.html", {"form": form, "object": Agency(), "nav": "agency_list"})


@system_admin_view
def agency_admins(request, agency_id):
    agency = get_object_or_404(Agency, pk=agency_id)
    form = AppointForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            user, sent = onboarding.appoint_admin(agency, email=form.cleaned_data["admin_email"],
                                                  full_name=form.cleaned_data["admin_full_name"],
                                                  replace=form.cleaned_data["replace"], request=request)
        except onboarding.OnboardingError as error:
            form.add_error(None, str(error))
        else:
            _mail_message(request, user, sent)
            return redirect("control:agency_admins", agency_id=agency.pk)
    return render(request, "control/system/agency_admins.html", {
        "agency": agency, "admins": onboarding.active_admins(agency), "form": form, "nav": "agency_list"})


@system_admin_view
@require_POST  # inside the login check: anonymous visitors are sent to log in
def agency_admin_remove(request, agency_id, user_id):
    agency = get_object_or_404(Agency, pk=agency_id)
    person = get_object_or_404(User.scoped, pk=user_id, agency=agency, role=User.AGENCY_ADMIN)
    try:
        onboarding.remove_admin(agency, person, request=request)
    except onboarding.OnboardingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is no longer an administrator of this agency.") % {"name": person.full_name})
    return redirect("control:agency_admins", agency_id=agency.pk)
