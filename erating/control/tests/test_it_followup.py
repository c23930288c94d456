"""Follow-up inbox, case page and alerts in the back office."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.followup import alerts, cases
from erating.base.models import Alert, AlertRule, AuditEntry, Case, Rating
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def with_contact(rating, **fields):
    values = {"contact_consent": True, "contact_name": "Aminah", "contact_phone": "0198765432",
              "contact_email": "aminah@example.my", **fields}
    with scopes_disabled():
        Rating.objects.filter(pk=rating.pk).update(**values)
        rating.refresh_from_db()
    return rating


def test_it_lists_the_premises_low_ratings_for_the_supervisor(world, login):
    h = world.home
    client = login(h.supervisor)
    page = client.get(reverse("control:followup_inbox")).content.decode()
    assert "Lambat" in page  # the low rating at the supervisor's premise
    assert "Cawangan lambat" not in page  # the branch is not theirs
    assert "Bagus" not in page  # a good rating is no follow-up
    admin_page = login(h.admin).get(reverse("control:followup_inbox")).content.decode()
    assert "Cawangan lambat" in admin_page


def test_it_filters_the_inbox(world, login):
    h = world.home
    with scopes_disabled():
        add_rating(h.service, 2, comment="Servis perlahan", channel=Rating.TABLET)
    client = login(h.admin)
    url = reverse("control:followup_inbox")
    tablet = client.get(url, {"channel": "tablet"}).content.decode()
    assert "Servis perlahan" in tablet and "Lambat" not in tablet
    target = client.get(url, {"target": h.counter.pk}).content.decode()
    assert "Lambat" in target and "Servis perlahan" not in target
    premise = client.get(url, {"premise": h.branch.pk}).content.decode()
    assert "Cawangan lambat" in premise and "Lambat<" not in premise
    bad = client.get(url, {"start": "2026-05-02", "end": "2026-05-01"})
    assert bad.status_code == 200 and "Tarikh mula mestilah sama dengan atau sebelum tarikh akhir." in bad.content.decode()
    assert client.get(url, {"premise": world.other.premise.pk}).status_code == 200  # not a choice: an error


def test_it_refuses_the_inbox_to_officers(world, login):
    assert login(world.home.officer).get(reverse("control:followup_inbox")).status_code == 403


def test_it_opens_and_works_a_case_through_the_pages(world, login, django_capture_on_commit_callbacks):
    from django.core import mail

    h = world.home
    rating = with_contact(h.ratings[1])
    client = login(h.supervisor)
    response = client.post(reverse("control:case_open", args=[rating.pk]))
    with scopes_disabled():
        case = Case.objects.get(rating=rating)
    assert response.status_code == 302 and response["Location"] == reverse("control:case_detail", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "aminah@example.my" in page and "0198765432" in page
    client.post(reverse("control:case_status", args=[case.pk]), {"status": "acknowledged"})
    client.post(reverse("control:case_assign", args=[case.pk]), {"assignee": h.admin.pk})
    client.post(reverse("control:case_note", args=[case.pk]), {"note-text": "Petugas telah ditegur"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("control:case_reply", args=[case.pk]), {"reply-text": "Maaf atas kelewatan."})
    client.post(reverse("control:case_call", args=[case.pk]), {"call-outcome": "reached", "call-text": "OK"})
    bad = client.post(reverse("control:case_note", args=[case.pk]), {"note-text": "   "})
    assert bad.status_code == 400
    bad = client.post(reverse("control:case_status", args=[case.pk]), {"status": "closed"})
    assert bad.status_code == 302  # refused with a message, not changed
    with scopes_disabled():
        case.refresh_from_db()
        kinds = list(case.events.values_list("kind", flat=True))
        assert case.status == Case.ACKNOWLEDGED and case.assignee == h.admin
        actions = set(AuditEntry.objects.filter(object_type="Case", object_id=str(case.pk))
                      .values_list("action", flat=True))
    assert kinds == ["opened", "status", "assigned", "note", "email", "call"]
    assert actions == {"case.open", "case.status", "case.assign", "case.note", "case.reply", "case.call"}
    assert [m.to for m in mail.outbox] == [["aminah@example.my"]]
    page = client.get(reverse("control:case_detail", args=[case.pk])).content.decode()
    assert "Petugas telah ditegur" in page and "Maaf atas kelewatan." in page


def test_it_hides_contact_details_from_those_who_may_not_work_the_case(world, login):
    h = world.home
    rating = with_contact(h.ratings[1])
    with scopes_disabled():
        case = cases.open_case(rating, user=h.admin)
    url = reverse("control:case_detail", args=[case.pk])
    world.sysadmin.refresh_from_db()
    client = login(world.sysadmin)
    session = client.session
    session["view_as_agency"] = h.agency.pk
    session.save()
    page = client.get(url)
    assert page.status_code == 200 and "aminah@example.my" not in page.content.decode()
    assert "0198765432" not in page.content.decode()


def test_it_answers_404_for_a_case_of_another_premise_or_agency(world, login):
    h = world.home
    with scopes_disabled():
        branch_case = cases.open_case(h.ratings[3], user=h.admin)
        other_case = cases.open_case(world.other.ratings[1], user=world.other.admin)
    client = login(h.supervisor)
    for case in (branch_case, other_case):
        assert client.get(reverse("control:case_detail", args=[case.pk])).status_code == 404
        assert client.post(reverse("control:case_note", args=[case.pk]), {"note-text": "x"}).status_code == 404
    assert client.post(reverse("control:case_open", args=[h.ratings[3].pk])).status_code == 404


def test_it_shows_acknowledges_and_comments_alerts(world, login):
    h = world.home
    now = timezone.now()
    with scopes_disabled():
        for score in (1, 1, 1, 2):
            add_rating(h.counter, score, when=now - datetime.timedelta(minutes=1))
        opened, _ = alerts.evaluate(h.agency, now)
        [alert] = opened  # one burst at one counter: one alert, the counter's (issue 24 item 5)
        assert alert.unit == f"target:{h.counter.pk}" and alert.premise_id == h.premise.pk
    client = login(h.supervisor)
    listing = client.get(reverse("control:alert_list")).content.decode()
    assert h.premise.name in listing
    url = reverse("control:alert_detail", args=[alert.pk])
    assert client.post(reverse("control:alert_acknowledge", args=[alert.pk])).status_code == 302
    client.post(reverse("control:alert_comment", args=[alert.pk]), {"text": "Kaunter tambahan dibuka"})
    page = client.get(url).content.decode()
    assert "Kaunter tambahan dibuka" in page
    with scopes_disabled():
        alert.refresh_from_db()
        assert alert.status == Alert.ACKNOWLEDGED and alert.acknowledged_by == h.supervisor
        assert AlertRule.objects.filter(agency=h.agency).count() == 4
    assert login(world.other.supervisor).get(url).status_code == 404


def test_it_saves_the_follow_up_settings_with_validation_and_audit(world, login):
    h = world.home
    client = login(h.admin)
    url = reverse("control:followup_settings")
    assert client.get(url).status_code == 200
    data = {"ack_days": 2, "resolve_days": 10, "contact_retention_days": 30,
            "low_share-active": "on", "low_share-threshold": 60, "low_share-window_minutes": 10,
            "low_share-min_ratings": 5, "csat_day-active": "on", "csat_day-threshold": 70,
            "csat_day-window_minutes": 1440, "csat_day-min_ratings": 10, "drop-threshold": 25,
            "drop-min_ratings": 10, "kiosk-active": "on", "kiosk-threshold": 45, "kiosk-min_ratings": 5}
    bad = client.post(url, {**data, "resolve_days": 1, "low_share-threshold": 150})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Tarikh akhir penyelesaian tidak boleh lebih awal daripada pengakuan." in text
    assert client.post(url, data).status_code == 302
    with scopes_disabled():
        h.agency.refresh_from_db()
        rules = {r.kind: r for r in AlertRule.objects.filter(agency=h.agency)}
        assert (h.agency.ack_days, h.agency.resolve_days, h.agency.contact_retention_days) == (2, 10, 30)
        assert (rules["low_share"].threshold, rules["low_share"].window_minutes) == (60, 10)
        assert rules["drop"].active is False and rules["kiosk"].threshold == 45
        assert AuditEntry.objects.filter(action="followup.settings").count() == 1
        assert AuditEntry.objects.filter(action="alert.rule").count() == 4
    assert login(h.supervisor).get(url).status_code == 403


def test_it_sets_premise_opening_hours(world, login):
    h = world.home
    client = login(h.admin)
    url = reverse("control:premise_edit", args=[h.premise.pk])
    data = {"code": h.premise.code, "name": h.premise.name, "state": "KTN", "medium": "both",
            "opens_at": "09:00", "closes_at": "08:00"}
    assert client.post(url, data).status_code == 200  # closing before opening: the form again
    assert client.post(url, {**data, "closes_at": "16:30"}).status_code == 302
    with scopes_disabled():
        h.premise.refresh_from_db()
    assert (str(h.premise.opens_at), str(h.premise.closes_at)) == ("09:00:00", "16:30:00")


def test_it_points_to_open_alerts_from_the_inbox(world, login):
    h = world.home
    with scopes_disabled():
        alerts.ensure_rules(h.agency)
        Alert.objects.create(agency=h.agency, premise=h.premise, unit=f"premise:{h.premise.pk}", opened_at=timezone.now(),
                             rule=AlertRule.objects.get(agency=h.agency, kind=AlertRule.LOW_SHARE))
    page = login(h.supervisor).get(reverse("control:followup_inbox")).content.decode()
    assert "1 amaran menunggu untuk diakui" in page
