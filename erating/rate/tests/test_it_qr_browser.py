"""The QR journey in Debian Chromium at a phone viewport: BM with JavaScript, EN without it;
the 14 KB first-view budget, 48×48 faces and an axe-core scan."""
import gzip
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django_scopes import scopes_disabled

from erating.base.models import Agency, Rating
from erating.base.testing import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BUDGET, JS_BUDGET = 14 * 1024, 10 * 1024


@pytest.fixture
def home():
    cache.clear()
    world = make_world()
    with scopes_disabled():
        Agency.objects.filter(pk=world.home.agency.pk).update(thank_you_ms="Terima kasih, tuan/puan!",
                                                             thank_you_en="Thank you, sir/madam!")
    return world.home


def ratings():
    with scopes_disabled():
        return list(Rating.objects.filter(channel=Rating.QR, source__startswith="ip:"))


def axe_violations(page):
    # Evaluated through the DevTools protocol: an injected <script> would be (rightly) blocked by the
    # page's Content-Security-Policy.
    page.evaluate(AXE.read_text())
    return page.evaluate("async () => (await axe.run()).violations.map(v => v.id + ': ' + v.help)")


def test_it_rates_with_javascript_in_bm_within_budget(new_page, live_server, home):
    page = new_page(viewport=PHONE)
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"/r/{home.counter.code}")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ms"
    # Budget: every response of the first view, gzip-compressed as the server would send it.
    origin = urlparse(live_server.url).netloc
    assert all(urlparse(r.url).netloc == origin for r in responses), [r.url for r in responses]
    sizes = {r.url: len(gzip.compress(r.body(), 9)) for r in responses}
    js = sum(size for url, size in sizes.items() if url.endswith(".js"))
    assert 0 < js <= JS_BUDGET and sum(sizes.values()) <= BUDGET, sizes
    faces = page.locator(".face label")
    assert faces.count() == 5
    for i in range(5):
        box = faces.nth(i).bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48, box
    assert page.get_by_label("Cemerlang").count() == 1  # each face is named for screen readers
    assert axe_violations(page) == []
    assert page.locator("#reasons").is_hidden()
    page.get_by_label("Tidak Memuaskan").check()
    assert page.locator("#reasons").is_visible()
    page.get_by_label("Tidak senyum").check()
    page.locator("#comment").fill("Lama menunggu")
    page.locator("button.send").click()
    page.wait_for_url("**/thanks")
    assert "Terima kasih, tuan/puan!" in page.content()
    assert axe_violations(page) == []
    [rating] = ratings()
    assert (rating.score, rating.reasons, rating.comment) == (1, [home.reasons[0].id], "Lama menunggu")


def test_it_rates_without_javascript_in_english(new_page, home):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(f"/r/{home.officer_target.code}")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#reasons").is_visible()  # no script to reveal it: always shown
    assert home.officer.full_name in page.content()
    page.get_by_label("Less than satisfactory").check()
    page.get_by_label("Incomplete information").check()
    page.locator("summary").click()
    page.get_by_label("Name").fill("Ali")
    page.get_by_label("Phone number").fill("012-345 6789")
    page.get_by_label("I agree").check()
    page.locator("button.send").click()
    page.wait_for_url("**/thanks")
    assert "Thank you, sir/madam!" in page.content()
    [rating] = ratings()
    assert (rating.score, rating.officer_id, rating.contact_phone) == (2, home.officer.id, "012-345 6789")
    assert rating.reasons == [home.reasons[1].id] and rating.contact_consent


def test_it_shows_friendly_404_and_410_pages_that_pass_axe(new_page, home):
    page = new_page(viewport=PHONE)
    assert page.goto("/r/zzzzzzzzzz").status == 404
    assert axe_violations(page) == []
    with scopes_disabled():
        home.service.active = False
        home.service.save()
    assert page.goto(f"/r/{home.service.code}").status == 410
    assert "Kod QR ini tidak lagi digunakan" in page.content()


@pytest.mark.parametrize("width", [320, 390, 768])
def test_it_fits_narrow_phones_without_sideways_scrolling(new_page, home, width):
    page = new_page(viewport=(width, 700))
    page.goto(f"/r/{home.counter.code}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for box in [page.locator(f"label[for=score-{s}]").bounding_box() for s in (5, 4, 3, 2, 1)]:
        assert box["width"] >= 48 and box["height"] >= 48
        assert box["x"] >= 0 and box["x"] + box["width"] <= width


# One tap from BM to each language, the button named in that language; the caption of 1 and the
# thank-you heading the customer then sees.
LANGUAGES = {"ms": (None, "Tidak Memuaskan", "Terima kasih!"), "en": ("English", "Unsatisfactory", "Thank you!"),
             "zh-hans": ("中文", "不满意", "谢谢您！"), "ta": ("தமிழ்", "திருப்தி இல்லை", "நன்றி!")}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_it_rates_in_every_language_within_budget(new_page, live_server, home, language, javascript):
    button, low, thanks = LANGUAGES[language]
    page = new_page(viewport=PHONE, java_script_enabled=javascript)
    page.goto(f"/r/{home.counter.code}")
    if button:
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == language
    origin = urlparse(live_server.url).netloc
    assert all(urlparse(r.url).netloc == origin for r in responses), [r.url for r in responses]
    # No web font: nothing but the page and (with JavaScript) its one script.
    assert all(r.url.endswith(".js") or "/r/" in r.url for r in responses), [r.url for r in responses]
    sizes = {r.url: len(gzip.compress(r.body(), 9)) for r in responses}
    assert sum(sizes.values()) <= BUDGET, sizes
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    if not javascript:
        assert page.locator("#reasons").is_visible()  # no script to reveal it: always shown
    page.get_by_label(low).check()
    page.locator("button.send").click()
    page.wait_for_url("**/thanks")
    assert page.locator("h1").inner_text() == thanks
    if javascript:
        assert axe_violations(page) == []
    [rating] = ratings()
    assert rating.language == {"zh-hans": "zh"}.get(language, language) and rating.score == 1
