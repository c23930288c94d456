"""Every portal page has one address per language: Malay at the root (the default language),
English under /en/ with English words. The pair is what the language switch, hreflang and the
sitemap use."""
from django.urls import reverse
from django.utils import translation

PAGES = {
    # name: (BM path, EN path)
    "home": ("", "en/"),
    "results": ("keputusan/", "en/results/"),
    "premise_results": ("keputusan/<slug:agency_code>/<slug:premise_code>/",
                        "en/results/<slug:agency_code>/<slug:premise_code>/"),
    "news": ("berita/", "en/news/"),
    "article": ("berita/<slug:slug>/", "en/news/<slug:slug>/"),
    "gallery": ("galeri/", "en/gallery/"),
    "downloads": ("muat-turun/", "en/downloads/"),
    "faq": ("soalan-lazim/", "en/faq/"),
    "contact": ("hubungi/", "en/contact/"),
    # The policy pages every Malaysian government site carries, and a sitemap for people.
    "privacy": ("dasar-privasi/", "en/privacy-policy/"),
    "security": ("dasar-keselamatan/", "en/security-policy/"),
    "disclaimer": ("penafian/", "en/disclaimer/"),
    "copyright": ("hak-cipta/", "en/copyright/"),
    "site_map": ("peta-laman/", "en/sitemap/"),
}
POLICIES = ("privacy", "security", "disclaimer", "copyright")
LANGS = ("ms", "en")


def url_name(page, lang):
    return page if lang == "ms" else f"{page}_en"


def page_url(page, lang, **kwargs):
    return reverse(f"portal:{url_name(page, lang)}", kwargs=kwargs or None)


def alternates(page, **kwargs):
    return {lang: page_url(page, lang, **kwargs) for lang in LANGS}


def portal_page(page):
    """Runs the view and renders its template in the address's language, whatever the session
    says: a shared or indexed link always shows the language it names."""

    def decorator(view):
        def wrapped(request, *args, lang="ms", **kwargs):
            with translation.override(lang):
                request.LANGUAGE_CODE = lang
                request.portal_page = page
                request.portal_alternates = alternates(page, **kwargs)
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            response.headers["Content-Language"] = lang
            return response

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator
