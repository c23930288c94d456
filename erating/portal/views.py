"""The public portal: thin views over erating.base.portal_content. Only published content and
aggregate figures leave these functions; no tenant row does."""
import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from erating.base.catalogue import results_posters
from erating.base.models import Download, FaqEntry, GalleryItem, NewsArticle
from erating.base.portal_content import figures, manuals
from erating.base.portal_content.files import serve
from erating.base.portal_content.site import portal_text, search_faq
from erating.portal.pages import portal_page


@portal_page("home")
def home(request):
    return render(request, "portal/home.html", {
        "figures": figures.live_figures(), "text": portal_text(),
        "news": NewsArticle.objects.published()[:3]})


@portal_page("results")
def results(request):
    return render(request, "portal/results.html", {"results": figures.public_results()})


@portal_page("premise_results")
def premise_results(request, agency_code, premise_code):
    """One premise's results for the last whole month, as on its results poster (figures only at or
    above the agency's minimum, its published "you said, we did" lines); ?format=pdf gives the
    poster itself. Only agencies that let the public results name them have this page."""
    premise = results_posters.public_premise(agency_code, premise_code)
    if premise is None:
        raise Http404
    month = results_posters.previous_month(timezone.localdate())
    if request.GET.get("format") == "pdf":
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        results_posters.write_results_posters([premise], month, out)
        out.seek(0)
        return FileResponse(out, filename=f"{agency_code}-{premise_code}-{month:%Y-%m}.pdf",
                            content_type="application/pdf")
    results = results_posters.month_results(premise, month)
    return render(request, "portal/premise_results.html", {
        "premise": premise, "agency": premise.agency, "results": results, "month": results_posters.month_label(month),
        "change": results_posters.signed_points(results["change"])})


@portal_page("news")
def news(request):
    page = Paginator(NewsArticle.objects.published(), 9).get_page(request.GET.get("page"))
    return render(request, "portal/news.html", {"page": page})


def render_article(request, article, preview=False):
    return render(request, "portal/article.html", {"article": article, "preview": preview})


@portal_page("article")
def article(request, slug):
    return render_article(request, get_object_or_404(NewsArticle.objects.published(), slug=slug))


@portal_page("gallery")
def gallery(request):
    return render(request, "portal/gallery.html", {"items": GalleryItem.objects.published()})


@portal_page("downloads")
def downloads(request):
    return render(request, "portal/downloads.html", {
        "manuals": manuals.available(), "downloads": Download.objects.published()})


@portal_page("faq")
def faq(request):
    """The search box also works without JavaScript (a GET form); faq.js filters as you type."""
    q = request.GET.get("q", "").strip()[:100]
    entries = list(FaqEntry.objects.published())
    return render(request, "portal/faq.html", {"entries": search_faq(entries, q), "q": q, "total": len(entries)})


@portal_page("contact")
def contact(request):
    return render(request, "portal/contact.html", {"text": portal_text()})


@require_GET
def sitemap(request):
    from erating.portal.pages import LANGS, PAGES, alternates

    entries = [alternates(page) for page in PAGES if page not in ("article", "premise_results")]
    entries += [alternates("article", slug=slug)
                for slug in NewsArticle.objects.published().values_list("slug", flat=True)]
    urls = [(lang, entry) for entry in entries for lang in LANGS]
    return render(request, "portal/sitemap.xml", {"urls": urls, "base": request.build_absolute_uri("/")[:-1]},
                  content_type="application/xml")


@require_GET
def portal_file(request, name):
    if not name.startswith("portal/"):
        raise Http404
    return serve(request, name)


def _policy(page):
    @portal_page(page)
    def view(request):
        from erating.base.portal_content import policies

        return render(request, "portal/policy.html", {
            "title": policies.TITLES[page], "lead": policies.LEADS[page], "policy": policies.published(page),
            "body_template": policies.template(page, request.LANGUAGE_CODE)})

    view.__name__ = page
    return view


privacy, security, disclaimer, copyright = (_policy(p) for p in ("privacy", "security", "disclaimer", "copyright"))


@portal_page("site_map")
def site_map(request):
    """The sitemap for people (sitemap.xml is the one for search engines)."""
    return render(request, "portal/site_map.html", {"news": NewsArticle.objects.published()[:10]})
