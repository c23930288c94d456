"""The agency's follow-up settings: service levels, retention of contact details and the alert
rules. Agency administrators (and a system administrator viewing as the agency); audited."""
from django import forms
from django.contrib import messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erating.base.auditlog.log import diff, log_action
from erating.base.followup.alerts import ensure_rules
from erating.base.models import Agency, AlertRule
from erating.control.permissions import MANAGERS, role_required
from erating.control.views.admin_common import acting_agency


def bounds(top):
    return [MinValueValidator(1), MaxValueValidator(top)]


class LevelsForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["ack_days", "resolve_days", "contact_retention_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, top in (("ack_days", 60), ("resolve_days", 120), ("contact_retention_days", 3650)):
            self.fields[name].widget.attrs.update({"min": 1, "max": top})
            self.fields[name].validators += bounds(top)

    def clean(self):
        data = super().clean()
        if data.get("ack_days") and data.get("resolve_days") and data["resolve_days"] < data["ack_days"]:
            self.add_error("resolve_days", _("Resolving cannot be due before acknowledging."))
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["active", "threshold", "window_minutes", "min_ratings"]

    HELP = {
        AlertRule.LOW_SHARE: gettext_lazy("Threshold: share of low ratings (%) within the window."),
        AlertRule.CSAT_DAY: gettext_lazy("Threshold: satisfaction index (%) below which a day is an alert."),
        AlertRule.DROP: gettext_lazy("Threshold: points below the same weekday's usual satisfaction index."),
        AlertRule.KIOSK: gettext_lazy("Threshold: minutes of silence within opening hours; "
                                      "at least this many ratings: offline queue length."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        self.fields["threshold"].help_text = self.HELP[kind]
        top = 100 if kind != AlertRule.KIOSK else 1440
        self.fields["threshold"].validators += bounds(top)
        self.fields["window_minutes"].validators += bounds(1440)
        self.fields["min_ratings"].validators += bounds(1000)
        if kind in (AlertRule.DROP, AlertRule.KIOSK):
            del self.fields["window_minutes"]  # the day so far / since last heard: no window to set


def _snapshot(obj, fields):
    return {f: getattr(obj, f) for f in fields}


@role_required(*MANAGERS)
def followup_settings(request):
    agency = acting_agency(request)
    if agency is None:
        raise Http404
    rules = ensure_rules(agency)
    before = _snapshot(agency, LevelsForm.Meta.fields)  # validation writes into the instance
    bound = request.method == "POST"
    levels = LevelsForm(request.POST if bound else None, instance=agency)
    rule_forms = [(rule, RuleForm(request.POST if bound else None, instance=rule, prefix=rule.kind))
                  for rule in rules]
    if bound and levels.is_valid() and all(f.is_valid() for _r, f in rule_forms):
        levels.save()
        changes = diff(before, _snapshot(agency, LevelsForm.Meta.fields))
        if changes:
            log_action("followup.settings", request=request, obj=agency, changes=changes)
        for rule, form in rule_forms:
            fields = list(form.fields)
            old = _snapshot(AlertRule.objects.get(pk=rule.pk), fields)
            form.save()
            changes = diff(old, _snapshot(rule, fields))
            if changes:
                log_action("alert.rule", request=request, agency=agency, obj=rule, changes=changes)
        messages.success(request, _("The follow-up settings were saved."))
        return redirect("control:followup_settings")
    return render(request, "control/followup/settings.html",
                  {"levels": levels, "rule_forms": rule_forms, "agency": agency, "nav": "followup_settings"},
                  status=400 if bound else 200)
