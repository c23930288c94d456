"""Under the Content-Security-Policy the main pages work in Debian Chromium and the console shows
no violation: the QR page, the kiosk, the portal, the login form and the back office (htmx)."""
import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from erating.base.testing import PASSWORD, add_rating, log_in_page, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return make_world()


def watched(page):
    """Collects console errors and securitypolicyviolation events of the page."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
    return problems


def visit(page, url):
    response = page.goto(url)
    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()} or \
        "content-security-policy" in response.headers
    page.wait_for_load_state("networkidle")


def test_public_pages_have_no_policy_violations(world, new_page):
    page = new_page()
    problems = watched(page)
    for url in ["/", "/apply/", "/control/login/", f"/r/{world.home.counter.code}", "/kiosk/"]:
        visit(page, url)
    # The QR page's inlined critical CSS applied (the nonce let it through).
    page.goto(f"/r/{world.home.counter.code}")
    assert page.evaluate("getComputedStyle(document.querySelector('.top')).display") == "flex"
    assert not [p for p in problems if "Content Security Policy" in p or "CSP violation" in p], problems


def test_back_office_has_no_policy_violations_and_confirms_by_script(world, new_page):
    page = new_page()
    problems = watched(page)
    page.goto("/control/login/")
    page.locator("input[name=username]").fill(world.sysadmin.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/control/")
    for url in ["/control/", "/control/system/agencies/"]:
        visit(page, url)
    # The suspend button asks first (app.js, no inline handler); dismissing keeps the agency active.
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("form[data-confirm] button").first.click()
    page.wait_for_timeout(300)
    assert asked, "no confirmation was asked"
    world.home.agency.refresh_from_db()
    assert world.home.agency.is_active
    assert not [p for p in problems if "Content Security Policy" in p or "CSP violation" in p], problems


def test_htmx_pages_have_no_policy_violations(world, new_page):
    page = new_page()
    problems = watched(page)
    page.goto("/control/login/")
    page.locator("input[name=username]").fill(world.home.admin.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/control/")
    for url in ["/control/premises/", "/control/staff/", f"/control/premises/{world.home.premise.pk}/"]:
        visit(page, url)
        expect(page.locator("main h1")).to_be_visible()
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert not [p for p in problems if "Content Security Policy" in p or "CSP violation" in p], problems


def test_live_refresh_of_the_dashboard_has_no_policy_violations(world, new_page):
    """A new rating makes the dashboard's sections reload (htmx swaps, Chart.js redraws): nothing in
    that path may set a style attribute or insert a <style>, and the CSP stays strict."""
    page = new_page()
    problems = watched(page)
    log_in_page(page, world.home.admin)
    visit(page, "/control/analysis/")
    expect(page.locator("#an-live")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.locator("canvas").count() > 0  # charts drawn: their canvases carry Chart.js's sizes
    # The poll (every 3 s) sees the new stamp and the sections reload.
    section = page.expect_response(lambda r: "/control/analysis/" in r.url and "/stamp/" not in r.url, timeout=15000)
    with section, scopes_disabled():
        add_rating(world.home.counter, 2)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    assert not [p for p in problems if "Content Security Policy" in p or "CSP violation" in p], problems
    assert not problems, problems
