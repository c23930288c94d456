"""The Analysis dashboard in Chromium: charts drawn (canvas pixels) and their data tables present
at phone and desktop widths in BM and EN, no sideways scrolling on a phone, axe-core clean, and a
rating stored while the page is open shows in its figures within 5 seconds."""
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.ingest import writer as rating_writer
from erating.base.testing import PASSWORD, add_rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = (390, 844), (1280, 900)
CHARTS = ["an-dist-canvas", "an-channel-canvas", "an-trend-canvas", "an-heat-canvas", "an-reasons-canvas"]


@pytest.fixture
def home(world):
    home = world.home
    with scopes_disabled():
        home.agency.ranking_min_ratings = 2
        home.agency.save()
        now = timezone.now()
        for i in range(30):
            add_rating([home.counter, home.service, home.facility, home.officer_target][i % 4], 1 + i % 5,
                       comment="Ulasan" if i % 3 == 0 else "", reasons=[home.reasons[0].id] if i % 5 < 2 else None,
                       channel="tablet" if i % 2 else "qr", when=now - timedelta(hours=5 * i))
    return home


def log_in(page, user, lang):
    page.goto("/control/login/")
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": page.url.split("/control/")[0] + "/"}])
    page.goto("/control/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url("**/control/")


DRAWN = """(id) => {
    const c = document.getElementById(id); if (!c || !c.width) return false;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
    return false; }"""


def drawn(page, canvas_id):
    """True when the canvas has painted pixels (not just an element on the page)."""
    return page.evaluate(DRAWN, canvas_id)


def axe_violations(page):
    # Evaluated through the DevTools protocol: an injected <script> is (rightly) refused by the CSP.
    page.evaluate(AXE.read_text())
    return page.evaluate("async () => (await axe.run()).violations.map(v => v.id + ': ' + v.help + ' ' + "
                         "v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | '))")


@pytest.mark.parametrize("lang,viewport", [("ms", PHONE), ("en", PHONE), ("ms", DESKTOP), ("en", DESKTOP)])
def test_charts_render_with_tables_and_pass_axe(new_page, home, lang, viewport):
    page = new_page(viewport=viewport)
    log_in(page, home.admin, lang)
    page.goto("/control/analysis/?period=7d")
    for canvas in CHARTS:  # the sections load one after another
        page.wait_for_selector(f"#{canvas}[data-drawn='1']")
        assert drawn(page, canvas), canvas
    page.wait_for_selector("#an-comments-title")
    page.wait_for_selector("#an-rank-counter table", state="attached")
    assert page.locator("details.an-table table").count() == len(CHARTS)
    assert page.locator("#an-rank-counter table").count() >= 1
    heading = {"ms": "Analisis", "en": "Analysis"}[lang]
    assert page.locator("h1").inner_text() == heading
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert axe_violations(page) == []


def test_a_new_rating_shows_within_five_seconds(new_page, home):
    page = new_page(viewport=DESKTOP)
    log_in(page, home.admin, "en")
    page.goto("/control/analysis/?period=today")
    page.wait_for_selector("#an-comments-title")  # every section loaded
    value = page.locator(".an-stat-ratings .stat-value")
    before = int(value.inner_text().replace(",", ""))
    rating_writer.insert_new([{
        "agency": home.agency.id, "premise": home.premise.id, "target": home.counter.id, "officer": None,
        "score": 5, "channel": "qr", "reasons": [], "comment": "Baru sahaja", "contact_consent": False,
        "contact_name": "", "contact_phone": "", "contact_email": "", "created_at": timezone.now(),
        "client_time": None, "clock_skew_seconds": None, "idempotency_key": uuid.uuid4(), "device": None,
        "flagged": False, "source": "", "language": "ms"}])
    page.wait_for_function("(n) => parseInt(document.querySelector('.an-stat-ratings .stat-value').innerText"
                           ".replace(/,/g, '')) === n", arg=before + 1, timeout=5000)
    page.wait_for_selector("text=Baru sahaja", timeout=5000)
    # the trend is painted again after its own refresh
    page.wait_for_function(DRAWN, arg="an-trend-canvas", timeout=5000)
