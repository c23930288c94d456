"""Scheduled reports: the right period, e-mailed (locmem) to recipients within the owner's scope,
attached or linked; sent once per period; paused after repeated failures with the owner told."""
import io
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry, ReportSchedule, User
from erating.base.reports import schedules
from erating.base.reports.schedules import last_period, run_due
from erating.base.testing import PASSWORD
from erating.base.tests.reports_helpers import FIRST_ROW, expected, seed

pytestmark = pytest.mark.django_db


def at(d):
    """An instant on Malaysia date d, mid-morning."""
    return datetime.combine(d, time(9, 30), timezone.get_current_timezone())


@pytest.mark.parametrize("today, frequency, period", [
    (date(2026, 12, 2), "weekly", (date(2026, 11, 23), date(2026, 11, 29))),  # a Wednesday
    (date(2026, 11, 30), "weekly", (date(2026, 11, 23), date(2026, 11, 29))),  # a Monday
    (date(2026, 12, 2), "monthly", (date(2026, 11, 1), date(2026, 11, 30))),
    (date(2026, 3, 1), "monthly", (date(2026, 2, 1), date(2026, 2, 28))),
    (date(2026, 1, 1), "monthly", (date(2025, 12, 1), date(2025, 12, 31))),
])
def test_it_computes_the_period_just_ended(today, frequency, period):
    assert last_period(frequency, today) == period


@pytest.fixture
def schedule(world):
    with scopes_disabled():
        s = ReportSchedule.objects.create(agency=world.home.agency, owner=world.home.admin, name="Bulanan HQ",
                                          report="detailed", fmt="xlsx", language="en", frequency="monthly")
        # A second agency administrator may run the report over the owner's (agency-wide) scope.
        world.home.admin2 = User.objects.create_user("admin2@home.gov.my", PASSWORD, full_name="Admin Dua",
                                                     role=User.AGENCY_ADMIN, agency=world.home.agency)
        s.recipients.set([world.home.admin, world.home.admin2])
    return s


def test_it_mails_last_months_report_once_to_recipients_in_scope(world, schedule):
    today = timezone.localdate()
    seed(world, today)
    start, end = last_period("monthly", today)
    mail.outbox.clear()
    assert run_due(now=at(today)) == [schedule.pk]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.home.admin.email, world.home.admin2.email])
    message = mail.outbox[0]
    assert start.strftime("%d/%m/%Y") in message.subject and end.strftime("%d/%m/%Y") in message.subject
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".xlsx") and "spreadsheetml" in mimetype
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(min_row=FIRST_ROW, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(r.pk for r in expected({world.home.agency.pk}, start, end))
    mail.outbox.clear()
    assert run_due(now=at(today) + timedelta(hours=1)) == [] and not mail.outbox  # that period is done
    with scopes_disabled():
        schedule.refresh_from_db()
    assert schedule.last_period_end == end and schedule.failures == 0


def test_it_links_a_large_file_for_each_recipient(world, schedule, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.REPORT_ATTACH_MAX_BYTES = 10
    mail.outbox.clear()
    run_due(now=at(timezone.localdate()))
    by_user = {m.to[0]: m for m in mail.outbox}
    message = by_user[world.home.admin2.email]
    assert not message.attachments
    link = next(w for w in message.body.split() if "/reports/shared/" in w)
    path = link[link.index("/control/"):]
    client.force_login(world.home.admin2)
    response = client.get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    client.force_login(world.home.officer)  # not a recipient: the link is the second administrator's
    assert client.get(path).status_code == 404
    assert client.get(reverse("control:report_shared", kwargs={"token": "forged"})).status_code == 404


def test_it_pauses_a_failing_schedule_and_tells_its_owner(world, schedule):
    with scopes_disabled():
        # A premise of another agency: the owner's scope refuses it at every run.
        ReportSchedule.objects.filter(pk=schedule.pk).update(query={"premise": world.other.premise.pk})
    mail.outbox.clear()
    day = timezone.localdate()
    for i in range(schedules.MAX_FAILURES):
        assert run_due(now=at(day) + timedelta(hours=i)) == []
    with scopes_disabled():
        schedule.refresh_from_db()
    assert not schedule.active and schedule.failures == schedules.MAX_FAILURES
    assert [m.to for m in mail.outbox] == [[world.home.admin.email]]
    assert "dihentikan sementara" in mail.outbox[0].subject
    mail.outbox.clear()
    assert run_due(now=at(day) + timedelta(days=1)) == [] and not mail.outbox  # paused: nothing more


def test_it_uses_the_owners_scope_at_run_time(world, schedule):
    """A supervisor's schedule sends only their premise's ratings, even after being written."""
    today = timezone.localdate()
    seed(world, today)
    with scopes_disabled():
        ReportSchedule.objects.filter(pk=schedule.pk).update(owner=world.home.supervisor, report="detailed",
                                                             fmt="csv")
    mail.outbox.clear()
    run_due(now=at(today))
    content = mail.outbox[0].attachments[0][1]
    content = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    assert world.home.branch.name not in content


def test_it_creates_a_schedule_from_the_form(world, login):
    client = login(world.home.admin)
    response = client.post(reverse("control:schedule_create"), {
        "name": "Mingguan", "report": "summary", "fmt": "pdf", "language": "ms", "frequency": "weekly",
        "recipients": [world.home.admin.pk, world.home.supervisor.pk], "premise": world.home.premise.pk})
    assert response.status_code == 302
    with scopes_disabled():
        s = ReportSchedule.objects.get(name="Mingguan")
    assert s.owner == world.home.admin and s.query == {"premise": world.home.premise.pk}
    # Another agency's user is not among the choices; another agency's premise is refused.
    response = client.post(reverse("control:schedule_create"), {
        "name": "X", "report": "summary", "fmt": "pdf", "language": "ms", "frequency": "weekly",
        "recipients": [world.other.admin.pk]})
    assert response.status_code == 200 and "recipients" in response.context["form"].errors
    response = client.post(reverse("control:schedule_create"), {
        "name": "Y", "report": "summary", "fmt": "pdf", "language": "ms", "frequency": "weekly",
        "recipients": [world.home.admin.pk], "premise": world.other.premise.pk})
    assert response.status_code == 200 and response.context["form"].errors


def test_it_registers_the_hourly_schedule_and_purge_tasks():
    import importlib

    from erating.base import periodic, periodic_tasks

    # Registered when the module is imported (as run_periodic's discovery does); imported afresh
    # here because another test may have cleared the registry after the first import.
    send_scheduled_reports = importlib.reload(periodic_tasks).send_scheduled_reports
    assert periodic.registry["reports.schedules"].task.module_path == send_scheduled_reports.module_path
    assert {"reports.schedules", "reports.purge_expired"} <= set(periodic.registry)


def test_a_recipient_who_may_not_run_the_report_stops_receiving_it_and_the_owner_is_told(world, schedule):
    """Issue 22, finding 5: recipients were checked against the agency only, not the role."""
    with scopes_disabled():
        schedule.report = "low"
        schedule.save()
        schedule.recipients.add(world.home.officer, world.home.supervisor, world.other.admin)
    mail.outbox.clear()
    assert run_due(now=at(timezone.localdate())) == [schedule.pk]
    reports = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in reports) == sorted([world.home.admin.email, world.home.admin2.email])
    notice = next(m for m in mail.outbox if not m.attachments)
    assert notice.to == [world.home.admin.email] and world.home.officer.email in notice.body
    assert world.home.supervisor.email in notice.body and world.other.admin.email in notice.body
    with scopes_disabled():
        assert set(schedule.recipients.all()) == {world.home.admin, world.home.admin2}
        assert AuditEntry.objects.filter(object_type="ReportSchedule", object_id=str(schedule.pk)).exists()


def test_a_recipient_who_lost_the_role_stops_receiving_it(world, schedule):
    with scopes_disabled():
        User.objects.filter(pk=world.home.admin2.pk).update(role=User.OFFICER)
    mail.outbox.clear()
    run_due(now=at(timezone.localdate()))
    assert world.home.admin2.email not in [m.to[0] for m in mail.outbox if m.attachments]
    assert any(world.home.admin2.email in m.body for m in mail.outbox if m.to == [world.home.admin.email])


def test_it_refuses_to_schedule_a_report_to_a_recipient_who_may_not_run_it(world, login):
    client = login(world.home.supervisor)
    data = {"name": "Rendah", "report": "low", "fmt": "csv", "language": "en", "frequency": "weekly",
            "recipients": [world.home.officer.pk]}
    response = client.post(reverse("control:schedule_create"), data)
    assert response.status_code == 200 and "Petugas home." in response.content.decode()
    with scopes_disabled():
        assert not ReportSchedule.objects.filter(name="Rendah").exists()
    data["recipients"] = [world.home.admin.pk]  # covers the supervisor's premises: allowed
    assert client.post(reverse("control:schedule_create"), data).status_code == 302
