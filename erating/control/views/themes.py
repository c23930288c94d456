"""Comment themes in the back office: the system administrator edits the national taxonomy; an
agency administrator (or a system administrator viewing as the agency) adds the agency's own
phrases. Every change is audited and re-applied in the background (erating.base.analysis.theme_changes)."""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erating.base.analysis import theme_changes
from erating.base.models import AgencyThemePhrases, Theme
from erating.base.themes.taxonomy import LANGUAGES
from erating.control.permissions import MANAGERS, role_required
from erating.control.views.admin_common import acting_agency

LANGUAGE_NAMES = {"ms": gettext_lazy("Bahasa Melayu"), "en": gettext_lazy("English"), "zh": "中文",
                  "ta": "தமிழ்"}


class PhrasesForm(forms.Form):
    def __init__(self, *args, initial_phrases=None, **kwargs):
        super().__init__(*args, **kwargs)
        for lang in LANGUAGES:
            self.fields[f"phrases_{lang}"] = forms.CharField(
                label=LANGUAGE_NAMES[lang], required=False,
                widget=forms.Textarea(attrs={"rows": 8, "lang": lang}),
                initial="\n".join((initial_phrases or {}).get(lang, [])),
                help_text=_("One phrase a line."))

    def clean(self):
        data = super().clean()
        data["phrases"] = {}
        for lang in LANGUAGES:
            try:
                data["phrases"][lang] = theme_changes.parse_phrases(data.get(f"phrases_{lang}", ""))
            except forms.ValidationError as exc:
                self.add_error(f"phrases_{lang}", exc)
        return data


class NationalForm(PhrasesForm):
    name_ms = forms.CharField(label=gettext_lazy("Name (BM)"), max_length=80)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=80)
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False)
    field_order = ["name_ms", "name_en", "active"]


def _national(request):
    """True when the system administrator works on the national list (not viewing as an agency)."""
    return request.user.is_system_admin and acting_agency(request) is None


@role_required(*MANAGERS)
def theme_list(request):
    agency = None if _national(request) else acting_agency(request)
    own = {p.theme_id: p for p in AgencyThemePhrases.objects.all()} if agency else {}
    rows = [{"theme": t, "counts": {lang: len((t.phrases or {}).get(lang, [])) for lang in LANGUAGES},
             "own": {lang: len((own[t.id].phrases if t.id in own else {}).get(lang, [])) for lang in LANGUAGES}}
            for t in Theme.objects.all()]
    return render(request, "control/themes/list.html", {
        "rows": rows, "agency": agency, "job": theme_changes.latest_job(agency), "languages": LANGUAGES,
        "language_names": LANGUAGE_NAMES, "nav": "themes"})


@role_required(*MANAGERS)
def theme_edit(request, theme_id):
    theme = get_object_or_404(Theme, pk=theme_id)
    national = _national(request)
    agency = None if national else acting_agency(request)
    bound = request.method == "POST"
    if national:
        form = NationalForm(request.POST if bound else None, initial_phrases=theme.phrases,
                            initial={"name_ms": theme.name_ms, "name_en": theme.name_en, "active": theme.active})
    else:
        own = AgencyThemePhrases.objects.filter(theme=theme).first()
        form = PhrasesForm(request.POST if bound else None, initial_phrases=own.phrases if own else {})
    if bound and form.is_valid():
        if national:
            job = theme_changes.save_national(theme, form.cleaned_data, request)
        else:
            job = theme_changes.save_agency(agency, theme, form.cleaned_data["phrases"], request)
        if job is not None:
            messages.success(request, _("Saved. The comments are being read again with the new phrases."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("control:theme_list")
    return render(request, "control/themes/edit.html", {
        "theme": theme, "form": form, "national": national, "agency": agency, "nav": "themes",
        "languages": LANGUAGES}, status=400 if bound else 200)
