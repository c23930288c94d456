"""Alerts in the back office: the open ones first; acknowledge and comment (thin views over
erating.base.followup.alerts). Scoped like every tenant list: a supervisor sees their premises'."""
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erating.base.followup import alerts
from erating.base.followup.mail import describe
from erating.base.ingest.text import clean_text
from erating.base.models import Alert
from erating.control.permissions import ANALYSTS, role_required


class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        text = clean_text(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("This field is required."))
        return text


@role_required(*ANALYSTS)
def alert_list(request):
    order = When_(When(status=Alert.OPEN, then=Value(0)), When(status=Alert.ACKNOWLEDGED, then=Value(1)),
                  default=Value(2), output_field=IntegerField())
    qs = Alert.objects.select_related("rule", "premise", "target", "device").annotate(o=order).order_by(
        "o", "-opened_at", "-id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [{"alert": a, "description": describe(a)} for a in page]
    return render(request, "control/followup/alerts.html", {"page": page, "rows": rows, "nav": "alerts"})


def _alert(alert_id):
    return get_object_or_404(Alert.objects.select_related("rule", "premise", "target", "device"), pk=alert_id)


@role_required(*ANALYSTS)
def alert_detail(request, alert_id, form=None):
    alert = _alert(alert_id)
    return render(request, "control/followup/alert.html", {
        "alert": alert, "description": describe(alert), "comments": alert.comments.select_related("author"),
        "form": form or CommentForm(), "nav": "alerts"}, status=400 if form else 200)


@role_required(*ANALYSTS)
@require_POST
def alert_acknowledge(request, alert_id):
    alert = _alert(alert_id)
    alerts.acknowledge(alert, user=request.user, request=request)
    messages.success(request, _("The alert was acknowledged."))
    return redirect("control:alert_detail", alert_id=alert.pk)


@role_required(*ANALYSTS)
@require_POST
def alert_comment(request, alert_id):
    alert = _alert(alert_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return alert_detail(request, alert_id, form=form)
    alerts.comment(alert, form.cleaned_data["text"], user=request.user, request=request)
    messages.success(request, _("The comment was added."))
    return redirect("control:alert_detail", alert_id=alert.pk)
