"""Issue 24, item 2: the official touches of a Malaysian government site. The masthead shows the
Jalur Gemilang (not a striped flag that reads as another country's); the Privacy, Security,
Disclaimer, Copyright and Sitemap pages exist in BM and EN, linked from every page's footer; and
every portal page says when its content last changed, computed from that content."""
import datetime
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import FaqEntry, NewsArticle
from erating.base.portal_content import policies
from erating.base.portal_content.demo import build_portal_demo
from erating.portal.pages import PAGES
from erating.portal.tests.public_pages import LANGS, public_paths, publish_a_premise

pytestmark = pytest.mark.django_db

FLAG = Path(django_settings.BASE_DIR) / "erating" / "static" / "portal" / "jalur-gemilang.svg"
POLICY_PATHS = {
    "privacy": ("/dasar-privasi/", "/en/privacy-policy/", "Dasar privasi", "Privacy policy"),
    "security": ("/dasar-keselamatan/", "/en/security-policy/", "Dasar keselamatan", "Security policy"),
    "disclaimer": ("/penafian/", "/en/disclaimer/", "Penafian", "Disclaimer"),
    "copyright": ("/hak-cipta/", "/en/copyright/", "Hak cipta", "Copyright"),
    "site_map": ("/peta-laman/", "/en/sitemap/", "Peta laman", "Sitemap"),
}


@pytest.fixture
def demo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        assert build_portal_demo()
    publish_a_premise(world)  # its results page is one of the public pages the sweeps visit
    return world


def test_it_draws_the_jalur_gemilang_in_the_masthead(demo, client):
    svg = ElementTree.parse(FLAG).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("viewBox") == "0 0 28 14"  # 2:1, one unit per stripe
    red = svg.find(f"{ns}path[@fill='#cc0001']").get("d")
    assert len(re.findall(r"M0 \d+h28v1H0z", red)) == 7  # 7 red + 7 white = 14 stripes
    canton = svg.find(f"{ns}rect[@fill='#010066']")
    assert (canton.get("width"), canton.get("height")) == ("14", "8")  # half the width, 8 stripes tall
    assert len(svg.findall(f"{ns}circle")) == 2  # the crescent: a yellow disc cut by a blue one
    star = svg.find(f"{ns}polygon[@fill='#fc0']").get("points").split()
    assert len(star) == 28  # 14 points, 14 notches
    body = client.get("/").content.decode()
    assert re.search(r'<img class="masthead-flag" src="[^"]*jalur-gemilang[^"]*\.svg" alt="" width="28" height="14">',
                     body)


@pytest.mark.parametrize("page", list(POLICY_PATHS))
def test_it_serves_each_policy_page_in_both_languages(demo, client, page):
    ms, en, title_ms, title_en = POLICY_PATHS[page]
    assert PAGES[page] == (ms[1:], en[1:])
    bm = client.get(ms)
    assert bm.status_code == 200 and bm["Content-Language"] == "ms"
    assert f"<h1>{title_ms}</h1>" in bm.content.decode()
    english = client.get(en)
    assert english.status_code == 200 and english["Content-Language"] == "en"
    assert f"<h1>{title_en}</h1>" in english.content.decode()


def test_it_writes_each_policy_in_the_pages_language(demo, client):
    assert "Akta Perlindungan Data Peribadi 2010" in client.get("/dasar-privasi/").content.decode()
    en = client.get("/en/privacy-policy/").content.decode()
    assert "Personal Data Protection Act 2010" in en and "Akta Perlindungan" not in en
    assert "kata laluan" in client.get("/dasar-keselamatan/").content.decode()
    assert "password" in client.get("/en/security-policy/").content.decode()


def test_it_links_every_policy_and_the_sitemap_from_every_footer(demo, client):
    for _name, lang, path in public_paths():
        body = client.get(path).content.decode()
        footer = body[body.index('<footer class="site-footer">'):]
        for paths in POLICY_PATHS.values():
            assert f'href="{paths[LANGS.index(lang)]}"' in footer, (path, paths[LANGS.index(lang)])


def test_it_lists_the_portal_in_the_sitemap_page(demo, client):
    body = client.get("/en/sitemap/").content.decode()
    for target in ("/en/", "/en/results/", "/en/news/", "/en/faq/", "/en/downloads/", "/apply/",
                   "/en/privacy-policy/", "/en/copyright/"):
        assert f'href="{target}"' in body, target
    article = NewsArticle.objects.published().first()
    assert f'href="/en/news/{article.slug}/"' in body
    # and the search engines' sitemap names the new pages too
    xml = client.get("/sitemap.xml").content.decode()
    assert "/dasar-privasi/" in xml and "/en/sitemap/" in xml


def _updated(body):
    found = re.search(r'class="page-updated">[^<]*<time datetime="(\d{4}-\d\d-\d\d)">([^<]+)</time>', body)
    return found and (found.group(1), found.group(2))


def test_it_dates_each_page_from_its_own_content(demo, client):
    noon = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))  # noqa: E731
    FaqEntry.objects.update(updated_at=noon(datetime.date(2026, 11, 3)))
    FaqEntry.objects.filter(pk=FaqEntry.objects.first().pk).update(updated_at=noon(datetime.date(2026, 11, 20)))
    NewsArticle.objects.update(updated_at=noon(datetime.date(2026, 10, 1)))
    assert _updated(client.get("/en/faq/").content.decode()) == ("2026-11-20", "20 November 2026")
    assert _updated(client.get("/soalan-lazim/").content.decode()) == ("2026-11-20", "20 November 2026")
    assert _updated(client.get("/en/news/").content.decode()) == ("2026-10-01", "1 October 2026")
    # A draft does not date the page: nobody sees it yet.
    FaqEntry.objects.create(question_ms="Draf", answer_ms="<p>-</p>")
    assert _updated(client.get("/en/faq/").content.decode())[0] == "2026-11-20"
    revised = policies.REVISED["privacy"]
    assert _updated(client.get("/en/privacy-policy/").content.decode())[0] == revised.isoformat()


def test_it_dates_every_portal_page(demo, client):
    visited = 0
    for _name, _lang, path in public_paths():
        assert _updated(client.get(path).content.decode()), path
        visited += 1
    assert visited == 2 * len(PAGES)


def test_it_lets_the_system_administrator_publish_the_own_wording_of_a_policy(demo, client, login):
    """Draft (the default text still shows) → preview → publish (the wording and its date show,
    sanitised) → unpublish (the default is back); every step in the audit log."""
    from django.test import Client

    from erating.base.models import AuditEntry, PolicyPage

    sysadmin = login(demo.sysadmin)
    data = {"page": "privacy", "body_ms": '<p>Dasar privasi kami yang baharu.</p><script>alert(1)</script>',
            "body_en": "<p>Our new privacy policy.</p>"}
    response = sysadmin.post("/control/system/portal/policies/new/", data)
    assert response.status_code == 302, response.content.decode()[:1500]
    policy = PolicyPage.objects.get()
    assert not policy.published and "<script" not in policy.body_ms
    public = Client()
    assert "Akta Perlindungan Data Peribadi 2010" in public.get("/dasar-privasi/").content.decode()
    preview = sysadmin.get(f"/control/system/portal/policies/{policy.pk}/preview/?lang=en").content.decode()
    assert "Our new privacy policy." in preview and "<h1>Privacy policy</h1>" in preview
    # One wording per page.
    assert sysadmin.post("/control/system/portal/policies/new/", data).status_code == 200
    assert PolicyPage.objects.count() == 1

    assert sysadmin.post(f"/control/system/portal/policies/{policy.pk}/publish/", {"published": "1"}).status_code == 302
    PolicyPage.objects.filter(pk=policy.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2026, 12, 20, 12)))
    bm = public.get("/dasar-privasi/").content.decode()
    assert "Dasar privasi kami yang baharu." in bm and "Akta Perlindungan" not in bm
    assert _updated(bm)[0] == "2026-12-20"
    en = public.get("/en/privacy-policy/").content.decode()
    assert "Our new privacy policy." in en and "<h1>Privacy policy</h1>" in en
    assert "kata laluan" in public.get("/dasar-keselamatan/").content.decode()  # the other pages keep theirs

    assert sysadmin.post(f"/control/system/portal/policies/{policy.pk}/publish/", {"published": "0"}).status_code == 302
    assert "Akta Perlindungan Data Peribadi 2010" in public.get("/dasar-privasi/").content.decode()
    with scopes_disabled():
        actions = list(AuditEntry.objects.filter(object_type="PolicyPage").values_list("action", flat=True))
    assert sorted(actions) == ["portal.create", "portal.publish", "portal.unpublish"]
    assert 'href="/control/system/portal/policies/"' in sysadmin.get("/control/system/portal/").content.decode()
