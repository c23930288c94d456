"""Forms of the agency administration: premises, targets, staff, kiosk PIN, counters, imports.

`agency` is the agency acted in (the admin's own, or the one a system administrator is viewing
as); when it is None (system administrator, no agency chosen) the form asks for it."""
from django import forms
from django.utils.translation import gettext_lazy as _

from erating.base.catalogue.imports import KINDS
from erating.base.catalogue.targets import EDITABLE_KINDS
from erating.base.identity import ADDRESS_TAKEN, account_key, email_problem
from erating.base.models import Agency, Premise, Target, User


def premise_queryset(agency):
    qs = Premise.objects.select_related("agency").order_by("agency__name_ms", "name")
    return qs.filter(agency=agency) if agency else qs


def counter_label(target):
    return f"{target.premise.name} — {target.display_name}"


# Querysets are set in __init__: tenant managers refuse queries outside a request scope,
# and a form class is built at import time.
class PremiseForm(forms.ModelForm):
    agency = forms.ModelChoiceField(None, label=_("Agency"))

    class Meta:
        model = Premise
        fields = ["agency", "code", "name", "state", "address", "medium", "opens_at", "closes_at"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "opens_at": forms.TimeInput(attrs={"type": "time"}),
                   "closes_at": forms.TimeInput(attrs={"type": "time"})}
        help_texts = {"code": _("A short code used in imports and reports, e.g. jpn-putrajaya.")}

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency or (self.instance.agency if self.instance.pk else None)
        for name in ("opens_at", "closes_at"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Tablet health alerts only count silence within opening hours.")
        if self.agency or self.instance.pk:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = Agency.objects.all()

    def clean_code(self):
        return self.cleaned_data["code"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        # Optional on the form (imports and older clients leave them out): the usual office hours.
        for name in ("opens_at", "closes_at"):
            if not cleaned.get(name) and name not in self.errors:
                cleaned[name] = Premise._meta.get_field(name).default
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        agency = self.agency or cleaned.get("agency")
        code = cleaned.get("code")
        if agency and code:
            clash = Premise.objects.filter(agency=agency, code__iexact=code).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", _("Another premise of this agency already uses this code."))
            self.instance.agency = agency
        return cleaned


class TargetForm(forms.ModelForm):
    premise = forms.ModelChoiceField(None, label=_("Premise"))

    class Meta:
        model = Target
        fields = ["premise", "kind", "name", "name_en"]
        labels = {"name": _("Name (BM)")}

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["premise"].queryset = premise_queryset(agency or (self.instance.agency if self.instance.pk else None))
        self.fields["kind"].choices = [c for c in Target.KIND_CHOICES if c[0] in EDITABLE_KINDS]
        if self.instance.pk and self.instance.kind == Target.OFFICER:
            # An officer's own target follows the officer's account; only names are edited here.
            for name in ("premise", "kind"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        premise = cleaned.get("premise", self.instance.premise if self.instance.pk else None)
        kind = cleaned.get("kind", self.instance.kind)
        name = cleaned.get("name")
        if premise and kind and name:
            clash = Target.objects.filter(premise=premise, kind=kind, name__iexact=name).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This premise already has a %(kind)s with this name.")
                               % {"kind": dict(Target.KIND_CHOICES)[kind].lower()})
            self.instance.agency_id = premise.agency_id
        return cleaned


class StaffForm(forms.ModelForm):
    """Officer (with a home premise for the personal QR code) or premise supervisor."""

    home_premise = forms.ModelChoiceField(None, required=False, label=_("Home premise"),
                                          help_text=_("Officers: where their personal QR code is displayed."))
    counters = forms.ModelMultipleChoiceField(None, required=False, label=_("Counters"),
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Officers: counters they may staff."))
    premises = forms.ModelMultipleChoiceField(None, required=False, label=_("Supervised premises"),
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Supervisors: premises whose results they see."))

    class Meta:
        model = User
        fields = ["email", "full_name", "staff_number", "role", "language", "home_premise", "premises", "counters"]
        help_texts = {"staff_number": _("Optional. Shown beside the name wherever officers are listed, so that two "
                                        "officers of the same name are told apart (else the e-mail's first part).")}

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        editing = bool(self.instance.pk)
        agency = agency or (self.instance.agency if editing else None)
        premises = premise_queryset(agency)
        self.fields["home_premise"].queryset = premises
        self.fields["premises"].queryset = premises
        self.fields["premises"].required = False
        self.fields["counters"].queryset = Target.objects.filter(kind=Target.COUNTER).select_related("premise")
        if agency:
            self.fields["counters"].queryset = self.fields["counters"].queryset.filter(agency=agency)
        self.fields["counters"].label_from_instance = counter_label
        self.fields["role"].choices = [(User.OFFICER, _("Counter officer")), (User.SUPERVISOR, _("Premise supervisor"))]
        if editing:
            del self.fields["role"], self.fields["counters"]  # role is fixed; counters have their own page
            target = Target.objects.filter(officer=self.instance).first()
            if target:
                self.initial["home_premise"] = target.premise_id
            if self.instance.role == User.OFFICER:
                del self.fields["premises"]
            else:
                del self.fields["home_premise"]

    def clean_staff_number(self):
        return (self.cleaned_data.get("staff_number") or "").strip()

    def clean_email(self):
        if email_problem(self.cleaned_data["email"]):  # before lower(): it turns the Kelvin sign into k
            raise forms.ValidationError(email_problem(self.cleaned_data["email"]))
        email = self.cleaned_data["email"].strip().lower()
        # The same refusal for every holder of the address (no account oracle, identity.ADDRESS_TAKEN).
        if User.objects.filter(email_key=account_key(email)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(ADDRESS_TAKEN)
        return email

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role", self.instance.role)
        home, premises = cleaned.get("home_premise"), list(cleaned.get("premises") or [])
        if role == User.OFFICER and "home_premise" in self.fields and not home:
            self.add_error("home_premise", _("Choose the officer's home premise."))
        if role == User.SUPERVISOR and "premises" in self.fields and not premises:
            self.add_error("premises", _("Choose at least one premise to supervise."))
        chosen = ([home] if home and role == User.OFFICER else []) + (premises if role == User.SUPERVISOR else [])
        chosen += list(cleaned.get("counters") or []) if role == User.OFFICER else []
        agencies = {p.agency_id for p in chosen}
        if len(agencies) > 1:
            raise forms.ValidationError(_("The premises and counters must all belong to the same agency."))
        if self.instance.pk and agencies and agencies != {self.instance.agency_id}:
            raise forms.ValidationError(_("The premises must belong to the person's agency."))
        if role == User.OFFICER:
            cleaned["premises"] = []
        else:
            cleaned["home_premise"], cleaned["counters"] = None, []
        self.agency_id = agencies.pop() if agencies else self.instance.agency_id
        return cleaned


class PinForm(forms.Form):
    pin = forms.RegexField(r"^\d{4,6}$", label=_("Kiosk PIN"), widget=forms.PasswordInput(attrs={"inputmode": "numeric"}),
                           error_messages={"invalid": _("The PIN must be 4 to 6 digits.")},
                           help_text=_("4 to 6 digits, used to sign on at a tablet."))
    pin2 = forms.CharField(label=_("Kiosk PIN again"), widget=forms.PasswordInput(attrs={"inputmode": "numeric"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pin") and cleaned.get("pin") != cleaned.get("pin2"):
            self.add_error("pin2", _("The two PINs are not the same."))
        return cleaned


class CountersForm(forms.Form):
    counters = forms.ModelMultipleChoiceField(None, required=False, label=_("Counters"),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counters"].queryset = Target.objects.filter(
            agency_id=officer.agency_id, kind=Target.COUNTER).select_related("premise").order_by("premise__name", "name")
        self.fields["counters"].label_from_instance = counter_label
        self.initial.setdefault("counters", list(officer.counter_links.values_list("counter_id", flat=True)))


class ImportForm(forms.Form):
    agency = forms.ModelChoiceField(None, label=_("Agency"))
    file = forms.FileField(label=_("File (CSV or XLSX)"), allow_empty_file=True,
                           help_text=_("At most 10,000 rows. CSV files must be saved as UTF-8."))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = Agency.objects.all()


IMPORT_KINDS = {"premises": _("Premises"), "targets": _("Counters, services and facilities"), "officers": _("Officers")}
assert set(IMPORT_KINDS) == set(KINDS)


# --- Rating-form settings ------------------------------------------------------------------------
import io  # noqa: E402

from erating.base.models import FollowUpReason  # noqa: E402

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MIN_SIDE, LOGO_MAX_SIDE = 32, 4000


class AgencySettingsForm(forms.ModelForm):
    reasons_max_score = forms.TypedChoiceField(
        coerce=int, label=_("Ask for follow-up reasons"),
        choices=[(0, _("Never")), (1, _("At score 1")), (2, _("At score 2 or lower")), (3, _("At score 3 or lower")),
                 (4, _("At score 4 or lower"))],
        help_text=_("Scores run from 5 (best) to 1; a 3-smiley form uses scores 5, 3 and 1."))
    ranking_min_ratings = forms.IntegerField(
        label=_("minimum ratings to rank"), min_value=1, max_value=1000, required=False,
        help_text=_("Rows with fewer ratings are ranked apart; officers' figures below it are shown only to "
                    "the agency administrator."))

    class Meta:
        model = Agency
        fields = ["form_size", "reasons_max_score", "comment_enabled", "contact_enabled", "show_officer_photo",
                  "thank_you_ms", "thank_you_en", "thank_you_zh", "thank_you_ta", "public_results_named",
                  "ranking_min_ratings"]
        widgets = {"form_size": forms.RadioSelect, **{f"thank_you_{lang}": forms.Textarea(attrs={"rows": 2})
                                                      for lang in ("ms", "en", "zh", "ta")}}

    def clean_ranking_min_ratings(self):
        # Left empty (or absent from an older form): the agency keeps its current minimum.
        value = self.cleaned_data.get("ranking_min_ratings")
        return self.instance.ranking_min_ratings if value is None else value


class CaptionsForm(forms.Form):
    """The five smiley captions in BM, EN, 中文 and தமிழ், side by side (a 3-smiley form shows those
    of 5, 3 and 1). BM and EN are required; a blank Chinese or Tamil caption shows the BM one."""

    LANGS = ("ms", "en", "zh", "ta")

    def __init__(self, *args, captions, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"ms": _("Score %(s)s caption (BM)"), "en": _("Score %(s)s caption (EN)"),
                  "zh": _("Score %(s)s caption (中文)"), "ta": _("Score %(s)s caption (தமிழ்)")}
        for score in range(5, 0, -1):
            current = captions.get(score)
            for lang in self.LANGS:
                self.fields[f"caption_{lang}_{score}"] = forms.CharField(
                    label=labels[lang] % {"s": score}, max_length=60, required=lang in ("ms", "en"),
                    initial=getattr(current, f"caption_{lang}", ""))

    def rows(self):
        """[(score, [bound field per language])], best score first: the table of the page."""
        return [(score, [self[f"caption_{lang}_{score}"] for lang in self.LANGS]) for score in range(5, 0, -1)]

    def captions(self):
        return {score: tuple(self.cleaned_data[f"caption_{lang}_{score}"] for lang in self.LANGS)
                for score in range(1, 6)}


class ReasonForm(forms.ModelForm):
    class Meta:
        model = FollowUpReason
        fields = ["text_ms", "text_en", "text_zh", "text_ta"]


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Agency logo"),
                           help_text=_("PNG or JPEG, at most 1 MB, between 32 and 4000 pixels on each side."))

    def clean_logo(self):
        from PIL import Image, UnidentifiedImageError

        upload = self.cleaned_data["logo"]
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 1 MB."))
        data = upload.read()
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # checks the file structure without decoding the pixels
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                if kind not in ("PNG", "JPEG"):
                    raise forms.ValidationError(_("Only PNG or JPEG images are accepted."))
                if not (LOGO_MIN_SIDE <= width <= LOGO_MAX_SIDE and LOGO_MIN_SIDE <= height <= LOGO_MAX_SIDE):
                    raise forms.ValidationError(_("The image is %(w)s × %(h)s pixels; each side must be between "
                                                  "32 and 4000.") % {"w": width, "h": height})
                image.load()  # decode fully only once the size is known to be sensible
        except forms.ValidationError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise forms.ValidationError(_("This file is not a valid PNG or JPEG image.")) from None
        return {"data": data, "ext": "png" if kind == "PNG" else "jpg"}
