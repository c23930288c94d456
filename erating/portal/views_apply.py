"""The public application form for agencies that want to join eRating.

Spam guards, cheapest first: a honeypot field people never see (bots that fill it get the normal
"thank you" page and nothing is stored), a per-address limit kept in the cache, and duplicate
detection against applications still waiting for review."""
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from erating.base.catalogue import onboarding
from erating.base.identity import client_ip
from erating.base.ingest import limits
from erating.base.models import AgencyApplication, Ministry

HONEYPOT = "website"


class ApplicationForm(forms.ModelForm):
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    consent = forms.BooleanField(
        required=True, label=_("I confirm the details are correct and agree that eRating may use them to "
                               "process this application and contact me about it."),
        error_messages={"required": _("Please tick the box to give your consent; we cannot process the "
                                      "application without it.")})

    class Meta:
        model = AgencyApplication
        fields = ["agency_name", "agency_name_en", "ministry", "premises_planned", "medium", "officer_name",
                  "officer_position", "officer_email", "officer_phone", "consent"]
        labels = {"agency_name": _("Agency or department name"), "medium": _("How customers will rate")}
        help_texts = {
            "agency_name": _("The full official name, e.g. Jabatan Pendaftaran Negara."),
            "premises_planned": _("How many offices or branches will use eRating at first."),
            "officer_phone": _("An office or mobile number, e.g. 03-8880 8000."),
        }
        error_messages = {
            "agency_name": {"required": _("Enter the name of the agency.")},
            "ministry": {"required": _("Choose the ministry the agency belongs to."),
                         "invalid_choice": _("Choose a ministry from the list.")},
            "premises_planned": {"required": _("Enter how many premises will use eRating."),
                                 "invalid": _("Enter the number of premises as a whole number, e.g. 12.")},
            "officer_name": {"required": _("Enter the name of the officer in charge.")},
            "officer_position": {"required": _("Enter the officer's position.")},
            "officer_email": {"required": _("Enter the officer's e-mail address."),
                              "invalid": _("Enter a valid e-mail address, e.g. nama@agensi.gov.my.")},
            "officer_phone": {"required": _("Enter the officer's phone number.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ministry"].queryset = Ministry.objects.order_by("name_ms")
        self.fields["ministry"].empty_label = _("Choose a ministry")
        planned = self.fields["premises_planned"]
        planned.widget.attrs.update(min=1, max=10000)
        # The model's "≥ 0" bound would speak before our 1 to 10,000 rule: one clear message instead.
        planned.validators = [v for v in planned.validators
                              if not isinstance(v, (MinValueValidator, MaxValueValidator))]

    def clean_premises_planned(self):
        value = self.cleaned_data["premises_planned"]
        if not 1 <= value <= 10000:
            raise forms.ValidationError(_("Enter a number between 1 and 10,000."))
        return value

    def clean_officer_phone(self):
        phone = self.cleaned_data["officer_phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if not 9 <= len(digits) <= 15 or any(c not in "0123456789+-() " for c in phone):
            raise forms.ValidationError(_("Enter a phone number of 9 to 15 digits, e.g. 03-8880 8000."))
        return phone

    def clean(self):
        data = super().clean()
        if data.get("agency_name") and data.get("officer_email"):
            message = onboarding.duplicate_message(data["agency_name"], data["officer_email"])
            if message:
                raise forms.ValidationError(message, code="duplicate")
        return data


@never_cache
def apply(request):
    if not limits.public_allowed(request, "apply"):
        return render(request, "portal/apply.html", {"form": ApplicationForm(), "busy": True}, status=429)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return redirect("portal:apply_done")
        if form.is_valid():
            ip = client_ip(request) or None
            # Only complete applications count, so someone correcting typing errors is never blocked.
            if onboarding.over_rate_limit(ip):
                return render(request, "portal/apply.html", {"form": form, "limited": True}, status=429)
            data = {k: v for k, v in form.cleaned_data.items() if k != HONEYPOT}
            onboarding.submit(data, request=request, ip=ip)
            return redirect("portal:apply_done")
    return render(request, "portal/apply.html", {"form": form}, status=400 if form.errors else 200)


def apply_done(request):
    return render(request, "portal/apply_done.html")
