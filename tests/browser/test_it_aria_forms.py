"""In Chromium, the forms' help texts and errors are the inputs' accessible descriptions (what a
screen reader announces), and no aria-describedby/labelledby on the page names a missing id."""
import pytest
from django.utils import translation
from playwright.sync_api import expect

from erating.base.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISSING_REFS = """() => [...document.querySelectorAll('[aria-describedby],[aria-labelledby]')].flatMap(el =>
  ['aria-describedby', 'aria-labelledby'].flatMap(a => (el.getAttribute(a) || '').split(/\\s+/)
    .filter(id => id && !document.getElementById(id)).map(id => `${el.name || el.id}: ${a}=${id}`)))"""


def ms(msgid):
    with translation.override("ms"):
        return translation.gettext(msgid)


def log_in(page, user):
    page.goto("/control/login/")
    assert page.evaluate(MISSING_REFS) == []
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/control/")


def test_it_announces_help_and_errors_of_the_staff_form(new_page, world):
    page = new_page()
    log_in(page, world.home.admin)
    page.goto("/control/staff/new/")
    assert page.evaluate(MISSING_REFS) == []
    home_premise = page.locator("#id_home_premise")
    expect(home_premise).to_have_accessible_description(ms("Officers: where their personal QR code is displayed."))

    page.locator("main form.card button[type=submit]").click()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate(MISSING_REFS) == []
    expect(page.locator("#id_email")).to_have_accessible_description(ms("This field is required."))


def test_it_announces_the_help_of_the_pin_and_import_forms(new_page, world):
    page = new_page()
    log_in(page, world.home.admin)
    page.goto(f"/control/staff/{world.home.officer.pk}/")
    assert page.evaluate(MISSING_REFS) == []
    expect(page.locator("#id_pin")).to_have_accessible_description(ms("4 to 6 digits, used to sign on at a tablet."))
    page.goto("/control/import/officers/")
    assert page.evaluate(MISSING_REFS) == []
    expect(page.locator("#id_file")).to_have_accessible_description(
        ms("At most 10,000 rows. CSV files must be saved as UTF-8."))
