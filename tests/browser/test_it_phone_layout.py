"""Every back-office page an agency admin or the system administrator can reach from the menu
fits a phone's width: wide lists scroll sideways inside themselves, the page never does."""
import pytest

from erating.base.testing import make_world
from tests.browser.test_it_role_homes import PHONE, log_in, user_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return make_world()


@pytest.mark.parametrize("role", ["admin", "sysadmin"])
def test_every_menu_page_fits_a_phone(world, new_page, role):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(page, user_for(world, role))
    links = [href for href in page.locator("nav.sidenav li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
             if not href.endswith(".pdf") and ".pdf?" not in href]
    assert len(links) >= 5, links
    too_wide = {}
    for href in links:
        page.goto(href)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE[0]:
            too_wide[href] = width
    assert too_wide == {}, too_wide
