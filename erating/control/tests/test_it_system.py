"""System administrator: ministries and agencies (create, edit, suspend, reactivate)."""
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import Agency, AuditEntry, FollowUpReason, Ministry, ScoreCaption
from erating.base.models.settings import DEFAULT_CAPTIONS


def audit(action, obj):
    with scopes_disabled():
        return AuditEntry.objects.filter(action=action, object_type=type(obj).__name__, object_id=str(obj.pk))


@pytest.mark.django_db
def test_it_ministry_create_and_edit_are_audited(world, login):
    client = login(world.sysadmin)
    response = client.post(reverse("control:ministry_create"),
                           {"code": "kkm", "name_ms": "Kementerian Kesihatan", "name_en": "Ministry of Health"})
    assert response.status_code == 302
    ministry = Ministry.objects.get(code="kkm")
    assert audit("create", ministry).get().changes["name_ms"] == [None, "Kementerian Kesihatan"]
    client.post(reverse("control:ministry_edit", kwargs={"ministry_id": ministry.pk}),
                {"code": "kkm", "name_ms": "Kementerian Kesihatan Malaysia", "name_en": "Ministry of Health"})
    ministry.refresh_from_db()
    assert ministry.name_ms == "Kementerian Kesihatan Malaysia"
    assert audit("update", ministry).get().changes == {
        "name_ms": ["Kementerian Kesihatan", "Kementerian Kesihatan Malaysia"]}
    page = client.get(reverse("control:ministry_list"))
    assert "Kementerian Kesihatan Malaysia" in page.content.decode()


@pytest.mark.django_db
def test_it_ministry_form_shows_clear_errors(world, login):
    client = login(world.sysadmin)
    response = client.post(reverse("control:ministry_create"), {"code": "kdn", "name_ms": ""})
    assert response.status_code == 200
    assert Ministry.objects.count() == 1
    assert response.context["form"].errors.keys() == {"code", "name_ms"}


@pytest.mark.django_db
def test_it_agency_create_gets_default_captions_and_reasons(world, login):
    client = login(world.sysadmin)
    response = client.post(reverse("control:agency_create"), {
        "ministry": world.ministry.pk, "code": "jkm", "name_ms": "Jabatan Kebajikan Masyarakat",
        "name_en": "Social Welfare Department", "admin_full_name": "Siti Admin", "admin_email": "siti@jkm.gov.my"})
    assert response.status_code == 302
    with scopes_disabled():
        agency = Agency.objects.get(code="jkm")
        captions = dict(ScoreCaption.objects.filter(agency=agency).values_list("score", "caption_ms"))
        assert FollowUpReason.objects.filter(agency=agency).count() >= 3
    assert captions == {s: ms for s, (ms, _en) in DEFAULT_CAPTIONS.items()}
    assert agency.status == Agency.ACTIVE
    assert audit("create", agency).get().agency_id == agency.pk


@pytest.mark.django_db
def test_it_agency_edit_rejects_a_taken_code(world, login):
    client = login(world.sysadmin)
    agency = world.home.agency
    response = client.post(reverse("control:agency_edit", kwargs={"agency_id": agency.pk}), {
        "ministry": world.ministry.pk, "code": world.other.agency.code, "name_ms": "X"})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    response = client.post(reverse("control:agency_edit", kwargs={"agency_id": agency.pk}), {
        "ministry": world.ministry.pk, "code": agency.code, "name_ms": "Jabatan Baharu", "name_en": agency.name_en})
    assert response.status_code == 302
    assert audit("update", agency).get().changes == {"name_ms": [agency.name_ms, "Jabatan Baharu"]}


@pytest.mark.django_db
def test_it_suspend_and_reactivate(world, login):
    client = login(world.sysadmin)
    agency = world.other.agency
    suspend = reverse("control:agency_suspend", kwargs={"agency_id": agency.pk})
    assert client.get(suspend).status_code == 405
    assert client.post(suspend).status_code == 302
    with scopes_disabled():
        agency.refresh_from_db()
    assert agency.status == Agency.SUSPENDED
    assert audit("suspend", agency).get().changes == {"status": ["active", "suspended"]}
    listing = client.get(reverse("control:agency_list") + "?status=suspended").content.decode()
    assert agency.name_ms in listing and world.home.agency.name_ms not in listing
    client.post(reverse("control:agency_reactivate", kwargs={"agency_id": agency.pk}))
    with scopes_disabled():
        agency.refresh_from_db()
    assert agency.status == Agency.ACTIVE and audit("reactivate", agency).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_system_pages_are_for_system_admins_only(world, login, role):
    client = login(getattr(world.home, role))
    agency = world.home.agency
    for name, kwargs in [("ministry_list", {}), ("ministry_create", {}),
                         ("ministry_edit", {"ministry_id": world.ministry.pk}), ("agency_list", {}),
                         ("agency_create", {}), ("agency_edit", {"agency_id": agency.pk})]:
        assert client.get(reverse(f"control:{name}", kwargs=kwargs)).status_code == 403, name
    for name in ("agency_suspend", "agency_reactivate"):
        assert client.post(reverse(f"control:{name}", kwargs={"agency_id": agency.pk})).status_code == 403
    with scopes_disabled():
        assert Agency.objects.get(pk=agency.pk).status == Agency.ACTIVE


@pytest.mark.django_db
def test_it_agency_list_shows_every_agency(world, login):
    html = login(world.sysadmin).get(reverse("control:agency_list")).content.decode()
    assert world.home.agency.name_ms in html and world.other.agency.name_ms in html
    assert reverse("control:view_as_start", kwargs={"agency_id": world.other.agency.pk}) in html
