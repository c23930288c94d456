"""The screenshots for the manuals, taken by the project's own automation (Playwright on Debian's
Chromium) from a running demo: the customer's QR page and kiosk, a logged-in role's home and a
portal page, in English, at the size each is used at."""
import os

import pytest
from django.core.cache import cache
from PIL import Image

from erating.base.demo.generate import DemoBuilder
from erating.base.portal_content import screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_each_roles_screens_from_the_running_demo(live_server, tmp_path, settings):
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    DemoBuilder(premises=3, ratings=300, days=30).build()
    only = ["qr-rate", "qr-thanks", "kiosk", "officer-home", "supervisor-followup", "portal-results"]
    written = screenshots.capture(live_server.url, out=tmp_path / "shots", langs=("en",), chromium=chromium, only=only)
    assert sorted(p.name for p in written) == sorted(f"{name}.en.png" for name in only)
    sizes = {p.name.split(".")[0]: Image.open(p).size for p in written}
    assert sizes["qr-rate"] == screenshots.PHONE and sizes["kiosk"] == screenshots.TABLET
    assert sizes["officer-home"] == sizes["portal-results"] == screenshots.DESKTOP
    # The thank-you screen follows a real rating sent through the QR page.
    from django_scopes import scopes_disabled

    from erating.base.models import Rating

    with scopes_disabled():
        assert Rating.objects.filter(channel=Rating.QR, score=5, language="en").exists()
