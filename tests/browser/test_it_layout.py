"""Page frame in Chromium at phone and desktop widths: headings clear of the header, the footer
at the bottom of short pages, the back-office menu folded on phones, and wide tables that say
they scroll."""
import pytest
from django.utils import translation
from playwright.sync_api import expect

from erating.base.testing import make_world
from tests.browser.test_it_role_homes import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return make_world()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
@pytest.mark.parametrize("path,header_selector,gap", [
    ("/control/login/", "header.topbar", 24),
    ("/apply/", "header.site-header", 0),  # the portal's look: the heading's band starts under the header
])
def test_it_keeps_headings_clear_of_the_header(new_page, viewport, path, header_selector, gap):
    page = new_page(viewport=viewport)
    page.goto(path)
    header, heading = box(page, header_selector), box(page, "main h1")
    assert heading["y"] - (header["y"] + header["height"]) >= gap, (path, viewport)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_it_keeps_the_footer_at_the_bottom_of_a_short_page(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto("/control/password/reset/")
    footer = box(page, "footer.footer")
    assert abs(footer["y"] + footer["height"] - viewport[1]) <= 1, footer


def test_it_folds_the_back_office_menu_on_phones(new_page, world):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(page, world.home.admin)
    toggle, menu = page.locator(".sidenav-toggle"), page.locator("#sidenav-list")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # The page's own heading is on the first screen, not below eleven menu buttons.
    assert box(page, "main h1")["y"] < 400
    toggle.click()
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.locator("#sidenav-list a[href='/control/audit/']").click()
    page.wait_for_url("**/control/audit/")
    expect(page.locator("#sidenav-list")).to_be_hidden()

    desktop = new_page(viewport=DESKTOP)
    log_in(desktop, world.home.admin)
    expect(desktop.locator(".sidenav-toggle")).to_be_hidden()
    expect(desktop.locator("#sidenav-list")).to_be_visible()


def test_it_says_a_wide_table_scrolls_on_phones_only(new_page, world):
    with translation.override("ms"):
        cue = translation.gettext("Swipe sideways to see more columns →")
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, world.home.admin)
    phone.goto("/control/staff/")
    expect(phone.locator(".scroll-cue").first).to_have_text(cue)
    table = phone.locator("main table").first
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    phone.goto("/control/audit/")  # a table inside a .table-wrap box
    expect(phone.locator(".scroll-cue").first).to_have_text(cue)
    desktop = new_page(viewport=DESKTOP)
    log_in(desktop, world.home.admin)
    desktop.goto("/control/staff/")
    expect(desktop.locator("main table").first).to_be_visible()
    expect(desktop.locator(".scroll-cue")).to_have_count(0)
