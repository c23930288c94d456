"""One report pipeline (issue 23): a request too large for its format is refused at once, with
the formats that can take it, and nothing is queued; the view's two ways (now, background); the
file named in the report's language; the by-month year checked by the report's own option."""
import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import ReportFile
from erating.base.reports import pdf_out
from erating.base.tests.reports_helpers import seed

pytestmark = pytest.mark.django_db


def post(client, **data):
    return client.post(reverse("control:report_run"), {"language": "ms", "fmt": "pdf", "score_min": 1,
                                                      "score_max": 5, "period": "30d", **data})


def test_it_refuses_a_pdf_too_long_at_once_and_offers_csv_and_xlsx(world, login, monkeypatch, settings):
    seed(world, timezone.localdate())
    settings.REPORT_INLINE_ROWS = 2  # it would otherwise go to the background and fail there
    monkeypatch.setattr(pdf_out, "PDF_MAX_ROWS", 3)
    response = post(login(world.home.admin), report="detailed", fmt="pdf", language="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "satu PDF memuatkan paling banyak 3 baris" in page and "Pilih CSV atau XLSX" in page  # the page's language
    with scopes_disabled():
        assert not ReportFile.objects.exists()


def test_it_queues_a_large_xlsx_and_streams_any_csv(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed(world, timezone.localdate())
    settings.REPORT_INLINE_ROWS = 2
    client = login(world.home.admin)
    response = post(client, report="detailed", fmt="xlsx")
    assert response.status_code == 302
    with scopes_disabled():
        record = ReportFile.objects.get()
    assert record.filename.startswith("laporan-terperinci-") and record.filename.endswith(".xlsx")
    response = post(client, report="detailed", fmt="csv", language="en")
    assert response.streaming and 'filename="detailed-ratings-' in response["Content-Disposition"]
    with scopes_disabled():
        assert ReportFile.objects.count() == 1


@pytest.mark.parametrize("year, status", [("1999", 400), ("abc", 400), ("2026", 200)])
def test_it_checks_the_year_once_in_the_reports_option(world, login, year, status):
    response = post(login(world.home.admin), report="by-month", fmt="csv", year=year)
    assert response.status_code == status
    if year == "1999":  # the report's option says why (the form only checks that it is a number)
        assert "2000" in response.content.decode()


def test_it_builds_a_long_pdf_in_the_background(world, login, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed(world, timezone.localdate())
    monkeypatch.setattr(pdf_out, "PDF_INLINE_ROWS", 2)  # laying out a PDF is slow: the request does not wait
    response = post(login(world.home.admin), report="detailed", fmt="pdf")
    assert response.status_code == 302
    with scopes_disabled():
        record = ReportFile.objects.get()
    assert record.fmt == "pdf" and record.status == ReportFile.DONE
