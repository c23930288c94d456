"""Tablets admin pages: list, pairing codes, revoke — owner, other roles and another agency."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.catalogue import devices
from erating.base.models import AuditEntry, Device, PairingCode

pytestmark = pytest.mark.django_db


def paired(agency_ns, target=None):
    with scopes_disabled():
        pairing = devices.create_pairing_code(agency_ns.premise, target=target)
        device, _token = devices.pair(pairing.code)
    return pairing, device


def test_it_lists_own_devices_with_state(world, login):
    home = world.home
    _pairing, device = paired(home, target=home.counter)
    devices.heartbeat(device, queued=7, app_version="1.0.0")
    _p, other_device = paired(world.other)
    with scopes_disabled():
        open_code = devices.create_pairing_code(home.branch)
    response = login(home.admin).get(reverse("control:device_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert device.name in body and "Kaunter 1" in body
    assert '<td>7</td>' in body and "1.0.0" in body
    assert open_code.code in body
    assert other_device.name not in body  # another agency's tablet is not listed


@pytest.mark.parametrize("role", ["supervisor", "officer"])
def test_it_other_roles_are_refused(world, login, role):
    _pairing, device = paired(world.home)
    client = login(getattr(world.home, role))
    assert client.get(reverse("control:device_list")).status_code == 403
    assert client.get(reverse("control:pairing_create")).status_code == 403
    assert client.post(reverse("control:device_revoke", args=[device.pk])).status_code == 403
    with scopes_disabled():
        assert Device.objects.get(pk=device.pk).revoked_at is None


def test_it_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("control:device_list"))
    assert response.status_code == 302 and reverse("control:login") in response["Location"]


def test_it_creates_pairing_code_shown_large_and_audited(world, login):
    home = world.home
    client = login(home.admin)
    response = client.post(reverse("control:pairing_create"), {"premise": home.premise.pk, "target": home.counter.pk})
    with scopes_disabled():
        pairing = PairingCode.objects.get()
        assert pairing.premise == home.premise and pairing.target == home.counter
        assert timedelta(hours=23) < pairing.expires_at - timezone.now() <= timedelta(hours=24)
        assert AuditEntry.objects.filter(action="create", object_type="PairingCode", user=home.admin).exists()
    assert response["Location"] == reverse("control:pairing_detail", args=[pairing.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'class="pairing-code"' in page and pairing.code in page
    assert len(pairing.code) == 8


def test_it_rejects_target_of_another_premise_and_of_another_agency(world, login):
    home = world.home
    client = login(home.admin)
    response = client.post(reverse("control:pairing_create"),
                           {"premise": home.premise.pk, "target": home.branch_counter.pk})
    assert response.status_code == 200 and response.context["form"].has_error("target")
    response = client.post(reverse("control:pairing_create"),
                           {"premise": world.other.premise.pk, "target": ""})
    assert response.status_code == 200 and response.context["form"].has_error("premise")
    with scopes_disabled():
        assert not PairingCode.objects.exists()


def test_it_premise_shortcut_preselects_premise(world, login):
    client = login(world.home.admin)
    response = client.get(reverse("control:premise_pairing_create", args=[world.home.branch.pk]))
    assert response.status_code == 200
    assert f'<option value="{world.home.branch.pk}" selected>' in response.content.decode()
    other = client.get(reverse("control:premise_pairing_create", args=[world.other.premise.pk]))
    assert other.status_code == 404


def test_it_pairing_detail_states(world, login):
    home = world.home
    client = login(home.admin)
    with scopes_disabled():
        used, _device = paired(home)
        expired = devices.create_pairing_code(home.premise, hours=-1)
    used_page = client.get(reverse("control:pairing_detail", args=[used.pk])).content.decode()
    expired_page = client.get(reverse("control:pairing_detail", args=[expired.pk])).content.decode()
    assert 'data-status="used"' in used_page and 'class="pairing-code"' not in used_page
    assert 'data-status="expired"' in expired_page and 'class="pairing-code"' not in expired_page


def test_it_cancels_code(world, login):
    with scopes_disabled():
        pairing = devices.create_pairing_code(world.home.premise)
    response = login(world.home.admin).post(reverse("control:pairing_cancel", args=[pairing.pk]))
    assert response.status_code == 302
    with pytest.raises(devices.PairingError) as error:
        devices.pair(pairing.code)
    assert error.value.code == "expired"


def test_it_revokes_with_audit(world, login):
    _pairing, device = paired(world.home)
    client = login(world.home.admin)
    confirm = client.get(reverse("control:device_revoke", args=[device.pk]))
    assert confirm.status_code == 200 and device.name in confirm.content.decode()
    response = client.post(reverse("control:device_revoke", args=[device.pk]))
    assert response.status_code == 302
    with scopes_disabled():
        device.refresh_from_db()
        entry = AuditEntry.objects.get(action="revoke")
    assert device.revoked_at is not None
    assert entry.user == world.home.admin and entry.object_id == str(device.pk) and entry.agency == world.home.agency
    listing = client.get(reverse("control:device_list")).content.decode()
    assert f'data-device="{device.pk}" data-status="revoked"' in listing
    assert reverse("control:device_revoke", args=[device.pk]) not in listing


def test_it_other_agency_admin_gets_404(world, login):
    pairing, device = paired(world.home)
    with scopes_disabled():
        open_code = devices.create_pairing_code(world.home.premise)
    client = login(world.other.admin)
    urls = [reverse("control:device_revoke", args=[device.pk]),
            reverse("control:pairing_detail", args=[pairing.pk]),
            reverse("control:pairing_detail", args=[open_code.pk]),
            reverse("control:premise_pairing_create", args=[world.home.premise.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("control:device_revoke", args=[device.pk])).status_code == 404
    assert client.post(reverse("control:pairing_cancel", args=[open_code.pk])).status_code == 404
    with scopes_disabled():
        assert Device.objects.get(pk=device.pk).revoked_at is None
        assert devices.pairing_status(PairingCode.objects.get(pk=open_code.pk)) == "valid"


def test_it_sysadmin_sees_every_agency(world, login):
    _p, home_device = paired(world.home)
    _p, other_device = paired(world.other)
    client = login(world.sysadmin)
    body = client.get(reverse("control:device_list")).content.decode()
    assert home_device.name in body and other_device.name in body
    response = client.post(reverse("control:pairing_create"), {"premise": world.other.branch.pk, "target": ""})
    assert response.status_code == 302
    with scopes_disabled():
        pairing = PairingCode.objects.get(premise=world.other.branch)
    assert pairing.agency_id == world.other.agency.pk and pairing.created_by == world.sysadmin


def test_it_nav_link_only_for_managers(world, login):
    assert reverse("control:device_list") in login(world.home.admin).get(reverse("control:home")).content.decode()


def test_it_nav_link_hidden_for_officers(world, login):
    assert reverse("control:device_list") not in login(world.home.officer).get(reverse("control:home")).content.decode()


def test_it_pairing_form_lists_only_the_chosen_premises_targets(world, login):
    home = world.home
    client = login(home.admin)
    url = reverse("control:pairing_create")

    def target_options(response):
        form = response.context["form"]
        return {pk for pk, _label in ((c[0], c[1]) for c in form.fields["target"].choices) if pk}

    assert target_options(client.get(url)) == set()  # nothing until a premise is chosen
    at_hq = {int(str(v)) for v in target_options(client.get(url, {"premise": home.premise.pk}))}
    assert home.counter.pk in at_hq and home.officer_target.pk in at_hq
    assert home.branch_counter.pk not in at_hq and home.service.pk not in at_hq
    at_branch = {int(str(v)) for v in target_options(client.get(url, {"premise": home.branch.pk}))}
    assert at_branch == {home.branch_counter.pk}
    # The premise page's pairing link starts with that premise; the form may switch to another.
    route = reverse("control:premise_pairing_create", args=[home.branch.pk])
    assert {int(str(v)) for v in target_options(client.get(route))} == {home.branch_counter.pk}
    assert home.counter.pk in {int(str(v)) for v in target_options(client.get(route, {"premise": home.premise.pk}))}
    # Without JavaScript: the "show" button lists the premise's targets without errors or a code.
    shown = client.post(url, {"premise": home.branch.pk, "show_targets": "1"})
    assert shown.status_code == 200 and not shown.context["form"].errors
    assert {int(str(v)) for v in target_options(shown)} == {home.branch_counter.pk}
    # Another agency's premise in the query lists nothing of it.
    assert target_options(client.get(url, {"premise": world.other.premise.pk})) == set()
    with scopes_disabled():
        assert not PairingCode.objects.exists()
