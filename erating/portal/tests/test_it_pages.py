"""Every portal page in BM and EN at its own address, with title, description, Open Graph tags,
hreflang alternates and a sitemap; only published content; nothing inline for the CSP."""
import re

import pytest
from django_scopes import scopes_disabled

from erating.base.models import Agency, Download, FaqEntry, GalleryItem, NewsArticle
from erating.base.portal_content.demo import build_portal_demo
from erating.portal.pages import PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        assert build_portal_demo()
    NewsArticle.objects.create(slug="draf-rahsia", title_ms="Draf rahsia", summary_ms="-", body_ms="<p>-</p>")
    FaqEntry.objects.create(question_ms="Soalan draf rahsia", answer_ms="<p>-</p>")
    return world


def addresses(world):
    slug = NewsArticle.objects.published().first().slug
    with scopes_disabled():
        Agency.objects.filter(pk=world.home.agency.pk).update(public_results_named=True)
    codes = {"<slug:slug>": slug, "<slug:agency_code>": world.home.agency.code,
             "<slug:premise_code>": world.home.premise.code}
    for page, (ms, en) in PAGES.items():
        for pattern, value in codes.items():
            ms, en = ms.replace(pattern, value), en.replace(pattern, value)
        yield page, "/" + ms, "/" + en


def test_it_serves_every_page_in_both_languages_with_its_metadata(demo, client, settings):
    for _page, ms, en in addresses(demo):
        for lang, path, other in (("ms", ms, en), ("en", en, ms)):
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.content.decode()
            assert f'<html lang="{lang}">' in body and response["Content-Language"] == lang
            assert re.search(r"<title>[^<]{3,} · eRating</title>", body), path
            assert re.search(r'<meta name="description" content="[^"]{20,}">', body), path
            for prop in ("og:title", "og:description", "og:url", "og:image", "og:locale"):
                assert f'property="{prop}" content="' in body, (path, prop)
            assert f'<link rel="alternate" hreflang="ms" href="{settings.SITE_URL}{ms}">' in body
            assert f'<link rel="alternate" hreflang="en" href="{settings.SITE_URL}{en}">' in body
            assert f'<link rel="canonical" href="{settings.SITE_URL}{path}">' in body
            assert f'href="{other}" hreflang="{"en" if lang == "ms" else "ms"}"' in body  # the language switch
            assert 'href="/apply/"' in body  # every page leads to the application form
            assert "Draf rahsia" not in body and "Soalan draf rahsia" not in body
            # CSP-friendly: no inline script, style attribute or event handler.
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), path
            assert not re.search(r"\sstyle=|<style|\son[a-z]+=", body), path


def test_it_shows_each_language_in_its_own_words(demo, client):
    assert "Soalan Lazim" in client.get("/soalan-lazim/").content.decode()
    en = client.get("/en/faq/").content.decode()
    assert "How does an agency apply to join eRating?" in en and "Bagaimanakah agensi memohon" not in en


def test_it_covers_the_reference_topics_in_the_faq(demo, client):
    body = client.get("/en/faq/").content.decode().lower()
    for topic in ("reach eRating", "need to run", "qr code or tablet", "roles", "reports", "where is the data kept",
                  "apply to join", "out of warranty"):
        assert topic.lower() in body, topic
    assert body.count('<details class="faq-item"') == FaqEntry.objects.published().count() >= 14


def test_it_lists_published_content_only(demo, client):
    assert client.get("/berita/draf-rahsia/").status_code == 404
    gallery = client.get("/galeri/").content.decode()
    assert gallery.count('class="gallery-item"') == GalleryItem.objects.published().count() == 4
    downloads = client.get("/muat-turun/").content.decode()
    assert Download.objects.get().title_ms in downloads


def test_it_publishes_a_sitemap_with_alternates(demo, client, settings):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    for page, ms, en in addresses(demo):
        if page == "premise_results":  # not listed: one page per premise, reached from its poster
            continue
        assert f"<loc>{'http://testserver'}{ms}</loc>" in body and f"<loc>http://testserver{en}</loc>" in body
    # every page but the article and a premise's results, which have one address per article or premise
    assert body.count("<url>") == 2 * (len(PAGES) - 2 + NewsArticle.objects.published().count())
    assert "draf-rahsia" not in body


def test_it_searches_the_faq_without_javascript(demo, client):
    body = client.get("/en/faq/", {"q": "WARRANTY tablet"}).content.decode()
    assert body.count('<details class="faq-item"') == 1 and "out of warranty" in body
    assert 'value="WARRANTY tablet"' in body and "One question matches." in body
    ms = client.get("/soalan-lazim/", {"q": "waranti"}).content.decode()
    assert ms.count('<details class="faq-item"') == 1 and "Satu soalan sepadan." in ms
    none = client.get("/en/faq/", {"q": "zzzz"}).content.decode()
    assert '<details class="faq-item"' not in none and "No question matches" in none
