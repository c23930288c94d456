"""Each of the four roles logs in through the form in Debian Chromium and sees its home page in
BM, then in EN after pressing the on-page language button. Screenshots go to SHOTS_DIR (default: the system temp directory's erating-shots/)."""
import os
import tempfile
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from erating.base.testing import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SHOTS_DIR") or Path(tempfile.gettempdir()) / "erating-shots")
PHONE, DESKTOP = (390, 844), (1280, 800)

# role → (heading msgid, nav entries it must have, nav entries it must NOT have)
ROLES = {
    "sysadmin": ("All agencies", ["Overview", "Premises", "Change password"], []),
    "admin": ("Overview", ["Overview", "Premises", "Change password"], []),
    "supervisor": ("My premises", ["Overview", "Premises", "Change password"], ["Tablets"]),
    "officer": ("My ratings", ["Overview", "Change password"], ["Premises", "Tablets"]),
}


def ms(msgid):
    with translation.override("ms"):
        text = translation.gettext(msgid)
    assert text != msgid, f"BM catalogue lacks {msgid!r}"
    return text


@pytest.fixture
def world(transactional_db):
    return make_world()


def user_for(world, role):
    return world.sysadmin if role == "sysadmin" else getattr(world.home, role)


def log_in(page, user):
    page.goto("/control/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log masuk ke eRating")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/control/")


def nav_texts(page):
    return [t.strip() for t in page.locator("nav.sidenav li a").all_inner_texts()]


def heading_text(world, role, msgid, lang):
    if role == "admin":  # the agency admin's heading is the agency's name
        return world.home.agency.name_ms if lang == "ms" else world.home.agency.name_en
    return ms(msgid) if lang == "ms" else msgid


@pytest.mark.parametrize("role", list(ROLES))
def test_it_shows_each_role_its_home_in_bm_then_en(world, new_page, role):
    msgid, must, must_not = ROLES[role]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=DESKTOP)
    log_in(page, user_for(world, role))

    # BM first.
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading_text(world, role, msgid, "ms"))
    nav = nav_texts(page)
    assert [ms(m) for m in must] == [n for n in nav if n in {ms(m) for m in must}], nav
    assert not {ms(m) for m in must_not} & set(nav), nav
    page.screenshot(path=str(SHOTS / f"{role}-ms-desktop.png"), full_page=True)

    # Skip link: the first Tab lands on it, it becomes visible and leads to <main>.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(ms("Skip to main content"))
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "skip link stays off-screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # One click to English, on the same page.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/control/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading_text(world, role, msgid, "en"))
    nav = nav_texts(page)
    assert [m for m in nav if m in must] == must, nav
    assert not set(must_not) & set(nav), nav
    page.screenshot(path=str(SHOTS / f"{role}-en-desktop.png"), full_page=True)

    # Still English on the next page, and at phone size nothing overflows sideways.
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto("/control/password/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/control/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(SHOTS / f"{role}-en-phone.png"), full_page=True)
    assert overflow <= 1, f"page is {overflow}px wider than a {PHONE[0]}px phone"
