"""The report criteria form: choices come from the scoped managers, so a user is only ever
offered what they may see; the criteria service checks again whatever is submitted."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erating.base import labels
from erating.base.analysis.criteria import PRESETS, officer_reach, preset_label
from erating.base.models import (
    Agency,
    Ministry,
    Premise,
    Rating,
    ReportSchedule,
    Target,
    User,
)
from erating.base.reports.access import may_receive
from erating.base.reports.registry import available

FORMAT_CHOICES = [("pdf", "PDF"), ("xlsx", "XLSX"), ("csv", "CSV")]
LANGUAGE_CHOICES = [("ms", "Bahasa Melayu"), ("en", "English")]
# Names as the criteria service (erating.base.analysis.criteria) reads them.
CRITERIA_KEYS = ("period", "start", "end", "ministry", "agency", "premise", "target", "officer", "kind", "channel",
                 "score_min", "score_max", "flagged", "year", "levels", "split", "phrases", "language")


class ReportForm(forms.Form):
    report = forms.ChoiceField(label=_("Report"))
    fmt = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="pdf")
    language = forms.ChoiceField(label=_("Language of the report"), choices=LANGUAGE_CHOICES)
    period = forms.ChoiceField(label=_("Period"), choices=[(p, "") for p in PRESETS], initial="month", required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ministry = forms.TypedChoiceField(label=_("Ministry"), required=False, coerce=int, empty_value=None)
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    premise = forms.TypedChoiceField(label=_("Premise"), required=False, coerce=int, empty_value=None)
    target = forms.TypedChoiceField(label=_("Counter, service, facility or officer"), required=False, coerce=int,
                                       empty_value=None)
    officer = forms.TypedChoiceField(label=_("Officer"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All"))] + list(Target.KIND_CHOICES))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All"))] + list(Rating.CHANNEL_CHOICES))
    score_min = forms.TypedChoiceField(label=_("Lowest score"), coerce=int, initial=1,
                                       choices=[(s, s) for s in range(1, 6)])
    score_max = forms.TypedChoiceField(label=_("Highest score"), coerce=int, initial=5,
                                       choices=[(s, s) for s in range(1, 6)])
    flagged = forms.BooleanField(label=_("Include ratings suspected of abuse"), required=False)
    # Its range is the report's own option (reports/options.py), checked there once.
    year = forms.IntegerField(label=_("Year (by month report)"), required=False)
    levels = forms.TypedMultipleChoiceField(label=_("Scores (low ratings report)"), required=False, coerce=int,
                                            choices=[(4, _("4 – Satisfactory")), (3, _("3 – Fairly satisfactory")),
                                                     (2, _("2 – Less than satisfactory")), (1, _("1 – Unsatisfactory"))],
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("None chosen: the agency's low-score threshold."))
    split = forms.BooleanField(label=_("Split across several sheets when an XLSX sheet would be too long"),
                               required=False)
    phrases = forms.BooleanField(label=_("Rising phrases (summary report)"), required=False,
                                 help_text=_("Read from the latest comments of each period: takes longer."))

    def __init__(self, user, dims, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, preset_label(p)) for p in PRESETS]
        self.fields["report"].choices = [(r.slug, r.title) for r in available(user, dims)]
        self.fields["language"].initial = user.language
        today = timezone.localdate()
        self.fields["end"].initial = today
        self.fields["start"].initial = today.replace(day=1)
        self.fields["year"].initial = today.year
        self._dims = dims
        if not (user.is_system_admin and dims.get("agency") is None):
            del self.fields["ministry"], self.fields["agency"]
        if dims.get("officer") is not None:
            del self.fields["officer"]  # the criteria service fixes an officer's reports to them
        # A submitted form checks only the units it names; the lists to choose from (one query
        # and label per counter and officer of the agency) are built when a form is shown.
        self.offer(sent_only=self.is_bound)

    def offer(self, *, sent_only=False):
        """Fill the unit choices from the scoped managers: every unit the user may see, or
        (sent_only) only those among the submitted values."""
        def narrow(name, qs):
            if not sent_only:
                return qs
            value = self.data.get(name)
            return qs.filter(pk=int(value)) if str(value or "").isdigit() and len(str(value)) < 12 else qs.none()

        every = [("", _("All"))]
        if "agency" in self.fields:
            self.fields["ministry"].choices = every + [(m.pk, m.name) for m in narrow("ministry", Ministry.objects.all())]
            self.fields["agency"].choices = every + [(a.pk, a.name) for a in narrow("agency", Agency.objects.all())]
        dims = self._dims
        if dims.get("officer") is not None:
            # An officer's reports are of their own ratings: the premises and targets they worked at.
            premise_ids, targets = officer_reach(dims["agency"], dims["officer"])
            premises = narrow("premise", Premise.objects.filter(pk__in=premise_ids))
            target_ids = [t.pk for t in targets[:2000]]
            if sent_only:
                target_ids = [pk for pk in target_ids if str(pk) == self.data.get("target")]
        else:
            premises = narrow("premise", Premise.objects.all())
            target_ids = list(narrow("target", Target.objects.all()).values_list("pk", flat=True)[:2000])
            officers = labels.label_officers(
                narrow("officer", User.scoped.filter(role__in=[User.OFFICER, User.SUPERVISOR])).order_by("full_name")[:2000])
            self.fields["officer"].choices = every + [(u.pk, u.label) for u in officers]
        self.fields["premise"].choices = every + [(p.pk, p.name) for p in premises[:2000]]
        named = labels.target_labels(target_ids)  # the premise beside each counter, officer's staff number
        self.fields["target"].choices = every + sorted(((pk, named[pk]) for pk in target_ids if pk in named),
                                                       key=lambda choice: choice[1])

    def query(self):
        """The criteria as plain JSON-able values: what the report service and a background job read."""
        out = {"report": self.cleaned_data["report"], "fmt": self.cleaned_data["fmt"]}
        for key in CRITERIA_KEYS:
            value = self.cleaned_data.get(key)
            if value in (None, "", [], False):
                continue
            out[key] = value.isoformat() if hasattr(value, "isoformat") else value
        if out.get("flagged"):
            out["flagged"] = "1"
        if not out.get("period"):
            out["period"] = "custom" if ("start" in out or "end" in out) else "30d"
        if out["period"] != "custom":
            out.pop("start", None), out.pop("end", None)
        for flag in ("split", "phrases"):
            if out.get(flag):
                out[flag] = "1"
        return out


class ScheduleForm(forms.ModelForm):
    """A schedule's report, format, language, frequency, recipients and filters; the period is
    set at each run (last week or last month)."""

    premise = forms.TypedChoiceField(label=_("Premise"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All"))] + list(Target.KIND_CHOICES))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All"))] + list(Rating.CHANNEL_CHOICES))

    class Meta:
        model = ReportSchedule
        fields = ["name", "report", "fmt", "language", "frequency", "recipients"]
        widgets = {"recipients": forms.CheckboxSelectMultiple}

    def __init__(self, user, dims, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._owner = self.instance.owner if self.instance.pk else user
        self.fields["report"] = forms.ChoiceField(label=_("Report"), choices=[
            (r.slug, r.title) for r in available(user, dims)])
        self.fields["fmt"] = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
        self.fields["language"] = forms.ChoiceField(label=_("Language of the report"), choices=LANGUAGE_CHOICES)
        # Recipients within the owner's scope: users of the owner's agency, or of the agency a system
        # administrator is viewing as (any user for a system administrator viewing the country).
        # Users are not tenant-scoped rows, so the agency is narrowed here explicitly.
        agency_id = user.agency_id or (dims or {}).get("agency")
        people = User.objects.filter(is_active=True)
        if agency_id is not None:
            people = people.filter(agency_id=agency_id)
        self.fields["recipients"].queryset = people.order_by("full_name")
        self.fields["recipients"].label_from_instance = lambda u: f"{u.full_name} <{u.email}>"
        self.fields["premise"].choices = [("", _("All"))] + [(p.pk, p.name) for p in Premise.objects.all()[:2000]]
        if self.instance.pk:
            for key in ("premise", "kind", "channel"):
                self.fields[key].initial = self.instance.query.get(key)

    def clean(self):
        data = super().clean()
        # A recipient must be able to run this report over the owner's scope (checked again at each send).
        refused = [u for u in data.get("recipients") or []
                   if u.pk != self._owner.pk and not may_receive(u, data.get("report"), self._owner,
                                                                   {"premise": data.get("premise")})]
        if refused:
            self.add_error("recipients", _("These users may not run this report over your scope, so they cannot "
                                           "receive it: %(names)s.") % {"names": ", ".join(u.full_name for u in refused)})
        return data

    def filters(self):
        return {k: self.cleaned_data[k] for k in ("premise", "kind", "channel") if self.cleaned_data.get(k)}
