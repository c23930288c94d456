"""The portal's own texts (home page, contact details): one row, with built-in defaults until the
system administrator saves it, so a fresh installation's portal is never blank."""

import unicodedata

from django.utils.html import strip_tags

from erating.base.models import PortalText


def defaults():
    return PortalText(
        tagline_ms="Suara anda menambah baik perkhidmatan Kerajaan",
        tagline_en="Your voice improves government services",
        about_ms="<p>eRating ialah sistem penilaian kepuasan pelanggan untuk agensi Kerajaan Malaysia.</p>",
        about_en="<p>eRating is the customer-satisfaction rating system for Malaysian government agencies.</p>",
        join_ms="<p>Agensi Kerajaan boleh memohon untuk menyertai eRating secara dalam talian.</p>",
        join_en="<p>Government agencies can apply to join eRating online.</p>",
        contact_unit_ms="Pasukan eRating", contact_unit_en="The eRating team",
        contact_address="", contact_phone="", contact_email="")


def portal_text():
    return PortalText.objects.filter(pk=1).first() or defaults()




def _fold(text):
    text = unicodedata.normalize("NFD", strip_tags(text or "").lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def search_faq(entries, q):
    """Entries whose question or answer (in the page's language) hold every word of q."""
    words = _fold(q).split()
    if not words:
        return entries
    return [e for e in entries if all(w in _fold(f"{e.question} {e.answer}") for w in words)]


def last_updated(page, article=None, premise=None):
    """The date a portal page's content last changed, computed from the content itself (the
    published rows it shows, the portal's texts, the manuals' build, a policy's revision date),
    for the "last updated" line government sites carry. None when there is nothing to date."""
    from django.db.models import Max
    from django.utils import timezone

    from erating.base.models import Download, FaqEntry, GalleryItem, NewsArticle
    from erating.base.portal_content import manuals, policies

    if page in policies.REVISED:
        return policies.last_updated(page)
    if article is not None:
        return timezone.localdate(article.updated_at)
    if page == "results":  # live figures, recomputed as ratings arrive
        return timezone.localdate()
    if page == "premise_results" and premise is not None:
        # Last whole month's figures, final on the 1st; a "we did" line published since dates it later.
        from django_scopes import scopes_disabled

        from erating.base.models import WeDidLine
        with scopes_disabled():  # published lines are public
            published = (WeDidLine.objects.filter(premise=premise, status=WeDidLine.PUBLISHED)
                         .aggregate(m=Max("published_at"))["m"])
        first = timezone.localdate().replace(day=1)
        return max(first, timezone.localdate(published)) if published else first
    text = [PortalText.objects.filter(pk=1).values_list("updated_at", flat=True).first()]
    sources = {
        "home": [NewsArticle], "news": [NewsArticle], "faq": [FaqEntry], "gallery": [GalleryItem],
        "downloads": [Download], "contact": [],
        "site_map": [NewsArticle, FaqEntry, GalleryItem, Download],
    }
    if page not in sources:
        return None
    stamps = [model.objects.published().aggregate(m=Max("updated_at"))["m"] for model in sources[page]]
    if page in ("home", "contact", "site_map"):
        stamps += text
    dates = [timezone.localdate(s) for s in stamps if s]
    if page in ("downloads", "site_map"):
        dates += [manuals.built_on()] if manuals.built_on() else []
    if page == "site_map":
        dates += [policies.last_updated(p) for p in policies.REVISED]
    return max(dates, default=None)
