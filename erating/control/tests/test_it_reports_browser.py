"""The background path in Debian Chromium: a large report is queued, the page's progress bar
follows the job (htmx polling) and offers the download when it is ready."""
import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from erating.base.models import ReportFile
from erating.base.reports.jobs import build_report
from erating.base.testing import log_in_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_progress_then_offers_the_file(world, new_page, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # the test runs the job
    settings.REPORT_INLINE_ROWS = 1
    settings.MEDIA_ROOT = tmp_path
    page = new_page()
    log_in_page(page, world.home.admin)

    page.goto("/control/reports/")
    page.select_option("select[name=report]", "detailed")
    page.select_option("select[name=fmt]", "xlsx")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "pending")
    expect(page.locator("progress")).to_have_attribute("value", "0")

    with scopes_disabled():
        record = ReportFile.objects.get()
        ReportFile.objects.filter(pk=record.pk).update(status=ReportFile.RUNNING, rows_total=8, rows_done=4)
    expect(page.locator("progress")).to_have_attribute("value", "50", timeout=8000)  # polled, no reload

    with scopes_disabled():
        ReportFile.objects.filter(pk=record.pk).update(status=ReportFile.PENDING)
    build_report.call(record.pk)
    download_link = page.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=8000)
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.startswith("laporan-terperinci-") and info.value.suggested_filename.endswith(".xlsx")
