"""'View as agency': scope narrows to the agency, a banner shows it, start and stop are audited."""
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry
from erating.base.scoping import VIEW_AS_SESSION_KEY


@pytest.mark.django_db
def test_it_view_as_narrows_scope_shows_banner_and_is_audited(world, login):
    client = login(world.sysadmin)
    home, other = world.home, world.other
    start = reverse("control:view_as_start", kwargs={"agency_id": home.agency.pk})
    assert client.get(start).status_code == 405
    response = client.post(start)
    assert response.status_code == 302
    assert client.session[VIEW_AS_SESSION_KEY] == home.agency.pk
    page = client.get(reverse("control:premise_list")).content.decode()
    assert 'data-testid="view-as-banner"' in page and home.agency.name_ms in page
    assert home.premise.name in page and other.premise.name not in page
    assert client.get(reverse("control:target_qr", kwargs={"target_id": other.counter.pk})).status_code == 404
    assert client.get(reverse("control:target_qr", kwargs={"target_id": home.counter.pk})).status_code == 200
    # system pages still list every agency, so support can switch
    agencies = client.get(reverse("control:agency_list")).content.decode()
    assert other.agency.name_ms in agencies
    assert client.post(reverse("control:view_as_stop")).status_code == 302
    assert VIEW_AS_SESSION_KEY not in client.session
    page = client.get(reverse("control:premise_list")).content.decode()
    assert 'data-testid="view-as-banner"' not in page and other.premise.name in page
    with scopes_disabled():
        started = AuditEntry.objects.get(action="view_as_start")
        stopped = AuditEntry.objects.get(action="view_as_stop")
    assert started.user == world.sysadmin and started.agency_id == home.agency.pk
    assert stopped.agency_id == home.agency.pk and stopped.changes == {"view_as": [home.agency.pk, None]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_only_system_admins_may_view_as(world, login, role):
    client = login(getattr(world.other, role))
    response = client.post(reverse("control:view_as_start", kwargs={"agency_id": world.home.agency.pk}))
    assert response.status_code == 403
    assert VIEW_AS_SESSION_KEY not in client.session
    assert client.post(reverse("control:view_as_stop")).status_code == 403
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action__startswith="view_as").exists()


@pytest.mark.django_db
def test_it_session_key_is_ignored_for_non_sysadmins(world, login):
    client = login(world.other.admin)
    session = client.session
    session[VIEW_AS_SESSION_KEY] = world.home.agency.pk
    session.save()
    page = client.get(reverse("control:premise_list")).content.decode()
    assert world.home.premise.name not in page and 'data-testid="view-as-banner"' not in page


@pytest.mark.django_db
def test_it_view_as_unknown_agency_is_404(world, login):
    client = login(world.sysadmin)
    assert client.post(reverse("control:view_as_start", kwargs={"agency_id": 987654})).status_code == 404
