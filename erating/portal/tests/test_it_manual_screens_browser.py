"""The screenshots for the manuals, taken by the project's own automation (Playwright on Debian's
Chromium) from a running demo: every screen the manuals show, in English, at the size each is used
at; and every one of those pages passes axe-core."""
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image

from erating.base.demo.generate import DemoBuilder
from erating.base.portal_content import screenshots

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_each_roles_screens_from_the_running_demo(browser, live_server, tmp_path, settings):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    DemoBuilder(premises=3, ratings=300, days=30).build()
    problems = []

    def axe(name, page):
        page.evaluate(AXE.read_text())
        problems.extend(f"{name}: {v}" for v in page.evaluate(
            "async () => (await axe.run()).violations.map(v => v.id + ': ' + v.help + ' ' + "
            "v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"))

    written = screenshots.capture(live_server.url, out=tmp_path / "shots", langs=("en",), browser=browser,
                                  inspect=axe)
    assert len(written) == 24
    assert not problems, "\n".join(problems)
    sizes = {p.name.split(".")[0]: Image.open(p).size for p in written}
    assert sizes["qr-rate"] == screenshots.PHONE and sizes["kiosk"] == screenshots.TABLET
    assert sizes["officer-home"] == sizes["portal-results"] == screenshots.DESKTOP
    # The thank-you screen follows a real rating sent through the QR page.
    from django_scopes import scopes_disabled

    from erating.base.models import Rating

    with scopes_disabled():
        assert Rating.objects.filter(channel=Rating.QR, score=5, language="en").exists()
