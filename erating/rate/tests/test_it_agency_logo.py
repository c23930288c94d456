"""Issue 24 item 4: the agency's logo, shown on its posters and PDFs, is on its QR rating page
(form and thank-you) and on its kiosk, in the header beside its name."""
import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django_scopes import scopes_disabled
from PIL import Image
from playwright.sync_api import expect

from erating.base.catalogue import devices
from erating.base.models import Agency
from erating.rate.tests.test_it_kiosk_browser import open_paired
from erating.rate.tests.test_it_qr import send, url


@pytest.fixture
def logo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (200, 30, 30)).save(buffer, "PNG")
    with scopes_disabled():
        agency = Agency.objects.get(pk=world.home.agency.pk)
        agency.logo.save("logo.png", ContentFile(buffer.getvalue()))
    yield agency.logo.url
    cache.clear()


@pytest.mark.django_db
def test_it_shows_the_logo_on_the_qr_page_and_thanks(world, logo):
    client = Client()
    page = client.get(url(world.home.counter)).content.decode()
    assert f'<img class="agency-logo" src="{logo}" alt=""' in page
    thanks = send(client, world.home.counter, score="5")
    if thanks.status_code in (302, 303):
        thanks = client.get(thanks["Location"])
    assert f'src="{logo}"' in thanks.content.decode()


@pytest.mark.django_db
def test_it_shows_no_logo_for_an_agency_without_one(world):
    cache.clear()
    assert 'class="agency-logo"' not in Client().get(url(world.other.counter)).content.decode()


@pytest.mark.django_db
def test_it_sends_the_logo_in_the_kiosk_configuration(world, logo):
    with scopes_disabled():
        device, _token = devices.pair(devices.create_pairing_code(world.home.premise).code, ip="10.0.0.9")
        assert devices.kiosk_config(device)["logo"] == logo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_logo_on_the_kiosk(new_page, world, logo, settings):
    # The test server does not serve uploads (production's web server does): the browser gets
    # the stored file itself.
    stored = (settings.MEDIA_ROOT / "logos" / "logo.png").read_bytes()

    def new_page_serving_media(**kwargs):
        page = new_page(**kwargs)
        page.route("**/media/**", lambda route: route.fulfill(body=stored, content_type="image/png"))
        return page

    page = open_paired(new_page_serving_media, world.home.premise, target=world.home.counter)
    expect(page.locator("#k-logo")).to_be_visible()
    assert page.locator("#k-logo").evaluate("img => img.complete && img.naturalWidth") == 120
    assert page.locator("#k-logo").get_attribute("src") == logo
