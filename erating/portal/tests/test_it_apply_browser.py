"""Main onboarding path in a real browser: an agency applies on the portal, the system administrator
approves it, and the invitation e-mail goes to the officer in charge."""
import pytest
from django.core import mail
from playwright.sync_api import expect

from erating.base.models import AgencyApplication
from erating.base.testing import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_apply_then_approve_sends_invitation(world, new_page):
    mail.outbox.clear()
    applicant = new_page(viewport=(390, 844))  # a phone
    applicant.goto("/apply/")
    applicant.fill("input[name=agency_name]", "Jabatan Perpaduan Negara")
    applicant.select_option("select[name=ministry]", str(world.ministry.pk))
    applicant.fill("input[name=premises_planned]", "8")
    applicant.select_option("select[name=medium]", "both")
    applicant.fill("input[name=officer_name]", "Siti Aminah")
    applicant.fill("input[name=officer_position]", "Ketua Penolong Pengarah")
    applicant.fill("input[name=officer_email]", "siti@perpaduan.gov.my")
    applicant.fill("input[name=officer_phone]", "03-8880 8000")
    applicant.check("input[name=consent]")
    applicant.click("form.card button[type=submit]")
    expect(applicant.get_by_test_id("apply-done")).to_be_visible()
    application = AgencyApplication.objects.get()
    assert application.status == AgencyApplication.PENDING
    # The applicant's acknowledgement and the system administrators' notice (issue 24 item 3).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["siti@perpaduan.gov.my", world.sysadmin.email])
    mail.outbox.clear()

    admin = new_page()
    admin.goto("/control/login/")
    admin.fill("input[name=username]", world.sysadmin.email)
    admin.fill("input[name=password]", PASSWORD)
    admin.click("main form button[type=submit]")
    admin.goto("/control/system/applications/")
    admin.get_by_role("link", name="Jabatan Perpaduan Negara").click()
    expect(admin.locator("input[name=code]")).to_have_value("jabatan-perpaduan-negara")
    admin.click("form[action$='/approve/'] button[type=submit]")
    expect(admin.locator("form[action$='/approve/']")).to_have_count(0)  # decided: no more buttons

    application.refresh_from_db()
    assert application.status == AgencyApplication.APPROVED and application.agency.code == "jabatan-perpaduan-negara"
    message, = mail.outbox
    assert message.to == ["siti@perpaduan.gov.my"]
    assert "/control/password/reset/" in message.body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_form_in_the_portal_look_on_a_phone(world, new_page):
    """Issue 24 items 3 and 12: the portal's header and styles, no sideways scroll, axe clean, and
    the consent checkbox keeps its size beside its long label."""
    from erating.portal.tests.test_it_portal_browser import axe_violations

    page = new_page(viewport=(390, 844), is_mobile=True, has_touch=True)
    page.goto("/apply/")
    expect(page.locator("header.site-header nav.site-nav")).to_be_visible()
    page.click("form.apply-form button[type=submit]")  # empty: every error shown
    expect(page.locator(".apply-form .error").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("input[name=consent]").bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20
    assert axe_violations(page) == []
