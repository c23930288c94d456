"""Report views: the form, downloads in each format, validation errors, background jobs and
"my reports" (owner only), and the large-report path."""
import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry, ReportFile
from erating.base.tests.reports_helpers import FIRST_ROW, expected, pdf_text, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def post(client, **data):
    return client.post(reverse("control:report_run"), {"language": "ms", "fmt": "pdf", "score_min": 1,
                                                      "score_max": 5, **data})


def test_it_shows_the_reports_each_role_may_run(world, login):
    page = login(world.home.officer).get(reverse("control:report_index")).content.decode()
    assert 'value="detailed"' in page and 'value="officers"' in page
    assert 'value="by-agency"' not in page and 'value="cross-agency"' not in page
    page = login(world.home.admin).get(reverse("control:report_index")).content.decode()
    assert 'value="user-log"' in page and 'value="cross-agency"' not in page
    assert world.other.premise.name not in page


def test_it_downloads_a_small_pdf_at_once_and_audits_it(world, login):
    seed(world, timezone.localdate())
    client = login(world.home.admin)
    response = post(client, report="by-agency", fmt="pdf", language="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    _, text = pdf_text(b"".join(response.streaming_content))
    assert "HOME Department" in text and "By agency and premise" in text
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.changes["report"][1] == "by-agency" and entry.agency_id == world.home.agency.pk


def test_it_streams_csv(world, login):
    seed(world, timezone.localdate())
    response = post(login(world.home.admin), report="detailed", fmt="csv")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and b"Terima kasih" in body


@pytest.mark.parametrize("data, message", [
    ({"start": "2026-05-01", "end": "2026-04-01"}, "Akhir tempoh adalah sebelum permulaannya."),
    ({"start": "2001-01-01", "end": "2051-01-01"}, "Tempoh tidak boleh melebihi 731 hari."),
])
def test_it_explains_nonsense_criteria(world, login, data, message):
    response = post(login(world.home.admin), report="detailed", **data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_refuses_another_agencys_premise_in_the_criteria(world, login):
    response = post(login(world.home.admin), report="detailed", premise=world.other.premise.pk)
    assert response.status_code == 400
    assert world.other.premise.name not in response.content.decode()


def test_it_refuses_a_report_outside_the_role(world, login):
    assert post(login(world.home.officer), report="by-agency").status_code == 400  # not among the choices
    assert post(login(world.home.admin), report="cross-agency").status_code == 400


def test_it_prepares_a_large_report_in_the_background_for_its_owner_only(world, login, settings, media):
    settings.REPORT_INLINE_ROWS = 2
    today = timezone.localdate()
    seed(world, today)
    client = login(world.home.admin)
    response = post(client, report="detailed", fmt="xlsx", start=(today - timedelta(days=60)).isoformat(), end=today.isoformat())
    with scopes_disabled():
        record = ReportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("control:report_file",
                                                                            kwargs={"report_file_id": record.pk})
    assert record.status == ReportFile.DONE and record.rows_done == record.rows_total > 2
    page = client.get(response["Location"]).content.decode()
    assert reverse("control:report_file_download", kwargs={"report_file_id": record.pk}) in page
    download = client.get(reverse("control:report_file_download", kwargs={"report_file_id": record.pk}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    want = expected({world.home.agency.pk}, today - timedelta(days=60), today)
    assert book.worksheets[0].max_row - FIRST_ROW + 1 == len(want)
    # A colleague of the same agency does not see it.
    other_client = login(world.home.supervisor)
    assert other_client.get(response["Location"]).status_code == 404


def test_it_forgets_expired_files(world, media):
    from erating.base.reports.jobs import purge_expired

    with scopes_disabled():
        record = ReportFile.objects.create(owner=world.home.admin, agency=world.home.agency, report="detailed",
                                           fmt="csv", expires_at=timezone.now() - timedelta(minutes=1))
        ReportFile.objects.create(owner=world.home.admin, agency=world.home.agency, report="detailed", fmt="csv",
                                  expires_at=timezone.now() + timedelta(hours=1))
        assert purge_expired() == 1
        assert not ReportFile.objects.filter(pk=record.pk).exists() and ReportFile.objects.count() == 1


def test_it_keeps_the_agencys_charter_promise(world, login):
    client = login(world.home.admin)
    assert client.post(reverse("control:report_settings"), {"charter_promise": 150}).status_code == 200
    assert client.post(reverse("control:report_settings"), {"charter_promise": 75}).status_code == 302
    from erating.base.models import ReportSettings
    from erating.base.reports.summary import DEFAULT_PROMISE, promises

    with scopes_disabled():
        assert ReportSettings.objects.get(agency=world.home.agency).charter_promise == 75
        assert promises().get(world.other.agency.pk, DEFAULT_PROMISE) == 80  # untouched: the default
        entry = AuditEntry.objects.filter(object_type="ReportSettings").get()
    assert entry.changes["charter_promise"] == [None, 75]
    assert login(world.home.supervisor).get(reverse("control:report_settings")).status_code == 403


def test_it_serves_a_background_report_to_a_system_administrator_viewing_an_agency(world, client, settings, media):
    from erating.base.scoping import VIEW_AS_SESSION_KEY

    settings.REPORT_INLINE_ROWS = 1
    client.force_login(world.sysadmin)
    session = client.session
    session[VIEW_AS_SESSION_KEY] = world.home.agency.pk
    session.save()
    response = post(client, report="detailed", fmt="xlsx")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    with scopes_disabled():
        record = ReportFile.objects.get()
    assert record.agency_id == world.home.agency.pk and record.status == ReportFile.DONE
    rows = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(
        reverse("control:report_file_download", kwargs={"report_file_id": record.pk})).streaming_content)))
    names = {r[3] for r in rows.worksheets[0].iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert names == {world.home.agency.name_ms}, "only the agency viewed"


def test_it_refuses_more_background_jobs_than_the_limit_per_user(world, login, settings, media, queued_tasks):
    """Issue 22, finding 5: 15 year-long jobs could be queued in seconds."""
    settings.REPORT_INLINE_ROWS = 1
    settings.REPORT_JOBS_PER_USER = 2
    seed(world, timezone.localdate())
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert post(client, report="detailed", fmt="xlsx").status_code == 302
    assert post(client, report="detailed", fmt="xlsx").status_code == 302
    response = post(client, report="detailed", fmt="xlsx", language="en")
    assert response.status_code == 429 and "You already have 2 reports being prepared" in response.content.decode()
    with scopes_disabled():
        assert ReportFile.objects.count() == 2
    # Another user is not held back by this one's jobs.
    assert post(login(world.home.supervisor), report="detailed", fmt="xlsx").status_code == 302


def test_it_refuses_a_pdf_too_large_when_asked_offering_xlsx_or_csv(world, login, settings, media, monkeypatch):
    """Issue 22, finding 5: an oversized PDF was queued, then failed while the page said it was coming."""
    monkeypatch.setattr("erating.base.reports.pdf_out.PDF_MAX_ROWS", 2)
    seed(world, timezone.localdate())
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post(client, report="detailed", fmt="pdf", language="en")
    assert response.status_code == 400 and "a PDF holds at most 2" in response.content.decode()
    assert "Choose CSV or XLSX" in response.content.decode()
    with scopes_disabled():
        assert not ReportFile.objects.exists()
