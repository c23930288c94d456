"""User log ('Log Pengguna'): filters, pagination, scope, CSV export (itself audited)."""
import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry


def entry(agency, action, when=None, user_label="", object_type="Target", label="x"):
    with scopes_disabled():
        e = AuditEntry.objects.create(agency=agency, action=action, user_label=user_label, object_type=object_type,
                                      object_label=label, changes={"name": ["a", "b"]})
        if when:
            AuditEntry.objects.filter(pk=e.pk).update(created_at=when)
    return e


def csv_rows(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are compared in English (BM is the default interface language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

@pytest.mark.django_db
def test_it_agency_admin_sees_only_own_agency(world, login):
    entry(world.home.agency, "update", label="home-thing")
    entry(world.other.agency, "update", label="other-thing")
    entry(None, "update", label="system-thing")
    html = login(world.home.admin).get(reverse("control:audit_list")).content.decode()
    assert "home-thing" in html and "other-thing" not in html and "system-thing" not in html


@pytest.mark.django_db
def test_it_sysadmin_sees_all(world, login):
    entry(world.home.agency, "update", label="home-thing")
    entry(world.other.agency, "update", label="other-thing")
    entry(None, "create", label="system-thing", object_type="Ministry")
    html = login(world.sysadmin).get(reverse("control:audit_list")).content.decode()
    assert all(label in html for label in ("home-thing", "other-thing", "system-thing"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "officer"])
def test_it_supervisors_and_officers_are_refused(world, login, role):
    client = login(getattr(world.home, role))
    assert client.get(reverse("control:audit_list")).status_code == 403
    assert client.get(reverse("control:audit_export")).status_code == 403


@pytest.mark.django_db
def test_it_filters_by_date_user_action_and_type(world, login):
    agency, now = world.home.agency, timezone.now()
    entry(agency, "update", when=now - timedelta(days=10), user_label="lama@home.gov.my", label="old-one")
    entry(agency, "export", user_label="admin@home.gov.my", label="export-one")
    entry(agency, "update", user_label="admin@home.gov.my", object_type="Premise", label="premise-one")
    client = login(world.home.admin)
    url = reverse("control:audit_list")
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    recent = client.get(url, {"date_from": since}).content.decode()
    assert "old-one" not in recent and "export-one" in recent
    until = (timezone.localdate() - timedelta(days=5)).isoformat()
    old = client.get(url, {"date_to": until}).content.decode()
    assert "old-one" in old and "export-one" not in old
    by_user = client.get(url, {"user": "lama@"}).content.decode()
    assert "old-one" in by_user and "premise-one" not in by_user
    by_action = client.get(url, {"action": "export"}).content.decode()
    assert "export-one" in by_action and "premise-one" not in by_action
    by_type = client.get(url, {"object_type": "Premise"}).content.decode()
    assert "premise-one" in by_type and "export-one" not in by_type
    wrong = client.get(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "start date must be on or before" in wrong.content.decode()


@pytest.mark.django_db
def test_it_paginates(world, login):
    for n in range(60):
        entry(world.home.agency, "update", label=f"row-{n}")
    client = login(world.home.admin)
    first = client.get(reverse("control:audit_list"), {"action": "update"})
    assert len(first.context["page"].object_list) == 50
    assert "action=update&amp;page=2" in first.content.decode()
    second = client.get(reverse("control:audit_list"), {"action": "update", "page": 2})
    assert len(second.context["page"].object_list) == 10


@pytest.mark.django_db
def test_it_csv_export_is_filtered_scoped_and_audited(world, login):
    entry(world.home.agency, "update", label="home-update")
    entry(world.home.agency, "delete", label="=HYPERLINK(evil)")
    entry(world.other.agency, "update", label="other-update")
    response = login(world.home.admin).get(reverse("control:audit_export"), {"action": "update"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    labels = [r[6] for r in rows[1:]]
    assert rows[0][3] == "action"
    assert "home-update" in labels and "other-update" not in labels and all(r[3] == "update" for r in rows[1:])
    everything = csv_rows(login(world.home.admin).get(reverse("control:audit_export")))
    assert "'=HYPERLINK(evil)" in [r[6] for r in everything]
    with scopes_disabled():
        exports = AuditEntry.objects.filter(action="export", changes__format=[None, "audit csv"])
        assert exports.count() == 2
        assert exports.first().agency_id == world.home.agency.pk
