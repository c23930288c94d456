"""Issue 24 item 10, in Chromium: choosing a ministry narrows the agency choices at once (htmx,
no "Show" needed), and a new preset leaves no old start and end dates in the URL."""
import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from erating.base.models import Ministry
from erating.base.testing import make_agency
from erating.control.tests.test_it_analysis_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = (1280, 900)


def agency_names(page):
    return [t.strip() for t in page.locator("#f-agency option").all_inner_texts()][1:]  # after "All"


def test_a_ministry_narrows_the_agencies_at_once(new_page, world):
    with scopes_disabled():
        works = Ministry.objects.create(code="kkr", name_ms="Kementerian Kerja Raya", name_en="Ministry of Works")
        jkr = make_agency("jkr", works).agency
    page = new_page(viewport=DESKTOP)
    log_in(page, world.sysadmin, "ms")
    page.goto("/control/analysis/?period=7d")
    assert jkr.name_ms in agency_names(page) and world.home.agency.name_ms in agency_names(page)
    page.select_option("#f-ministry", str(works.pk))
    expect(page.locator("#f-agency option")).to_have_count(2)  # "All" and JKR, without pressing "Show"
    assert agency_names(page) == [jkr.name_ms]
    assert "ministry=" not in page.url  # nothing submitted yet
    page.select_option("#f-agency", str(jkr.pk))
    page.select_option("#f-ministry", str(world.ministry.pk))
    expect(page.locator("#f-agency option")).to_have_count(3)
    assert jkr.name_ms not in agency_names(page)


def test_a_new_preset_drops_the_old_dates(new_page, world):
    page = new_page(viewport=DESKTOP)
    log_in(page, world.home.admin, "ms")
    page.goto("/control/analysis/?period=custom&start=2026-01-01&end=2026-01-31")
    expect(page.locator("#f-start")).to_have_value("2026-01-01")
    page.select_option("#f-period", "7d")
    page.locator("form.an-filters button[type=submit]").click()
    page.wait_for_url("**period=7d**")
    assert "start=" not in page.url and "end=" not in page.url
    page.select_option("#f-period", "custom")
    page.fill("#f-start", "2026-02-01")
    page.fill("#f-end", "2026-02-10")
    page.locator("form.an-filters button[type=submit]").click()
    page.wait_for_url("**start=2026-02-01**")
    assert "end=2026-02-10" in page.url
