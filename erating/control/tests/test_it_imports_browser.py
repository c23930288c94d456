"""Main administration path in Debian Chromium: an agency administrator creates a premise and a
counter, imports officers from a CSV (preview, then confirm) and finds them in the staff list."""
import time

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from erating.base.models import Premise, Target, User
from erating.base.testing import log_in_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_creates_premise_counter_and_imports_officers(world, new_page):
    mail.outbox.clear()
    page = new_page()
    log_in_page(page, world.home.admin)

    page.goto("/control/premises/new/")
    page.fill("input[name=code]", "home-melaka")
    page.fill("input[name=name]", "Pejabat Melaka")
    page.select_option("select[name=state]", "MLK")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Pejabat Melaka")

    page.get_by_role("link", name="Add counter, service or facility").click()
    with scopes_disabled():
        melaka = Premise.objects.get(code="home-melaka")
    expect(page.locator("select[name=premise]")).to_have_value(str(melaka.pk))  # preselected from the premise
    page.select_option("select[name=kind]", "counter")
    page.fill("input[name=name]", "Kaunter Melaka 1")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Kaunter Melaka 1")

    page.goto("/control/import/officers/")
    csv = ("email,full_name,premise_code,language,counters\n"
           "aminah@home.gov.my,Aminah Yusof,home-melaka,ms,Kaunter Melaka 1\n"
           "ravi@home.gov.my,Ravi Kumar,home-melaka,en,\n")
    page.set_input_files("input[name=file]", files=[{"name": "officers.csv", "mimeType": "text/csv",
                                                     "buffer": csv.encode()}])
    page.click("form[enctype] button[type=submit]")
    expect(page.locator("#import-rows tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Confirm and import 2 rows").click()

    expect(page.locator("h1")).to_have_text("Officers & supervisors")
    expect(page.get_by_role("link", name="Aminah Yusof")).to_be_visible()
    expect(page.get_by_role("link", name="Ravi Kumar")).to_be_visible()
    with scopes_disabled():
        aminah = User.objects.get(email="aminah@home.gov.my")
        target = Target.objects.get(officer=aminah)
        assert target.premise.code == "home-melaka" and aminah.counter_links.get().counter.name == "Kaunter Melaka 1"
    assert sorted(m.to[0] for m in mail.outbox) == ["aminah@home.gov.my", "ravi@home.gov.my"]

    # inline deactivation through htmx: the row's form is swapped in place, no page load
    row = page.locator("tr", has=page.get_by_role("link", name="Ravi Kumar"))
    row.get_by_role("button", name="Deactivate").click()
    expect(row.get_by_role("button", name="Activate")).to_be_visible()
    # The live server writes on its own connection; poll briefly rather than trust one read.
    deadline = time.monotonic() + 5
    while True:
        with scopes_disabled():
            active = User.objects.get(email="ravi@home.gov.my").is_active
        if not active or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not active
