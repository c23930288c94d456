"""The application queue: list/filter/detail, approve (agency + invited admin), reject (applicant told)."""
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import Agency, AgencyApplication, AuditEntry, FollowUpReason, ScoreCaption, User
from erating.base.models.settings import DEFAULT_CAPTIONS


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are compared in English (BM is the default interface language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

@pytest.fixture
def application(world):
    return AgencyApplication.objects.create(
        agency_name="Jabatan Perpaduan Negara", agency_name_en="Department of National Unity",
        ministry=world.ministry, premises_planned=4, medium="qr", officer_name="Siti Aminah",
        officer_email="siti@perpaduan.gov.my", officer_phone="0388808000", officer_position="KPP", consent=True)


def actions():
    with scopes_disabled():
        return list(AuditEntry.objects.order_by("id").values_list("action", "object_type"))


@pytest.mark.django_db
def test_it_queue_lists_filters_and_shows_detail(world, login, application):
    AgencyApplication.objects.create(agency_name="Jabatan Lama", ministry=world.ministry, premises_planned=1,
                                     officer_name="A", officer_email="a@lama.gov.my", officer_phone="0312345678",
                                     officer_position="P", status=AgencyApplication.REJECTED)
    client = login(world.sysadmin)
    pending = client.get(reverse("control:application_list")).content.decode()
    assert "Jabatan Perpaduan Negara" in pending and "Jabatan Lama" not in pending
    rejected = client.get(reverse("control:application_list") + "?status=rejected").content.decode()
    assert "Jabatan Lama" in rejected and "Jabatan Perpaduan Negara" not in rejected
    found = client.get(reverse("control:application_list") + "?status=all&q=siti@").content.decode()
    assert "Jabatan Perpaduan Negara" in found and "Jabatan Lama" not in found
    detail = client.get(reverse("control:application_detail", kwargs={"application_id": application.pk}))
    assert detail.status_code == 200 and "siti@perpaduan.gov.my" in detail.content.decode()
    assert detail.context["approve_form"].initial["code"] == "jabatan-perpaduan-negara"


@pytest.mark.django_db
def test_it_approve_creates_agency_admin_and_sends_working_invitation(world, login, application, client):
    sysadmin = login(world.sysadmin)
    response = sysadmin.post(reverse("control:application_approve", kwargs={"application_id": application.pk}),
                             {"code": "perpaduan", "name_en": "Department of National Unity"})
    assert response.status_code == 302
    application.refresh_from_db()
    with scopes_disabled():
        agency = Agency.objects.get(code="perpaduan")
        admin = User.objects.get(email="siti@perpaduan.gov.my")
        captions = dict(ScoreCaption.objects.filter(agency=agency).values_list("score", "caption_en"))
        assert FollowUpReason.objects.filter(agency=agency).exists()
    assert application.status == AgencyApplication.APPROVED and application.agency == agency
    assert application.decided_by == world.sysadmin and application.decided_at is not None
    assert (agency.ministry, agency.name_ms, agency.status) == (world.ministry, "Jabatan Perpaduan Negara", "active")
    assert captions == {s: en for s, (_ms, en) in DEFAULT_CAPTIONS.items()}
    assert (admin.role, admin.agency, admin.full_name) == (User.AGENCY_ADMIN, agency, "Siti Aminah")
    assert not admin.has_usable_password()
    assert ("approve", "AgencyApplication") in actions() and ("create", "Agency") in actions()
    assert ("create", "User") in actions() and ("invite", "User") in actions()

    message, = mail.outbox
    assert message.to == ["siti@perpaduan.gov.my"]
    link = re.search(r"https?://\S+/control/password/reset/(\S+)/(\S+)/", message.body)
    assert link, message.body
    assert default_token_generator.check_token(admin, link.group(2))
    # the link really lets the new administrator choose a password and log in
    sysadmin.logout()
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200 and "new_password1" in page.content.decode()
    done = client.post(page.redirect_chain[-1][0], {"new_password1": "Baharu-kata-laluan-77",
                                                    "new_password2": "Baharu-kata-laluan-77"})
    assert done.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("Baharu-kata-laluan-77")


@pytest.mark.django_db
def test_it_approve_refuses_existing_user_email_and_taken_code(world, login, application):
    client = login(world.sysadmin)
    url = reverse("control:application_approve", kwargs={"application_id": application.pk})
    taken = client.post(url, {"code": world.home.agency.code})
    assert taken.status_code == 400 and "already used" in taken.content.decode()
    AgencyApplication.objects.filter(pk=application.pk).update(officer_email=world.home.officer.email)
    response = client.post(url, {"code": "perpaduan"}, follow=True)
    assert "already exists" in response.content.decode()
    application.refresh_from_db()
    assert application.status == AgencyApplication.PENDING
    with scopes_disabled():
        assert not Agency.objects.filter(code="perpaduan").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_reject_tells_the_applicant_the_reason(world, login, application):
    client = login(world.sysadmin)
    url = reverse("control:application_reject", kwargs={"application_id": application.pk})
    short = client.post(url, {"reason": "no"})
    assert short.status_code == 400 and mail.outbox == []
    reason = "Sila gunakan alamat e-mel rasmi agensi (gov.my)."
    assert client.post(url, {"reason": reason}).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.reason) == (AgencyApplication.REJECTED, reason)
    message, = mail.outbox
    assert message.to == ["siti@perpaduan.gov.my"] and reason in message.body
    assert "/apply/" in message.body
    assert ("reject", "AgencyApplication") in actions()
    # decided: a second decision is refused
    again = client.post(reverse("control:application_approve", kwargs={"application_id": application.pk}),
                        {"code": "perpaduan"}, follow=True)
    assert "already been decided" in again.content.decode()
    with scopes_disabled():
        assert not Agency.objects.filter(code="perpaduan").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_queue_is_for_system_admins_only(world, login, application, role):
    client = login(getattr(world.home, role))
    assert client.get(reverse("control:application_list")).status_code == 403
    kwargs = {"application_id": application.pk}
    assert client.get(reverse("control:application_detail", kwargs=kwargs)).status_code == 403
    assert client.post(reverse("control:application_approve", kwargs=kwargs), {"code": "x-y"}).status_code == 403
    assert client.post(reverse("control:application_reject", kwargs=kwargs),
                       {"reason": "long enough reason"}).status_code == 403
    application.refresh_from_db()
    assert application.status == AgencyApplication.PENDING and mail.outbox == []
