"""The portal in Debian Chromium: every page in BM and EN at phone and desktop sizes passes axe-core
and fits the screen; the FAQ accordion and its search work from the keyboard."""
import os
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django_scopes import scopes_disabled

from erating.base.models import FaqEntry
from erating.base.portal_content.demo import build_portal_demo
from erating.base.testing import make_world
from erating.portal.tests.public_pages import public_paths, publish_a_premise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core from this checkout's node_modules (never a machine-specific path).
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = (390, 844), (1280, 800)
SHOTS = os.environ.get("PORTAL_SCREENSHOTS")  # a directory to keep screenshots in, to look at them


@pytest.fixture
def portal(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    with scopes_disabled():
        build_portal_demo()
    publish_a_premise(world)
    yield
    cache.clear()


def axe_violations(page):
    # Through the DevTools protocol: the page's Content-Security-Policy (rightly) blocks an injected <script>.
    page.evaluate(AXE.read_text())
    return page.evaluate("async () => (await axe.run()).violations.map(v => v.id + ': ' + v.help + ' ' + "
                         "v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")


def paths():
    return list(public_paths())  # every page, its parameters filled from the data (none skipped)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_shows_every_page_accessibly_in_both_languages(portal, new_page, size):
    page = new_page(viewport=size)
    problems = []
    for name, lang, path in paths():
        response = page.goto(path)
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == lang
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{path}: {overflow}px sideways scroll")
        problems += [f"{path} {size}: {v}" for v in axe_violations(page)]
        if name == "premise_results":  # its results poster, linked from the page, is served too
            poster = page.locator("a[href*='format=pdf']")
            assert poster.count() == 1, path
            answer = page.request.get(urljoin(page.url, poster.get_attribute("href")))
            assert answer.status == 200 and answer.headers["content-type"] == "application/pdf", path
        if SHOTS:
            page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
            page.wait_for_timeout(150)
            page.screenshot(path=f"{SHOTS}/{name}-{lang}-{size[0]}.png", full_page=True)
    assert "premise_results" in {name for name, _lang, _path in paths()}
    assert not problems, "\n".join(problems)


def test_it_opens_and_searches_the_faq_by_keyboard(portal, new_page):
    page = new_page(viewport=PHONE)
    page.goto("/en/faq/")
    total = FaqEntry.objects.published().count()
    assert page.locator(".faq-item:visible").count() == total
    # Tab from the top of the page reaches the search box, then the accordion's questions.
    page.keyboard.press("Tab")  # skip link
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "faq-q":
            break
    assert page.evaluate("document.activeElement.id") == "faq-q"
    page.keyboard.type("warranty")
    # Polled from here: wait_for_function evaluates a string, which the page's CSP forbids (no 'unsafe-eval').
    for _ in range(50):
        if page.evaluate("() => document.querySelectorAll('.faq-item:not([hidden])').length") == 1:
            break
        page.wait_for_timeout(100)
    assert page.locator("#faq-count").inner_text() == "One question matches."
    page.keyboard.press("Enter")  # jumps to the first match, opened
    focused = page.evaluate("document.activeElement.tagName + ' ' + document.activeElement.closest('details').open")
    assert focused == "SUMMARY true"
    assert page.locator(".faq-item[open] .faq-a").inner_text().startswith("The warranty")
    page.keyboard.press("Enter")  # closes it again
    assert page.evaluate("document.activeElement.closest('details').open") is False
    # Escape in the box clears the search and shows every question again.
    page.focus("#faq-q")
    page.keyboard.press("Escape")
    assert page.locator(".faq-item:visible").count() == total
    # Space on a question opens it: the accordion works from the keyboard without the search.
    page.locator(".faq-item summary").first.focus()
    page.keyboard.press("Space")
    assert page.evaluate("document.querySelector('.faq-item').open") is True
    assert axe_violations(page) == []


def test_it_switches_language_to_the_same_page(portal, new_page):
    page = new_page(viewport=PHONE)
    page.goto("/soalan-lazim/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/faq/")
    assert page.get_attribute("html", "lang") == "en"
    page.get_by_role("link", name="Bahasa Melayu").click()
    page.wait_for_url("**/soalan-lazim/")
    page.goto("/")
    page.get_by_role("link", name="Mohon untuk menyertai eRating").click()
    page.wait_for_url("**/apply/")
