"""The follow-up inbox and a case in Chromium, at phone and desktop sizes: an overdue case stands
out, the page never scrolls sideways, and a supervisor acknowledges and notes a case by hand."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from erating.base.followup import alerts, cases
from erating.base.models import Rating
from erating.base.testing import add_rating, make_world
from tests.browser.test_it_role_homes import DESKTOP, PHONE, SHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    w = make_world()
    h = w.home
    with scopes_disabled():
        late = add_rating(h.counter, 1, comment="Menunggu dua jam tanpa dipanggil",
                          reasons=[h.reasons[0].id], when=timezone.now() - datetime.timedelta(days=30))
        Rating.objects.filter(pk=late.pk).update(contact_consent=True, contact_name="Aminah binti Ali",
                                                 contact_phone="0198765432", contact_email="aminah@example.my")
        w.case = cases.open_case(Rating.objects.get(pk=late.pk), user=h.admin, now=late.created_at)
        now = timezone.now()
        for score in (1, 1, 2, 4):
            add_rating(h.counter, score, when=now - datetime.timedelta(minutes=2))
        alerts.evaluate(h.agency, now)
    return w


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_inbox_and_case_at_phone_and_desktop_sizes(world, new_page, size):
    viewport = PHONE if size == "phone" else DESKTOP
    page = new_page(viewport=viewport, **({"is_mobile": True, "has_touch": True} if size == "phone" else {}))
    log_in(page, world.home.supervisor)
    page.goto("/control/followup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Susulan penilaian rendah")
    overdue = page.locator("tr.is-overdue")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("Lewat")
    # The overdue row is marked by colour too (not only the word): its cells have a red tint.
    assert overdue.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"followup-inbox-{size}.png"), full_page=True)

    overdue.get_by_role("link", name=f"#{world.case.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Kes #{world.case.pk}")
    expect(page.locator("main")).to_contain_text("aminah@example.my")
    page.get_by_role("button", name="Diakui").click()
    expect(page.locator(".alert-success")).to_contain_text("Status kes telah ditukar.")
    page.locator("#id_note-text").fill("Petugas kaunter telah diberi taklimat.")
    page.get_by_role("button", name="Tambah catatan").click()
    expect(page.locator(".timeline")).to_contain_text("Petugas kaunter telah diberi taklimat.")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    page.screenshot(path=str(SHOTS / f"followup-case-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_alerts_at_phone_and_desktop_sizes(world, new_page, size):
    viewport = PHONE if size == "phone" else DESKTOP
    page = new_page(viewport=viewport, **({"is_mobile": True, "has_touch": True} if size == "phone" else {}))
    log_in(page, world.home.supervisor)
    page.goto("/control/followup/")
    page.get_by_role("link", name="1 amaran menunggu untuk diakui").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amaran")
    rows = page.locator("tbody tr.is-overdue")
    expect(rows).to_have_count(1)  # the counter's burst: one alert, not its premise's too
    # The world's own ratings of a moment ago count too: 4 of the counter's 6 are low.
    premise_row = rows.filter(has_text="Kaunter 1")
    expect(premise_row).to_contain_text("4 daripada 6 penilaian dalam 15 minit terakhir adalah rendah.")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"followup-alerts-{size}.png"), full_page=True)
    premise_row.get_by_role("link").click()
    page.get_by_role("button", name="Akui").click()
    expect(page.locator(".alert-success")).to_contain_text("Amaran telah diakui.")
    page.locator("#id_text").fill("Kaunter kedua dibuka.")
    page.get_by_role("button", name="Tambah ulasan").click()
    expect(page.locator(".timeline")).to_contain_text("Kaunter kedua dibuka.")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    page.screenshot(path=str(SHOTS / f"followup-alert-{size}.png"), full_page=True)
