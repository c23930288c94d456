""""You said, we did": the agency administrator reviews the public lines written when cases were
closed, and publishes (possibly corrected) or rejects each one. Thin views over
erating.base.followup.wedid; another agency's line is a 404."""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erating.base.followup import wedid
from erating.base.models import WeDidLine
from erating.control.permissions import MANAGERS, role_required


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("publish", gettext_lazy("Publish")), ("reject", gettext_lazy("Reject"))])
    text = forms.CharField(label=gettext_lazy("Public line"), max_length=400)


@role_required(*MANAGERS)
def we_did_list(request):
    lines = WeDidLine.objects.select_related("premise", "case", "written_by")
    context = {"nav": "we_did", "pending": lines.filter(status=WeDidLine.PENDING).order_by("written_at"),
               "recent": lines.exclude(status=WeDidLine.PENDING).order_by("-published_at", "-written_at")[:20],
               "max_length": WeDidLine.MAX_LENGTH}
    return render(request, "control/followup/we_did.html", context)


@role_required(*MANAGERS)
@require_POST
def we_did_review(request, line_id):
    line = get_object_or_404(WeDidLine.objects.all(), pk=line_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to publish or reject, with the line's text."))
        return redirect("control:we_did_list")
    try:
        wedid.review(line, form.cleaned_data["action"], user=request.user, request=request,
                     text=form.cleaned_data["text"])
    except wedid.WeDidError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The line was published.") if line.status == WeDidLine.PUBLISHED
                         else _("The line was rejected."))
    return redirect("control:we_did_list")
