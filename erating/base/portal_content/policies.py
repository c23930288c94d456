"""The policy pages every Malaysian government site carries (privacy, security, disclaimer,
copyright). Their texts are templates, portal/policies/<page>.<lang>.html, reviewed with the code
like the manuals: legal wording changes through review, not through the news-and-FAQ editor
(the CMS has no free-form pages). REVISED is the date each text last changed, shown on the page
as its "last updated" date: change it with the text."""
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
