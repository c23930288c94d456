"""Follow-up inbox and cases: thin views over erating.base.followup.cases.

Officers have no inbox; supervisors see their premises' low ratings, agency administrators
their agency's (the request scope decides). Another agency's or premise's ids answer 404.
"""
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erating.base import labels
from erating.base.followup import cases, wedid
from erating.base.ingest.text import clean_text
from erating.base.models import Alert, Case, CaseEvent, FollowUpReason, Premise, Rating, Target, User
from erating.control.permissions import ANALYSTS, role_required

STATUS_FILTERS = [("", gettext_lazy("Any")), ("none", gettext_lazy("No case yet")), ("open", gettext_lazy("Open")),
                  ("overdue", gettext_lazy("Overdue"))] + Case.STATUS_CHOICES


class InboxFilter(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    premise = forms.ModelChoiceField(label=gettext_lazy("Premise"), required=False, queryset=Premise.objects.none(),
                                     empty_label=gettext_lazy("All premises"))
    target = forms.ModelChoiceField(label=gettext_lazy("Rated"), required=False, queryset=Target.objects.none(),
                                    empty_label=gettext_lazy("All"))
    officer = forms.ModelChoiceField(label=gettext_lazy("Officer"), required=False, queryset=User.objects.none(),
                                     empty_label=gettext_lazy("All officers"))
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False,
                                choices=[("", gettext_lazy("All"))] + Rating.CHANNEL_CHOICES)
    status = forms.ChoiceField(label=gettext_lazy("Case"), required=False, choices=STATUS_FILTERS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated in the request's scope: only premises, targets and officers the viewer may see.
        self.fields["premise"].queryset = Premise.objects.all()
        self.fields["target"].queryset = Target.objects.select_related("premise").exclude(kind=Target.OFFICER)
        self.fields["officer"].queryset = User.scoped.filter(role=User.OFFICER)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Assign to"), required=False, queryset=User.objects.none(),
                                      empty_label=gettext_lazy("Nobody"))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = cases.workers(case)
        # Namesakes told apart: the staff number or the e-mail's first part beside the name.
        self.fields["assignee"].label_from_instance = lambda u: labels.officer_label(
            u.full_name, staff_number=u.staff_number, email=u.email)


class NoteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Internal note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        text = clean_text(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("This field is required."))
        return text


class ReplyForm(NoteForm):
    text = forms.CharField(label=gettext_lazy("Reply to the customer"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=gettext_lazy("Sent by e-mail from the system, with a greeting and "
                                                  "signature in the customer's language."))


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome of the call"), choices=cases.CALL_OUTCOMES)
    text = forms.CharField(label=gettext_lazy("What was said"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Case.STATUS_CHOICES)
    text = forms.CharField(max_length=2000, required=False)
    # "You said, we did": only with closing; reviewed by the agency administrator before it is public.
    public_line = forms.CharField(max_length=400, required=False)


def _change_status(request, case, data):
    if data["status"] == Case.CLOSED:
        return wedid.close(case, user=request.user, request=request, text=data["text"],
                           public_line=data["public_line"])
    return cases.change_status(case, data["status"], user=request.user, request=request, text=data["text"])


def _reasons(agency_ids):
    return {r.pk: r.text for r in FollowUpReason.objects.filter(agency_id__in=agency_ids)}


@role_required(*ANALYSTS)
def inbox(request):
    form = InboxFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    ratings = cases.inbox(filters) if form.is_valid() or not form.is_bound else Rating.objects.none()
    page = Paginator(ratings, 25).get_page(request.GET.get("page"))
    reasons = _reasons({r.agency_id for r in page})
    rows = [{"rating": r, "case": getattr(r, "case", None), "overdue": r.overdue,
             "reasons": [reasons.get(i, "?") for i in r.reasons]} for r in page]
    return render(request, "control/followup/inbox.html", {
        "form": form, "page": page, "rows": rows, "figures": cases.deadline_figures(), "nav": "followup",
        "open_alerts": Alert.objects.filter(status=Alert.OPEN).count()})


@role_required(*ANALYSTS)
@require_POST
def case_open(request, rating_id):
    rating = get_object_or_404(cases.low_ratings().select_related("agency", "premise"), pk=rating_id)
    if request.user.role == User.SYSTEM_ADMIN:
        messages.error(request, _("You may not work on this case."))
        return redirect("control:followup_inbox")
    case = cases.open_case(rating, user=request.user, request=request)
    return redirect("control:case_detail", case_id=case.pk)


def _case(case_id):
    return get_object_or_404(Case.objects.select_related("rating__target", "rating__officer", "premise", "agency",
                                                         "assignee"), pk=case_id)


def _event_detail(event):
    """What a history line adds after its kind, in the reader's language."""
    if event.kind == CaseEvent.STATUS:
        return dict(Case.STATUS_CHOICES).get(event.data.get("to"), "")
    if event.kind == CaseEvent.ASSIGNED:
        return event.data.get("name") or _("Nobody")
    if event.kind == CaseEvent.CALL:
        return dict(cases.CALL_OUTCOMES).get(event.data.get("outcome"), "")
    if event.kind == CaseEvent.EMAIL:
        return _("sent") if event.data.get("sent") else _("waiting to be sent")
    return ""


@role_required(*ANALYSTS)
def case_detail(request, case_id, forms_=None):
    case = _case(case_id)
    may_work = cases.can_work(request.user, case) and case.status != Case.CLOSED
    forms_ = forms_ or {}
    reason_texts = _reasons([case.agency_id])
    context = {
        "case": case, "rating": case.rating, "nav": "followup", "may_work": may_work,
        "overdue": cases.is_overdue(case), "now": timezone.now(),
        "contact_visible": cases.contact_visible(request.user, case),
        "reasons": [reason_texts.get(i, "?") for i in case.rating.reasons],
        "events": [(e, _event_detail(e)) for e in case.events.select_related("author")],
        "next_statuses": [(s, dict(Case.STATUS_CHOICES)[s]) for s in cases.TRANSITIONS[case.status]],
        "assign_form": forms_.get("assign") or AssignForm(case=case, initial={"assignee": case.assignee_id}),
        "note_form": forms_.get("note") or NoteForm(prefix="note"),
        "reply_form": forms_.get("reply") or ReplyForm(prefix="reply"),
        "call_form": forms_.get("call") or CallForm(prefix="call"),
    }
    return render(request, "control/followup/case.html", context, status=400 if forms_ else 200)


def _act(request, case_id, name, form_class, action, done_message, **form_kwargs):
    case = _case(case_id)
    form = form_class(request.POST, **form_kwargs, **({"case": case} if form_class is AssignForm else {}))
    if form.is_valid():
        try:
            action(case, form.cleaned_data)
        except cases.CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done_message)
        return redirect("control:case_detail", case_id=case.pk)
    return case_detail(request, case_id, forms_={name: form})


@role_required(*ANALYSTS)
@require_POST
def case_status(request, case_id):
    return _act(request, case_id, "status", StatusForm,
                lambda c, d: _change_status(request, c, d), _("The case status was changed."))


@role_required(*ANALYSTS)
@require_POST
def case_assign(request, case_id):
    return _act(request, case_id, "assign", AssignForm,
                lambda c, d: cases.assign(c, d["assignee"], user=request.user, request=request),
                _("The case was assigned."))


@role_required(*ANALYSTS)
@require_POST
def case_note(request, case_id):
    return _act(request, case_id, "note", NoteForm,
                lambda c, d: cases.add_note(c, d["text"], user=request.user, request=request),
                _("The note was added."), prefix="note")


@role_required(*ANALYSTS)
@require_POST
def case_reply(request, case_id):
    return _act(request, case_id, "reply", ReplyForm,
                lambda c, d: cases.send_reply(c, d["text"], user=request.user, request=request),
                _("The reply is being sent to the customer."), prefix="reply")


@role_required(*ANALYSTS)
@require_POST
def case_call(request, case_id):
    return _act(request, case_id, "call", CallForm,
                lambda c, d: cases.record_call(c, d["outcome"], clean_text(d["text"]).strip(), user=request.user,
                                               request=request),
                _("The call was recorded."), prefix="call")
