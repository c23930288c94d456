import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry, OfficerCounter, Target, User
from erating.base.testing import PASSWORD

pytestmark = pytest.mark.django_db


def officer_data(world, **extra):
    return {"email": "Baru@Home.gov.my", "full_name": "Siti Baru", "role": "officer", "language": "en",
            "home_premise": world.home.branch.pk, "counters": [world.home.branch_counter.pk], **extra}


def actions():
    with scopes_disabled():
        return list(AuditEntry.objects.values_list("action", flat=True))


def link_in(message):
    return re.search(r"https?://\S+/control/password/reset/\S+/", message.body).group(0)


def logs_in(client, email, password):
    """Through the real login form, so the lockout backend sees a request."""
    response = client.post(reverse("control:login"), {"username": email, "password": password})
    return response.status_code == 302


def test_it_invites_an_officer_who_sets_a_password(world, login, client):
    admin = login(world.home.admin)
    response = admin.post(reverse("control:officer_create"), officer_data(world))
    with scopes_disabled():
        user = User.objects.get(email="baru@home.gov.my")
        target = Target.objects.get(officer=user)
        assert list(OfficerCounter.objects.filter(officer=user).values_list("counter_id", flat=True)) == \
            [world.home.branch_counter.pk]
    assert response.status_code == 302 and user.agency == world.home.agency and not user.has_usable_password()
    assert target.kind == Target.OFFICER and target.premise == world.home.branch and target.active
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["baru@home.gov.my"]
    assert "Open this link to choose your password" in mail.outbox[0].body  # the officer's language: EN
    assert "user.create" in actions()
    # the invitee follows the link and chooses a password
    admin.logout()
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "Kata-laluan-baru-9", "new_password2": "Kata-laluan-baru-9"})
    assert done.status_code == 302
    assert logs_in(client, "baru@home.gov.my", "Kata-laluan-baru-9")


def test_it_writes_the_invitation_in_the_users_language(world, login):
    admin = login(world.home.admin)
    admin.post(reverse("control:officer_create"), officer_data(world, language="ms", email="a@home.gov.my"))
    admin.post(reverse("control:officer_create"), officer_data(world, language="en", email="b@home.gov.my"))
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "/control/password/reset/" in bodies["a@home.gov.my"]
    assert "Open this link to choose your password" in bodies["b@home.gov.my"]
    assert bodies["a@home.gov.my"] != bodies["b@home.gov.my"].replace("b@home", "a@home")


def test_it_validates_the_staff_form(world, login):
    admin = login(world.home.admin)
    response = admin.post(reverse("control:officer_create"), officer_data(
        world, email=world.other.officer.email, home_premise="", full_name=""))
    errors = response.context["form"].errors
    assert set(errors) == {"email", "full_name", "home_premise"}
    foreign = admin.post(reverse("control:officer_create"), officer_data(world, counters=[world.other.counter.pk]))
    assert "counters" in foreign.context["form"].errors
    supervisor = admin.post(reverse("control:officer_create"), officer_data(world, role="supervisor"))
    assert "premises" in supervisor.context["form"].errors
    assert not mail.outbox


def test_it_creates_a_supervisor_with_premises(world, login):
    admin = login(world.home.admin)
    response = admin.post(reverse("control:officer_create"), {
        "email": "sv@home.gov.my", "full_name": "Penyelia Dua", "role": "supervisor", "language": "ms",
        "premises": [world.home.branch.pk]})
    with scopes_disabled():
        user = User.objects.get(email="sv@home.gov.my")
        assert list(user.premises.all()) == [world.home.branch] and not Target.objects.filter(officer=user).exists()
    assert response.status_code == 302 and user.role == User.SUPERVISOR


def test_it_lists_searches_and_filters_staff(world, login):
    admin = login(world.home.admin)
    page = admin.get(reverse("control:officer_list")).content.decode()
    assert world.home.officer.email in page and world.home.supervisor.email in page
    assert world.other.officer.email not in page and world.home.admin.email not in page
    found = admin.get(reverse("control:officer_list"), {"q": "rakan"}).content.decode()
    assert world.home.colleague.email in found and world.home.officer.email not in found
    supervisors = admin.get(reverse("control:officer_list"), {"role": "supervisor"}).content.decode()
    assert world.home.supervisor.email in supervisors and world.home.officer.email not in supervisors


def test_it_edits_moves_the_home_premise(world, login):
    admin = login(world.home.admin)
    url = reverse("control:officer_edit", args=[world.home.officer.pk])
    response = admin.post(url, {"email": world.home.officer.email, "full_name": "Petugas Nama Baru",
                                "language": "ms", "home_premise": world.home.branch.pk})
    assert response.status_code == 302
    with scopes_disabled():
        target = Target.objects.get(officer=world.home.officer)
        entry = AuditEntry.objects.get(action="user.update")
    assert target.premise == world.home.branch and target.name == "Petugas Nama Baru"
    assert entry.changes["home_premise"] == [world.home.premise.pk, world.home.branch.pk]


def test_it_deactivates_and_reactivates_an_officer(world, login):
    admin = login(world.home.admin)
    url = reverse("control:officer_toggle", args=[world.home.officer.pk])
    assert admin.post(url, {"active": "0"}, HTTP_HX_REQUEST="true").status_code == 200
    with scopes_disabled():
        assert not User.objects.get(pk=world.home.officer.pk).is_active
        assert not Target.objects.get(officer=world.home.officer).active
    assert not logs_in(Client(), world.home.officer.email, PASSWORD)
    admin.post(url, {"active": "1"})
    with scopes_disabled():
        assert User.objects.get(pk=world.home.officer.pk).is_active
    assert {"user.deactivate", "user.activate"} <= set(actions())


def test_it_resends_invitation_and_sends_reset(world, login):
    admin = login(world.home.admin)
    assert admin.post(reverse("control:officer_resend", args=[world.home.colleague.pk])).status_code == 302
    assert admin.post(reverse("control:officer_reset", args=[world.home.colleague.pk])).status_code == 302
    assert [m.to for m in mail.outbox] == [[world.home.colleague.email]] * 2
    assert mail.outbox[0].subject != mail.outbox[1].subject
    assert {"user.invite_sent", "user.reset_sent"} <= set(actions())
    assert admin.get(reverse("control:officer_reset", args=[world.home.colleague.pk])).status_code == 405


def test_it_sets_a_kiosk_pin_and_assigns_counters(world, login):
    admin = login(world.home.admin)
    pin_url = reverse("control:officer_pin", args=[world.home.colleague.pk])
    assert admin.post(pin_url, {"pin": "12a4", "pin2": "12a4"}).status_code == 400
    assert admin.post(pin_url, {"pin": "123456", "pin2": "123457"}).status_code == 400
    assert admin.post(pin_url, {"pin": "482913", "pin2": "482913"}).status_code == 302
    with scopes_disabled():
        assert User.objects.get(pk=world.home.colleague.pk).check_kiosk_pin("482913")
        assert "482913" not in str(AuditEntry.objects.get(action="user.set_pin").changes)
    counters_url = reverse("control:officer_counters", args=[world.home.colleague.pk])
    assert admin.post(counters_url, {"counters": [world.other.counter.pk]}).status_code == 200  # not offered
    response = admin.post(counters_url, {"counters": [world.home.counter.pk, world.home.branch_counter.pk]})
    assert response.status_code == 302
    with scopes_disabled():
        assert set(OfficerCounter.objects.filter(officer=world.home.colleague).values_list("counter_id", flat=True)) \
            == {world.home.counter.pk, world.home.branch_counter.pk}
        assert AuditEntry.objects.get(action="user.assign_counters").changes["counters"][0] == []


def test_it_keeps_other_roles_and_outsiders_out(world, login):
    admin = login(world.home.admin)
    outsider_id = world.other.officer.pk
    for name in ("officer_detail", "officer_edit", "officer_toggle", "officer_resend", "officer_reset",
                 "officer_pin", "officer_counters"):
        assert admin.post(reverse(f"control:{name}", args=[outsider_id])).status_code == 404, name
    assert admin.get(reverse("control:officer_detail", args=[world.home.admin.pk])).status_code == 404
    for user in (world.home.supervisor, world.home.officer):
        client = login(user)
        assert client.get(reverse("control:officer_list")).status_code == 403
        assert client.post(reverse("control:officer_toggle", args=[world.home.colleague.pk])).status_code == 403
    assert not mail.outbox


def test_it_lets_system_admin_create_staff_in_the_premises_agency(world, login):
    client = login(world.sysadmin)
    response = client.post(reverse("control:officer_create"), officer_data(
        world, home_premise=world.other.premise.pk, counters=[world.other.counter.pk]))
    assert response.status_code == 302
    with scopes_disabled():
        assert User.objects.get(email="baru@home.gov.my").agency == world.other.agency
    mixed = client.post(reverse("control:officer_create"), officer_data(
        world, email="x@x.gov.my", home_premise=world.other.premise.pk, counters=[world.home.counter.pk]))
    assert mixed.status_code == 200 and mixed.context["form"].non_field_errors()


def test_it_resends_all_pending_invitations(world, login):
    with scopes_disabled():
        world.home.colleague.set_unusable_password()
        world.home.colleague.save()
        world.other.colleague.set_unusable_password()
        world.other.colleague.save()
    admin = login(world.home.admin)
    pending = admin.get(reverse("control:officer_list"), {"status": "pending"}).content.decode()
    assert world.home.colleague.email in pending and world.home.officer.email not in pending
    assert admin.post(reverse("control:officer_resend_pending")).status_code == 302
    assert [m.to for m in mail.outbox] == [[world.home.colleague.email]]  # not the other agency's
    assert login(world.home.supervisor).post(reverse("control:officer_resend_pending")).status_code == 403
