"""Tablets: the kiosk devices of the agency, their pairing codes, and revocation.

Everything is fetched through the scoped managers, so another agency's device or code is a 404.
"""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erating.base.catalogue import devices
from erating.base.models import Device, PairingCode, Premise, Target
from erating.control.permissions import MANAGERS, role_required


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.premise.name} — {obj.display_name} ({obj.get_kind_display()})"


class PairingForm(forms.Form):
    premise = forms.ModelChoiceField(label=gettext_lazy("Premise"), queryset=Premise.objects.none())
    target = TargetChoiceField(
        label=gettext_lazy("Fixed to a counter or officer"), required=False, queryset=Target.objects.none(),
        empty_label=gettext_lazy("Not fixed: the officer on duty chooses the counter"),
        help_text=gettext_lazy("Optional. A fixed tablet rates only this counter or officer."))

    def __init__(self, *args, premise=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated inside the request's scope: only this agency's premises and targets, and of
        # those only the chosen premise's counters and officers (not every premise's: a long list).
        self.fields["premise"].queryset = Premise.objects.filter(active=True)
        targets = (Target.objects.filter(active=True, kind__in=devices.KIOSK_TARGET_KINDS)
                   .select_related("premise").order_by("kind", "name"))
        if premise is not None:
            self.fields["premise"].initial = premise.pk
            self.fields["target"].queryset = targets.filter(premise=premise)
        else:
            self.fields["target"].help_text = gettext_lazy("Choose the premise first: its counters and officers "
                                                           "are listed here.")

    def clean(self):
        data = super().clean()
        premise, target = data.get("premise"), data.get("target")
        if premise and target and target.premise_id != premise.pk:
            self.add_error("target", _("This counter or officer is not at the chosen premise."))
        return data


def _chosen_premise(request, premise_id):
    """The premise whose targets the form lists: the one chosen in the form, else the URL's."""
    from_url = get_object_or_404(Premise.objects, pk=premise_id) if premise_id else None
    value = (request.POST if request.method == "POST" else request.GET).get("premise", "")
    chosen = Premise.objects.filter(pk=int(value), active=True).first() if value.isdigit() else None
    return chosen or from_url


@role_required(*MANAGERS)
def device_list(request):
    now = timezone.now()
    device_rows = [(d, devices.device_status(d, now))
                   for d in Device.objects.select_related("premise", "target", "agency")]
    pending = (PairingCode.objects.select_related("premise", "target")
               .filter(used_at__isnull=True, expires_at__gt=now).order_by("-created_at"))
    return render(request, "control/devices/list.html",
                  {"device_rows": device_rows, "pending": pending, "nav": "devices"})


@role_required(*MANAGERS)
def pairing_create(request, premise_id=None):
    premise = _chosen_premise(request, premise_id)
    if request.method == "POST" and "show_targets" in request.POST:
        # Without JavaScript, "Show its counters" posts the premise only: list its targets, no errors.
        form = PairingForm(premise=premise)
    else:
        form = PairingForm(request.POST or None, premise=premise)
    if request.method == "POST" and form.is_bound and form.is_valid():
        pairing = devices.create_pairing_code(form.cleaned_data["premise"], target=form.cleaned_data["target"],
                                              request=request)
        return redirect("control:pairing_detail", pairing_id=pairing.pk)
    return render(request, "control/devices/pairing_form.html", {"form": form, "nav": "devices"})


@role_required(*MANAGERS)
def pairing_detail(request, pairing_id):
    pairing = get_object_or_404(PairingCode.objects.select_related("premise", "target"), pk=pairing_id)
    context = {"pairing": pairing, "status": devices.pairing_status(pairing), "nav": "devices",
               "kiosk_url": request.build_absolute_uri("/kiosk/")}
    return render(request, "control/devices/pairing_detail.html", context)


@role_required(*MANAGERS)
@require_POST
def pairing_cancel(request, pairing_id):
    pairing = get_object_or_404(PairingCode.objects, pk=pairing_id)
    devices.cancel_pairing_code(pairing, request=request)
    messages.success(request, _("The pairing code was cancelled."))
    return redirect("control:device_list")


@role_required(*MANAGERS)
def device_revoke(request, device_id):
    device = get_object_or_404(Device.objects.select_related("premise", "target"), pk=device_id)
    if request.method == "POST":
        devices.revoke(device, request=request)
        messages.success(request, _("The tablet “%(name)s” was revoked. It must be paired again.") % {"name": device.name})
        return redirect("control:device_list")
    return render(request, "control/devices/revoke.html", {"device": device, "nav": "devices"})
