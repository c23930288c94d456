"""Back-office forms for the portal's content (system administrator only)."""
from django import forms

from erating.base.models import Download, FaqEntry, GalleryItem, NewsArticle, PolicyPage, PortalText

RICH = {"rows": 8}


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsArticle
        fields = ["title_ms", "title_en", "slug", "date", "summary_ms", "summary_en", "body_ms", "body_en",
                  "image", "image_alt_ms", "image_alt_en", "position"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "body_ms": forms.Textarea(attrs=RICH), "body_en": forms.Textarea(attrs=RICH)}


class FaqForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["question_ms", "question_en", "answer_ms", "answer_en", "position"]
        widgets = {"answer_ms": forms.Textarea(attrs=RICH), "answer_en": forms.Textarea(attrs=RICH)}


class PolicyForm(forms.ModelForm):
    """Once published, the text replaces the portal's default wording of that policy page."""

    class Meta:
        model = PolicyPage
        fields = ["page", "body_ms", "body_en"]
        widgets = {"body_ms": forms.Textarea(attrs=RICH), "body_en": forms.Textarea(attrs=RICH)}


class GalleryForm(forms.ModelForm):
    class Meta:
        model = GalleryItem
        fields = ["title_ms", "title_en", "file", "poster", "caption_ms", "caption_en", "alt_ms", "alt_en",
                  "position"]
        widgets = {"alt_ms": forms.Textarea(attrs={"rows": 3}), "alt_en": forms.Textarea(attrs={"rows": 3})}


class DownloadForm(forms.ModelForm):
    class Meta:
        model = Download
        fields = ["title_ms", "title_en", "description_ms", "description_en", "file", "position"]


class PortalTextForm(forms.ModelForm):
    class Meta:
        model = PortalText
        fields = ["tagline_ms", "tagline_en", "about_ms", "about_en", "join_ms", "join_en", "contact_unit_ms",
                  "contact_unit_en", "contact_address", "contact_phone", "contact_email", "contact_hours_ms",
                  "contact_hours_en"]
        widgets = {f: forms.Textarea(attrs={"rows": 5}) for f in ("about_ms", "about_en", "join_ms", "join_en")}
        widgets["contact_address"] = forms.Textarea(attrs={"rows": 3})
