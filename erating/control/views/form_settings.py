"""The agency's rating form: smiley count, captions, follow-up reasons, comment/contact,
thank-you message and logo. Every change is audit-logged with before/after."""
import secrets

from django.contrib import messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from erating.base.models import Agency, FollowUpReason, ScoreCaption
from erating.base.portal_content import figures
from erating.base.services.audit import diff, log_action
from erating.base.services.catalogue import snapshot

from ..forms_admin import AgencySettingsForm, CaptionsForm, LogoForm, ReasonForm
from ..permissions import MANAGERS, role_required
from .admin_common import acting_agency

SETTINGS_FIELDS = AgencySettingsForm.Meta.fields


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
    before = snapshot(agency, SETTINGS_FIELDS)
    form = AgencySettingsForm(request.POST, instance=agency)
    if not form.is_valid():
        return _page(request, agency, status=400, settings_form=form)
    form.save()
    changes = diff(before, snapshot(agency, SETTINGS_FIELDS))
    if changes:
        log_action("agency.form_settings", request=request, obj=agency, changes=changes)
        if "public_results_named" in changes:
            figures.forget()  # the public results stop (or start) naming the agency at once
    messages.success(request, _("Rating form settings saved."))
    return _back(agency, request)


@transaction.atomic
def _save_captions(request, agency):
    captions = {c.score: c for c in ScoreCaption.objects.filter(agency=agency)}
    form = CaptionsForm(request.POST, captions=captions)
    if not form.is_valid():
        return _page(request, agency, status=400, captions_form=form)
    changes = {}
    for score in range(1, 6):
        new = (form.cleaned_data[f"caption_ms_{score}"], form.cleaned_data[f"caption_en_{score}"])
        current = captions.get(score)
        old = (current.caption_ms, current.caption_en) if current else (None, None)
        if new != old:
            ScoreCaption.objects.update_or_create(agency=agency, score=score,
                                                  defaults={"caption_ms": new[0], "caption_en": new[1]})
            changes[f"caption_{score}"] = [list(old), list(new)]
    if changes:
        log_action("agency.captions", request=request, obj=agency, changes=changes)
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
        top = FollowUpReason.objects.filter(agency=agency).aggregate(m=Max("position"))["m"]
        reason = form.save(commit=False)
        reason.agency, reason.position = agency, (top or 0) + 1
        reason.save()
        log_action("reason.create", request=request, obj=reason, changes=diff({}, _reason_state(reason)))
        messages.success(request, _("Reason added."))
        return _back(agency, request)
    reason = get_object_or_404(FollowUpReason.objects.filter(agency=agency), pk=request.POST.get("reason") or 0)
    before = _reason_state(reason)
    if action == "save":
        form = ReasonForm(request.POST, instance=reason)
        if not form.is_valid():
            messages.error(request, _("A reason needs both the BM and the EN text (at most 120 characters)."))
            return _back(agency, request)
        form.save()
    elif action in ("activate", "deactivate"):
        reason.active = action == "activate"
        reason.save(update_fields=["active"])
    elif action in ("up", "down"):
        _move(agency, reason, -1 if action == "up" else 1)
    else:
        return _back(agency, request)
    reason.refresh_from_db()
    changes = diff(before, _reason_state(reason))
    if changes:
        log_action(f"reason.{action}", request=request, obj=reason, changes=changes)
    messages.success(request, _("Reasons saved."))
    return _back(agency, request)


def _reason_state(reason):
    return snapshot(reason, ("text_ms", "text_en", "position", "active"))


@transaction.atomic
def _move(agency, reason, step):
    """Renumber 0..n in the current order, then swap with the neighbour."""
    ordered = list(FollowUpReason.objects.filter(agency=agency).order_by("position", "id"))
    i = ordered.index(reason)
    j = i + step
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@role_required(*MANAGERS)
def form_logo(request):
    agency = _agency(request)
    if agency is None or request.method != "POST":
        return redirect("control:form_settings")
    before = agency.logo.name or None
    if request.POST.get("remove"):
        agency.logo = ""
        agency.save(update_fields=["logo"])
    else:
        form = LogoForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, agency, status=400, logo_form=form)
        logo = form.cleaned_data["logo"]
        name = f"{agency.code}-{secrets.token_hex(6)}.{logo['ext']}"
        agency.logo.save(name, ContentFile(logo["data"]), save=False)
        agency.save(update_fields=["logo"])
    log_action("agency.logo", request=request, obj=agency, changes={"logo": [before, agency.logo.name or None]})
    messages.success(request, _("Logo saved."))
    return _back(agency, request)
