"""System administrator appoints, adds, replaces and removes the administrators of an agency:
audited, invited by e-mail, and an active agency is never left without an administrator."""
import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import Agency, AuditEntry, User

pytestmark = pytest.mark.django_db


def admins_url(agency):
    return reverse("control:agency_admins", kwargs={"agency_id": agency.pk})


def active_admin_emails(agency):
    return sorted(User.objects.filter(agency=agency, role=User.AGENCY_ADMIN, is_active=True)
                  .values_list("email", flat=True))


def actions(agency):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(agency=agency).order_by("pk").values_list("action", "changes"))


def test_it_adds_a_second_administrator_with_an_invitation(world, login):
    client = login(world.sysadmin)
    agency = world.home.agency
    page = client.get(admins_url(agency)).content.decode()
    assert world.home.admin.email in page and world.other.admin.email not in page
    response = client.post(admins_url(agency), {"admin_full_name": "Aminah Baharu", "admin_email": "Aminah@Home.gov.my"})
    assert response.status_code == 302
    assert active_admin_emails(agency) == ["admin@home.gov.my", "aminah@home.gov.my"]
    new = User.objects.get(email="aminah@home.gov.my")
    assert not new.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["aminah@home.gov.my"]
    body = mail.outbox[0].body
    assert "/control/password/reset/" in body and agency.name_ms in body
    logged = actions(agency)
    assert ("agency.appoint_admin", {"administrator": [None, "aminah@home.gov.my"]}) in logged
    assert ("invite", {"sent": [None, True]}) in logged


def test_it_replaces_the_administrator_and_deactivates_the_old_one(world, login):
    client = login(world.sysadmin)
    agency, old = world.home.agency, world.home.admin
    response = client.post(admins_url(agency), {"admin_full_name": "Baru", "admin_email": "baru@home.gov.my",
                                                "replace": old.pk})
    assert response.status_code == 302
    assert active_admin_emails(agency) == ["baru@home.gov.my"]
    old.refresh_from_db()
    assert not old.is_active
    logged = actions(agency)
    assert ("agency.appoint_admin", {"administrator": [old.email, "baru@home.gov.my"]}) in logged
    assert ("user.deactivate", {"is_active": [True, False]}) in logged


def test_it_promotes_a_colleague_of_the_same_agency(world, login):
    client = login(world.sysadmin)
    supervisor = world.home.supervisor
    client.post(admins_url(world.home.agency), {"admin_full_name": "x", "admin_email": supervisor.email})
    supervisor.refresh_from_db()
    assert supervisor.role == User.AGENCY_ADMIN
    # They already have a password: the e-mail sends them to log in, not to choose one.
    assert "/control/login/" in mail.outbox[0].body and "/password/reset/" not in mail.outbox[0].body


def test_it_refuses_an_address_of_another_agency_or_a_current_admin(world, login):
    client = login(world.sysadmin)
    agency = world.home.agency
    for email in (world.other.officer.email, world.sysadmin.email, world.home.admin.email):
        response = client.post(admins_url(agency), {"admin_full_name": "x", "admin_email": email})
        assert response.status_code == 200 and response.context["form"].non_field_errors(), email
    assert active_admin_emails(agency) == ["admin@home.gov.my"] and mail.outbox == []
    world.other.officer.refresh_from_db()
    assert world.other.officer.role == User.OFFICER


def test_it_never_removes_the_last_administrator_of_an_active_agency(world, login):
    client = login(world.sysadmin)
    agency, admin = world.home.agency, world.home.admin
    remove = reverse("control:agency_admin_remove", kwargs={"agency_id": agency.pk, "user_id": admin.pk})
    assert client.get(remove).status_code == 405
    client.post(remove)
    assert active_admin_emails(agency) == ["admin@home.gov.my"]
    # With a second administrator, the first may go (audited).
    client.post(admins_url(agency), {"admin_full_name": "Dua", "admin_email": "dua@home.gov.my"})
    client.post(remove)
    assert active_admin_emails(agency) == ["dua@home.gov.my"]
    assert ("agency.remove_admin", {"administrator": [admin.email, None]}) in actions(agency)


def test_it_does_not_reactivate_an_agency_without_administrator(world, login):
    client = login(world.sysadmin)
    agency = world.other.agency
    with scopes_disabled():
        Agency.objects.filter(pk=agency.pk).update(status=Agency.SUSPENDED)
        User.objects.filter(pk=world.other.admin.pk).update(is_active=False)
    client.post(reverse("control:agency_reactivate", kwargs={"agency_id": agency.pk}))
    with scopes_disabled():
        assert Agency.objects.get(pk=agency.pk).status == Agency.SUSPENDED


def test_it_asks_for_the_administrator_when_adding_an_agency(world, login):
    client = login(world.sysadmin)
    data = {"ministry": world.ministry.pk, "code": "jkm", "name_ms": "Jabatan Kebajikan", "name_en": ""}
    response = client.post(reverse("control:agency_create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"admin_full_name", "admin_email"}
    response = client.post(reverse("control:agency_create"),
                           data | {"admin_full_name": "Ketua", "admin_email": world.home.officer.email})
    assert "admin_email" in response.context["form"].errors
    response = client.post(reverse("control:agency_create"),
                           data | {"admin_full_name": "Ketua", "admin_email": "ketua@jkm.gov.my"})
    with scopes_disabled():
        agency = Agency.objects.get(code="jkm")
    assert response.status_code == 302 and response["Location"] == admins_url(agency)
    assert active_admin_emails(agency) == ["ketua@jkm.gov.my"]
    assert mail.outbox[0].to == ["ketua@jkm.gov.my"]


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_is_for_system_administrators_only(world, login, role):
    client = login(getattr(world.home, role))
    agency = world.home.agency
    assert client.get(admins_url(agency)).status_code == 403
    assert client.post(admins_url(agency), {"admin_full_name": "x", "admin_email": "x@home.gov.my"}).status_code == 403
    remove = reverse("control:agency_admin_remove", kwargs={"agency_id": agency.pk, "user_id": world.home.admin.pk})
    assert client.post(remove).status_code == 403
    assert active_admin_emails(agency) == ["admin@home.gov.my"]
