"""A checkbox beside a long label keeps a size a thumb can hit on a phone (390 px): the QR page's
"I understand" box before a new code is made, in BM and EN."""
import pytest

from erating.base.testing import log_in_page, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return make_world()


@pytest.mark.parametrize("lang", ["en", "ms"])
def test_the_confirm_box_is_not_squeezed_on_a_phone(world, new_page, lang):
    page = new_page(viewport=(390, 844))
    log_in_page(page, world.home.admin, language=lang)
    page.goto(f"/control/targets/{world.home.counter.pk}/qr/")
    box = page.locator("input[name=confirm]").bounding_box()
    label = page.locator("label:has(input[name=confirm])").bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20, box
    assert label["height"] > box["height"]  # the label wraps beside it, the box keeps its size
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
