"""Schedules you can trust (issue 23): "send now to me", a preview of the next send, and a
record of each send (when, to whom, size, delivered or failed and why) on the schedule's page."""
from datetime import date, datetime, time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import ReportSchedule, ScheduleSend
from erating.base.reports.schedules import last_period, next_send, preview, run_due
from erating.base.tests.reports_helpers import seed

pytestmark = pytest.mark.django_db


def at(d):
    return datetime.combine(d, time(9, 30), timezone.get_current_timezone())


@pytest.fixture
def schedule(world):
    with scopes_disabled():
        s = ReportSchedule.objects.create(agency=world.home.agency, owner=world.home.admin, name="Bulanan HQ",
                                          report="by-agency", fmt="xlsx", language="ms", frequency="monthly")
        s.recipients.set([world.home.admin, world.home.supervisor, world.other.admin])
    return s


def sends():
    with scopes_disabled():
        return list(ScheduleSend.objects.order_by("id"))


def test_it_records_each_send_with_recipients_size_and_result(world, schedule):
    today = timezone.localdate()
    seed(world, today)
    mail.outbox.clear()
    assert run_due(now=at(today)) == [schedule.pk]
    [record] = sends()
    start, end = last_period("monthly", today)
    assert record.status == ScheduleSend.DELIVERED and not record.manual and record.error == ""
    # The supervisor cannot run the owner's agency-wide report, so the rule of issue 22 leaves them out.
    assert sorted(record.recipients) == [world.home.admin.email]
    assert (record.period_start, record.period_end) == (start, end)
    report_mail = next(m for m in mail.outbox if m.attachments)  # the other is the owner told of the change
    assert record.size == len(report_mail.attachments[0][1]) > 0 and record.attached


def test_it_records_why_a_send_failed(world, schedule):
    with scopes_disabled():
        schedule.recipients.set([world.other.admin])  # nobody within the owner's scope
    run_due(now=at(timezone.localdate()))
    [record] = sends()
    assert record.status == ScheduleSend.FAILED and "no recipient" in record.error
    with scopes_disabled():
        schedule.refresh_from_db()
    assert schedule.failures == 1


@pytest.mark.parametrize("today, last_sent, expected_day, period", [
    (date(2026, 12, 2), None, date(2026, 12, 2), (date(2026, 11, 1), date(2026, 11, 30))),  # due now
    (date(2026, 12, 2), date(2026, 11, 30), date(2027, 1, 1), (date(2026, 12, 1), date(2026, 12, 31))),
])
def test_it_previews_the_next_monthly_send(schedule, today, last_sent, expected_day, period):
    schedule.last_period_end = last_sent
    assert next_send(schedule, now=at(today)) == (expected_day, period)


def test_it_previews_the_next_weekly_send(schedule):
    schedule.frequency, schedule.last_period_end = "weekly", date(2026, 11, 29)
    # Wednesday 2 December, last week sent: next Monday 7 December, for 30 November – 6 December.
    assert next_send(schedule, now=at(date(2026, 12, 2))) == (date(2026, 12, 7),
                                                               (date(2026, 11, 30), date(2026, 12, 6)))


def test_it_sends_now_to_me_only_and_shows_the_preview_and_the_record(world, schedule, login):
    seed(world, timezone.localdate())
    client = login(world.home.admin)
    page = client.get(reverse("control:schedule_edit", kwargs={"schedule_id": schedule.pk})).content.decode()
    info = preview(schedule)
    assert info["date"].strftime("%d/%m/%Y") in page and world.home.supervisor.email in page
    assert world.other.admin.email not in page  # not within the owner's scope
    assert info["filename"].startswith("mengikut-agensi-") and info["filename"] in page
    mail.outbox.clear()
    response = client.post(reverse("control:schedule_send_now", kwargs={"schedule_id": schedule.pk}))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[world.home.admin.email]]
    [record] = sends()
    assert record.manual and record.status == ScheduleSend.DELIVERED and record.recipients == [world.home.admin.email]
    with scopes_disabled():
        schedule.refresh_from_db()
    assert schedule.last_period_end is None  # the schedule's own run still sends the period
    page = client.get(reverse("control:schedule_edit", kwargs={"schedule_id": schedule.pk})).content.decode()
    assert record.sent_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y %H:%M") in page


def test_it_keeps_another_users_schedule_from_send_now(world, schedule, login):
    client = login(world.home.supervisor)
    response = client.post(reverse("control:schedule_send_now", kwargs={"schedule_id": schedule.pk}))
    assert response.status_code == 404 and not sends()
