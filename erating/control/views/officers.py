"""Staff accounts of an agency: counter officers and premise supervisors."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erating.base.auditlog.log import log_action
from erating.base.catalogue import officers as staff
from erating.base.models import Agency, Premise, Target, User
from erating.control.forms_admin import CountersForm, PinForm, StaffForm
from erating.control.permissions import MANAGERS, role_required
from erating.control.views.admin_common import acting_agency, safe_next, toggled, wanted_active


def _get_staff(user_id):
    return get_object_or_404(User.scoped.filter(role__in=staff.STAFF_ROLES).select_related("agency"), pk=user_id)


@role_required(*MANAGERS)
def officer_list(request):
    people = User.scoped.filter(role__in=staff.STAFF_ROLES).select_related("agency", "officer_target__premise")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    role = request.GET.get("role", "")
    if role in staff.STAFF_ROLES:
        people = people.filter(role=role)
    premise_id = request.GET.get("premise", "")
    if premise_id.isdigit():
        people = people.filter(Q(officer_target__premise_id=int(premise_id)) | Q(premises=int(premise_id))).distinct()
    status = request.GET.get("status", "")
    if status in ("active", "inactive"):
        people = people.filter(is_active=status == "active")
    if status == "pending":
        people = staff.pending_invitations(people)
    page = Paginator(people.order_by("full_name", "pk"), 25).get_page(request.GET.get("page"))
    return render(request, "control/officers/list.html", {
        "page": page, "q": query, "role": role, "premise_id": premise_id, "status": status,
        "premises": Premise.objects.order_by("name").only("pk", "name"), "nav": "officers"})


@role_required(*MANAGERS)
def officer_create(request):
    agency = acting_agency(request)
    form = StaffForm(request.POST or None, agency=agency, initial={"role": request.GET.get("role", User.OFFICER)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = staff.create_staff(
            agency if agency else _agency_of(form), email=data["email"], full_name=data["full_name"],
            staff_number=data["staff_number"], role=data["role"], language=data["language"], home_premise=data["home_premise"],
            premises=data["premises"], counters=data["counters"], request=request)
        if staff.send_link(user, staff.INVITE, request=request):
            messages.success(request, _("Account created. An invitation was sent to %(email)s.") % {"email": user.email})
        else:
            messages.error(request, _("Account created, but the invitation e-mail could not be sent. "
                                      "Use “Resend invitation” later."))
        return redirect("control:officer_detail", user_id=user.pk)
    return render(request, "control/officers/form.html", {"form": form, "nav": "officers"})


def _agency_of(form):
    # A system administrator not viewing as an agency: the chosen premises decide the agency.
    return Agency.objects.get(pk=form.agency_id)


@role_required(*MANAGERS)
def officer_detail(request, user_id):
    person = _get_staff(user_id)
    return render(request, "control/officers/detail.html", {
        "person": person, "target": Target.objects.filter(officer=person).select_related("premise").first(),
        "counters": person.counter_links.select_related("counter__premise"),
        "pin_form": PinForm(), "nav": "officers"})


@role_required(*MANAGERS)
def officer_edit(request, user_id):
    person = _get_staff(user_id)
    before = staff.snapshot(person)
    form = StaffForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff.update_staff(form.save(commit=False), before, home_premise=data.get("home_premise"),
                           premises=data.get("premises") if person.role == User.SUPERVISOR else None, request=request)
        messages.success(request, _("Saved."))
        return redirect("control:officer_detail", user_id=person.pk)
    return render(request, "control/officers/form.html", {"form": form, "person": person, "nav": "officers"})


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@role_required(*MANAGERS)
def officer_toggle(request, user_id):
    person = _get_staff(user_id)
    if refused := _post_only(request):
        return refused
    changed = staff.set_active(person, wanted_active(request), request=request)
    return toggled(request, person, changed, next_url=safe_next(request, reverse("control:officer_list")),
                   toggle_url=reverse("control:officer_toggle", args=[person.pk]))


@role_required(*MANAGERS)
def officer_send_link(request, user_id, kind):
    person = _get_staff(user_id)
    if refused := _post_only(request):
        return refused
    if not person.is_active:
        messages.error(request, _("This account is inactive. Activate it first."))
    elif staff.send_link(person, kind, request=request):
        messages.success(request, _("An e-mail with a link to set the password was sent to %(email)s.")
                         % {"email": person.email})
    else:
        messages.error(request, _("The e-mail could not be sent. Please try again later."))
    return redirect("control:officer_detail", user_id=person.pk)


def officer_resend(request, user_id):
    return officer_send_link(request, user_id, staff.INVITE)


def officer_reset(request, user_id):
    return officer_send_link(request, user_id, staff.RESET)


@role_required(*MANAGERS)
def officer_resend_pending(request):
    if refused := _post_only(request):
        return refused
    people = list(staff.pending_invitations(User.scoped.filter(role__in=staff.STAFF_ROLES)).select_related("agency"))
    sent = staff.queue_links(people)
    log_action("user.invite_pending_sent", request=request, agency=acting_agency(request),
               changes={"count": [None, len(people)]})
    if sent is None:
        messages.success(request, _("%(n)s invitations are being sent in the background.") % {"n": len(people)})
    else:
        messages.success(request, ngettext("%(n)s invitation was sent.", "%(n)s invitations were sent.", sent) % {"n": sent})
    return redirect("control:officer_list")


@role_required(*MANAGERS)
def officer_pin(request, user_id):
    person = _get_staff(user_id)
    if refused := _post_only(request):
        return refused
    form = PinForm(request.POST)
    if form.is_valid():
        staff.set_pin(person, form.cleaned_data["pin"], request=request)
        messages.success(request, _("The kiosk PIN was changed."))
        return redirect("control:officer_detail", user_id=person.pk)
    return render(request, "control/officers/detail.html", {
        "person": person, "target": Target.objects.filter(officer=person).first(),
        "counters": person.counter_links.select_related("counter__premise"), "pin_form": form, "nav": "officers"},
        status=400)


@role_required(*MANAGERS)
def officer_counters(request, user_id):
    person = _get_staff(user_id)
    if person.role != User.OFFICER:
        messages.error(request, _("Only counter officers are assigned to counters."))
        return redirect("control:officer_detail", user_id=person.pk)
    form = CountersForm(request.POST or None, officer=person)
    if request.method == "POST" and form.is_valid():
        staff.assign_counters(person, form.cleaned_data["counters"], request=request)
        messages.success(request, _("Counters saved."))
        return redirect("control:officer_detail", user_id=person.pk)
    return render(request, "control/officers/counters.html", {"form": form, "person": person, "nav": "officers"})
