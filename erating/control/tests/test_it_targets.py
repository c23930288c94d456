import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry, Rating, Target

pytestmark = pytest.mark.django_db


def test_it_lists_filters_and_searches_targets(world, login):
    client = login(world.home.admin)
    page = client.get(reverse("control:target_list")).content.decode()
    assert "Kaunter 1" in page and "Surau" in page and world.other.counter.code not in page
    only_facilities = client.get(reverse("control:target_list"), {"kind": "facility"}).content.decode()
    assert "Surau" in only_facilities and "Pembaharuan" not in only_facilities
    at_branch = client.get(reverse("control:target_list"), {"premise": world.home.branch.pk}).content.decode()
    assert "Kaunter B" in at_branch and "Surau" not in at_branch
    by_code = client.get(reverse("control:target_list"), {"q": world.home.service.code}).content.decode()
    assert "Pembaharuan" in by_code and "Surau" not in by_code


def test_it_creates_a_counter_with_audit(world, login):
    client = login(world.home.admin)
    response = client.post(reverse("control:target_create"), {
        "premise": world.home.branch.pk, "kind": "counter", "name": "Kaunter 9", "name_en": "Counter 9"})
    with scopes_disabled():
        target = Target.objects.get(name="Kaunter 9")
        entry = AuditEntry.objects.get(action="target.create")
    assert response.status_code == 302 and target.agency == world.home.agency and target.active
    assert entry.changes["kind"] == [None, "counter"] and entry.object_id == str(target.pk)


def test_it_validates_target_form(world, login):
    client = login(world.home.admin)
    response = client.post(reverse("control:target_create"), {
        "premise": world.other.premise.pk, "kind": "officer", "name": ""})
    errors = response.context["form"].errors
    assert response.status_code == 200 and set(errors) == {"premise", "kind", "name"}
    duplicate = client.post(reverse("control:target_create"), {
        "premise": world.home.premise.pk, "kind": "counter", "name": "kaunter 1"})
    assert "name" in duplicate.context["form"].errors


def test_it_edits_and_deactivates_a_target_keeping_history(world, login):
    client = login(world.home.admin)
    url = reverse("control:target_edit", args=[world.home.counter.pk])
    assert client.post(url, {"premise": world.home.premise.pk, "kind": "counter", "name": "Kaunter 1",
                             "name_en": "Counter One"}).status_code == 302
    toggle = reverse("control:target_toggle", args=[world.home.counter.pk])
    assert client.post(toggle, {"active": "0"}, HTTP_HX_REQUEST="true").status_code == 200
    with scopes_disabled():
        counter = Target.objects.get(pk=world.home.counter.pk)
        assert counter.name_en == "Counter One" and not counter.active
        assert Rating.objects.filter(target=counter).count() == 2
        actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"target.update", "target.deactivate"} <= actions


def test_it_edits_only_names_of_an_officer_target(world, login):
    client = login(world.home.admin)
    form = client.get(reverse("control:target_edit", args=[world.home.officer_target.pk])).context["form"]
    assert set(form.fields) == {"name", "name_en"}


def test_it_scopes_targets_by_role(world, login):
    admin = login(world.home.admin)
    for name in ("target_detail", "target_edit", "target_toggle"):
        assert admin.get(reverse(f"control:{name}", args=[world.other.counter.pk])).status_code == 404
    supervisor = login(world.home.supervisor)
    assert supervisor.get(reverse("control:target_detail", args=[world.home.counter.pk])).status_code == 200
    assert supervisor.get(reverse("control:target_detail", args=[world.home.branch_counter.pk])).status_code == 404
    assert "Kaunter B" not in supervisor.get(reverse("control:target_list")).content.decode()
    assert supervisor.get(reverse("control:target_create")).status_code == 403
    assert supervisor.post(reverse("control:target_toggle", args=[world.home.counter.pk])).status_code == 403
    officer = login(world.home.officer)
    assert officer.get(reverse("control:target_list")).status_code == 403


def test_it_lets_system_admin_add_to_any_agency(world, login):
    client = login(world.sysadmin)
    assert client.post(reverse("control:target_create"), {
        "premise": world.other.branch.pk, "kind": "facility", "name": "Tandas"}).status_code == 302
    with scopes_disabled():
        assert Target.objects.get(name="Tandas").agency == world.other.agency


def test_it_makes_a_deactivated_target_unratable(world, login, client):
    code = world.home.facility.code
    assert client.get(reverse("rate:qr", args=[code])).status_code == 200
    admin = login(world.home.admin)
    admin.post(reverse("control:target_toggle", args=[world.home.facility.pk]), {"active": "0"})
    admin.logout()
    assert client.get(reverse("rate:qr", args=[code])).status_code == 410
