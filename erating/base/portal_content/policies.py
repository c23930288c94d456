"""The policy pages every Malaysian government site carries (privacy, security, disclaimer,
copyright). Their default texts are templates, portal/policies/<page>.<lang>.html, reviewed with
the code; REVISED is the date each default last changed (change it with the text). The system
administrator may publish the agency's own wording in the portal editor (a PolicyPage): it then
replaces the default, and its own change date is the page's "last updated" date."""
import datetime

from django.utils.translation import gettext_lazy as _

TITLES = {
    "privacy": _("Privacy policy"),
    "security": _("Security policy"),
    "disclaimer": _("Disclaimer"),
    "copyright": _("Copyright"),
}
LEADS = {
    "privacy": _("What eRating collects when you rate or apply, who sees it and your rights under the PDPA 2010."),
    "security": _("How eRating protects the information it holds, and how to report a security issue."),
    "disclaimer": _("The limits of the Government's responsibility for the information on this portal."),
    "copyright": _("Who owns the content of this portal and how you may reuse it."),
}
REVISED = {
    "privacy": datetime.date(2026, 12, 5),
    "security": datetime.date(2026, 12, 5),
    "disclaimer": datetime.date(2026, 12, 5),
    "copyright": datetime.date(2026, 12, 5),
}


def template(page, lang):
    return f"portal/policies/{page}.{'en' if lang == 'en' else 'ms'}.html"


def published(page):
    """The published PolicyPage for page, or None (the default text applies)."""
    from erating.base.models import PolicyPage

    return PolicyPage.objects.published().filter(page=page).first()


def last_updated(page):
    from django.utils import timezone

    own = published(page)
    return timezone.localdate(own.updated_at) if own else REVISED[page]
