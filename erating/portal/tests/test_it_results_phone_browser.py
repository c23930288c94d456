"""Issue 24 item 1: on a 390 px phone the public results table fits its scroller, so the key
number (satisfaction) is on screen in full, in BM and EN, with real-length names."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import aggregates
from erating.base.models import Agency, Ministry
from erating.base.testing import add_rating, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = (390, 844)


@pytest.fixture
def results(settings):
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_RESULTS_MIN_RATINGS = 1
    world = make_world()
    now = timezone.now()
    with scopes_disabled():
        Ministry.objects.filter(pk=world.ministry.pk).update(
            name_ms="Kementerian Perumahan dan Kerajaan Tempatan", name_en="Ministry of Housing and Local Government")
        Agency.objects.filter(pk=world.home.agency.pk).update(
            name_ms="Jabatan Pengurusan Sisa Pepejal Negara", name_en="National Solid Waste Management Department")
        for i in range(1234):
            add_rating(world.home.counter, 5 if i % 9 else 2, when=now - datetime.timedelta(minutes=1 + i % 50))
        aggregates.rebuild(now.date() - datetime.timedelta(days=2), now.date() + datetime.timedelta(days=1))
    yield world
    cache.clear()


@pytest.mark.parametrize("path", ["/keputusan/", "/en/results/"])
def test_it_shows_satisfaction_on_a_phone(results, new_page, path):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(path)
    for scroller in page.locator(".table-scroll").all():
        sizes = scroller.evaluate("s => [s.scrollWidth, s.clientWidth]")
        assert sizes[0] <= sizes[1], f"{path}: table {sizes[0]} px in a {sizes[1]} px scroller"
        # The satisfaction column, every figure of it, lies inside the screen.
        for cell in scroller.locator("td.num:last-child, th.num:last-child").all():
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], path
            assert cell.evaluate("c => c.scrollWidth <= c.clientWidth"), path
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
