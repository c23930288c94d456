"""Alert rules against generated rating streams: an alert is open exactly while its rule holds,
never twice at once for one rule and unit, and closes by itself when the window recovers."""
import datetime

import pytest
from django.core import mail
from django.db import transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from erating.base.followup import alerts, tasks
from erating.base.followup.calendar import MALAYSIA
from erating.base.models import Alert, AlertRule, AuditEntry, Device
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=MALAYSIA)  # a Monday morning, far from the world's ratings
WINDOW = datetime.timedelta(minutes=15)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def firing(stream, now, premise, targets):
    """The oracle: a target with ≥ 4 ratings in (now − 15 min, now] of which ≥ 50 % scored ≤ 2;
    the premise by the same test over the ratings of its targets that do not fire themselves."""
    counts = {}
    for when, score, target in stream:
        if now - WINDOW < when <= now:
            total, low = counts.get(target, (0, 0))
            counts[target] = (total + 1, low + (score <= 2))

    def fires(total, low):
        return total >= 4 and 2 * low >= total

    units = {f"target:{targets[t].pk}" for t, c in counts.items() if fires(*c)}
    rest = [c for c in counts.values() if not fires(*c)]
    if fires(sum(t for t, _l in rest), sum(lo for _t, lo in rest)):
        units.add(f"premise:{premise.pk}")
    return units


streams = st.lists(st.tuples(st.integers(0, 30 * 60), st.sampled_from([1, 1, 2, 3, 4, 5, 5]), st.integers(0, 1)),
                   min_size=0, max_size=30)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=streams)
def test_it_keeps_one_alert_open_exactly_while_the_window_is_bad(world, raw):
    h = world.home
    targets = [h.counter, h.service]

    stream = sorted((START + datetime.timedelta(seconds=s), score, t) for s, score, t in raw)
    with scopes_disabled(), transaction.atomic():
        rule = alerts.ensure_rules(h.agency) and AlertRule.objects.get(agency=h.agency, kind=AlertRule.LOW_SHARE)
        for when, score, t in stream:
            add_rating(targets[t], score, when=when)
        rises, was = {}, set()
        for minute in range(30 + 17):
            now = START + datetime.timedelta(minutes=minute)
            alerts.evaluate(h.agency, now, kinds=(AlertRule.LOW_SHARE,))
            expected = firing(stream, now, h.premise, targets)
            open_units = list(Alert.objects.filter(rule=rule, closed_at__isnull=True).values_list("unit", flat=True))
            assert sorted(open_units) == sorted(expected), now  # one each, and exactly those
            for unit in expected - was:
                rises[unit] = rises.get(unit, 0) + 1
            was = expected
        assert not was  # 16 minutes after the last rating every window has recovered
        opened = {}
        for unit in Alert.objects.filter(rule=rule).values_list("unit", flat=True):
            opened[unit] = opened.get(unit, 0) + 1
        assert opened == rises  # a new alert only when the rule starts to hold again: no storms
        assert not Alert.objects.filter(rule=rule, closed_at__isnull=True).exists()
        transaction.set_rollback(True)


def test_it_mails_the_premise_supervisors_once_and_closes_when_recovered(world, monkeypatch):
    h = world.home
    with scopes_disabled():
        for score in (1, 1, 2, 5):
            add_rating(h.counter, score, when=START + datetime.timedelta(minutes=1))
    monkeypatch.setattr("django.utils.timezone.now", lambda: START + datetime.timedelta(minutes=2))
    mail.outbox.clear()
    # One burst at one counter: one alert (the counter; its premise adds nothing) and one e-mail.
    assert tasks.evaluate_alerts.call() == {"opened": 1, "closed": 0}
    with scopes_disabled():
        assert list(Alert.objects.values_list("unit", flat=True)) == [f"target:{h.counter.pk}"]
    assert [m.to[0] for m in mail.outbox] == [h.supervisor.email]
    assert "Penyelia" in mail.outbox[0].body and "3" in mail.outbox[0].body
    assert tasks.evaluate_alerts.call() == {"opened": 0, "closed": 0}
    assert len(mail.outbox) == 1
    monkeypatch.setattr("django.utils.timezone.now", lambda: START + datetime.timedelta(minutes=17))
    assert tasks.evaluate_alerts.call() == {"opened": 0, "closed": 1}
    with scopes_disabled():
        assert Alert.objects.filter(status=Alert.CLOSED).count() == 1
        assert AuditEntry.objects.filter(action="alert.close").count() == 1


def test_it_raises_the_premise_for_low_ratings_spread_over_its_counters(world):
    """Three low ratings at the counter and two at the service: neither target reaches the
    minimum of 4 on its own, the premise does (5 of 5 low): one alert, for the premise."""
    h = world.home
    with scopes_disabled():
        for target, scores in ((h.counter, (1, 1, 2)), (h.service, (1, 2))):
            for score in scores:
                add_rating(target, score, when=START + datetime.timedelta(minutes=1))
        opened, _closed = alerts.evaluate(h.agency, START + datetime.timedelta(minutes=2), kinds=(AlertRule.LOW_SHARE,))
        assert [a.unit for a in opened] == [f"premise:{h.premise.pk}"]


def test_it_raises_a_low_satisfaction_day_and_a_drop_against_the_usual_weekday(world):
    h = world.home
    now = START + datetime.timedelta(hours=4)
    with scopes_disabled():
        for week in range(1, 5):  # the four Mondays before: 10 ratings, 90 % satisfied
            for i in range(10):
                add_rating(h.counter, 5 if i else 2, when=now - datetime.timedelta(weeks=week, hours=1))
        for i in range(10):  # today: 50 % satisfied
            add_rating(h.counter, 5 if i % 2 else 3, when=now - datetime.timedelta(hours=1))
        opened, _closed = alerts.evaluate(h.agency, now, kinds=(AlertRule.CSAT_DAY, AlertRule.DROP))
        by_kind = {a.rule.kind: a for a in opened}
        assert set(by_kind) == {AlertRule.CSAT_DAY, AlertRule.DROP}
        assert by_kind[AlertRule.DROP].detail == {"total": 10, "csat": 50.0, "usual": 90.0}
        assert by_kind[AlertRule.CSAT_DAY].value == 50.0
        # Raise the agency's CSAT threshold below today's level: the day alert closes, the drop stays.
        AlertRule.objects.filter(agency=h.agency, kind=AlertRule.CSAT_DAY).update(threshold=40)
        _opened, closed = alerts.evaluate(h.agency, now, kinds=(AlertRule.CSAT_DAY, AlertRule.DROP))
        assert [a.rule.kind for a in closed] == [AlertRule.CSAT_DAY]


def test_it_watches_tablets_within_opening_hours_and_their_queues(world):
    h = world.home
    monday_10 = START  # PJY premise: open 08:00–17:00 on Monday
    with scopes_disabled():
        device = Device.objects.create(agency=h.agency, premise=h.premise, name="Tablet Kaunter",
                                       token_hash="x" * 64, last_seen=monday_10 - datetime.timedelta(minutes=45))
        Device.objects.filter(pk=device.pk).update(created_at=monday_10 - datetime.timedelta(days=3))
        opened, _ = alerts.evaluate(h.agency, monday_10, kinds=(AlertRule.KIOSK,))
        assert [(a.unit, a.detail["reason"]) for a in opened] == [(f"device:{device.pk}", "silent")]
        assert [u.email for u in alerts.recipients(opened[0])] == [h.admin.email]
        # Saturday night: closed, so silence is no alert (and the open one recovers).
        saturday_night = datetime.datetime(2026, 3, 7, 22, 0, tzinfo=MALAYSIA)
        opened, closed = alerts.evaluate(h.agency, saturday_night, kinds=(AlertRule.KIOSK,))
        assert not opened and len(closed) == 1
        # Heard from, but its offline queue grows: an alert that stays until the queue drains.
        Device.objects.filter(pk=device.pk).update(last_seen=monday_10, queued=7, queued_before=3)
        opened, _ = alerts.evaluate(h.agency, monday_10, kinds=(AlertRule.KIOSK,))
        assert [a.detail["reason"] for a in opened] == ["queue"]
        Device.objects.filter(pk=device.pk).update(queued=7, queued_before=7)  # not growing, not drained
        assert alerts.evaluate(h.agency, monday_10, kinds=(AlertRule.KIOSK,)) == ([], [])
        Device.objects.filter(pk=device.pk).update(queued=0, queued_before=7)
        opened, closed = alerts.evaluate(h.agency, monday_10, kinds=(AlertRule.KIOSK,))
        assert not opened and len(closed) == 1


def test_it_records_the_queue_of_the_heartbeat_before(world):
    from erating.base.catalogue import devices

    with scopes_disabled():
        device = Device.objects.create(agency=world.home.agency, premise=world.home.premise, token_hash="y" * 64)
        devices.heartbeat(device, queued=4, app_version="1")
        devices.heartbeat(device, queued=9, app_version="1")
        device.refresh_from_db()
    assert (device.queued_before, device.queued) == (4, 9)


def test_it_registers_the_follow_up_jobs_with_the_scheduler():
    import importlib

    from erating.base import periodic
    from erating.base.followup import tasks as followup_tasks

    periodic.autodiscover()
    # Another test may have emptied and restored the registry after the module was imported.
    importlib.reload(followup_tasks)
    jobs = {name: p.seconds for name, p in periodic.registry.items() if name.startswith("followup.")}
    assert jobs == {"followup.evaluate_alerts": 60, "followup.check_kiosks": 60, "followup.open_new_cases": 60,
                    "followup.erase_contacts": 86400, "followup.send_digests": 86400}


def test_it_mails_each_recipient_in_their_own_language(world):
    h = world.home
    with scopes_disabled():
        english = type(h.supervisor).objects.create_user("supervisor-en@home.gov.my", "x", full_name="Supervisor EN",
                                                         role="supervisor", agency=h.agency, language="en")
        english.premises.set([h.premise])
        for score in (1, 2, 2, 2):
            add_rating(h.service, score, when=START + datetime.timedelta(minutes=3))
        opened, _ = alerts.evaluate(h.agency, START + datetime.timedelta(minutes=4), kinds=(AlertRule.LOW_SHARE,))
    mail.outbox.clear()
    target_alert = next(a for a in opened if a.unit.startswith("target"))
    assert tasks.notify_alert.call(target_alert.pk) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    en, ms = by_to[english.email], by_to[h.supervisor.email]
    assert en.subject == f"eRating alert: Many low ratings in a short window at {h.premise.name}"
    assert "4 of the last 4 ratings in 15 minutes were low." in en.body and "Pembaharuan" in en.body
    assert ms.subject == f"Amaran eRating: Banyak penilaian rendah dalam masa singkat di {h.premise.name}"
    assert "4 daripada 4 penilaian dalam 15 minit terakhir adalah rendah." in ms.body
