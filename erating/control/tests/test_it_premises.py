import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry, Premise, Rating

pytestmark = pytest.mark.django_db
NEW = {"code": "jpn-ipoh", "name": "JPN Ipoh", "state": "PRK", "address": "Jalan Sultan", "medium": "both"}


def audit(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


def test_it_lists_searches_and_filters_own_premises(world, login):
    client = login(world.home.admin)
    page = client.get(reverse("control:premise_list")).content.decode()
    assert world.home.premise.name in page and world.home.branch.name in page
    assert world.other.premise.name not in page
    filtered = client.get(reverse("control:premise_list"), {"q": "cawangan"}).content.decode()
    assert world.home.branch.name in filtered and world.home.premise.name not in filtered
    by_state = client.get(reverse("control:premise_list"), {"state": "SGR"}).content.decode()
    assert world.home.branch.name in by_state and world.home.premise.name not in by_state


def test_it_paginates_premise_list(world, login):
    with scopes_disabled():
        Premise.objects.bulk_create(Premise(agency=world.home.agency, code=f"p{i:03}", name=f"Pejabat {i:03}",
                                            state="JHR") for i in range(30))
    client = login(world.home.admin)
    first = client.get(reverse("control:premise_list"), {"state": "JHR"}).content.decode()
    second = client.get(reverse("control:premise_list"), {"state": "JHR", "page": 2}).content.decode()
    assert "Pejabat 000" in first and "Pejabat 029" not in first
    assert "Pejabat 029" in second and "state=JHR" in first  # the filter survives paging


def test_it_creates_a_premise_with_audit(world, login):
    client = login(world.home.admin)
    response = client.post(reverse("control:premise_create"), NEW)
    with scopes_disabled():
        premise = Premise.objects.get(code="jpn-ipoh")
    assert response.status_code == 302 and premise.agency == world.home.agency
    entry = audit("premise.create")[0]
    assert entry.changes["name"] == [None, "JPN Ipoh"] and entry.user == world.home.admin


def test_it_rejects_invalid_and_duplicate_premise(world, login):
    client = login(world.home.admin)
    response = client.post(reverse("control:premise_create"), {**NEW, "code": world.home.premise.code.upper(),
                                                                "state": "XX", "name": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"code", "state", "name"}
    # the same code in ANOTHER agency is fine
    ok = client.post(reverse("control:premise_create"), {**NEW, "code": world.other.premise.code})
    assert ok.status_code == 302


def test_it_edits_with_before_after(world, login):
    client = login(world.home.admin)
    url = reverse("control:premise_edit", args=[world.home.branch.pk])
    data = {"code": world.home.branch.code, "name": "Cawangan Baharu", "state": "SGR", "address": "", "medium": "qr"}
    assert client.post(url, data).status_code == 302
    assert audit("premise.update")[0].changes == {"name": [world.home.branch.name, "Cawangan Baharu"]}


def test_it_deactivates_keeping_history_and_htmx_fragment(world, login):
    client = login(world.home.admin)
    url = reverse("control:premise_toggle", args=[world.home.premise.pk])
    response = client.post(url, {"active": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<form" in response.content and b"<html" not in response.content
    with scopes_disabled():
        world.home.premise.refresh_from_db()
        assert not world.home.premise.active
        assert Rating.objects.filter(premise=world.home.premise).exists()  # history stays
    assert audit("premise.deactivate")[0].changes == {"active": [True, False]}
    assert client.post(url, {"active": "1"}).status_code == 302  # without htmx: redirect
    with scopes_disabled():
        world.home.premise.refresh_from_db()
    assert world.home.premise.active
    assert client.get(url).status_code == 405


def test_it_keeps_other_roles_and_outsiders_out(world, login):
    other_premise = world.other.premise.pk
    admin = login(world.home.admin)
    for name in ("premise_detail", "premise_edit", "premise_toggle"):
        assert admin.get(reverse(f"control:{name}", args=[other_premise])).status_code == 404
    assert admin.post(reverse("control:premise_toggle", args=[other_premise]), {"active": "0"}).status_code == 404
    supervisor = login(world.home.supervisor)
    assert supervisor.get(reverse("control:premise_detail", args=[world.home.premise.pk])).status_code == 200
    assert supervisor.get(reverse("control:premise_detail", args=[world.home.branch.pk])).status_code == 404
    assert supervisor.get(reverse("control:premise_create")).status_code == 403
    assert supervisor.post(reverse("control:premise_toggle", args=[world.home.premise.pk])).status_code == 403
    officer = login(world.home.officer)
    assert officer.get(reverse("control:premise_list")).status_code == 403


def test_it_lets_system_admin_choose_the_agency(world, login):
    client = login(world.sysadmin)
    form = client.get(reverse("control:premise_create")).context["form"]
    assert "agency" in form.fields
    response = client.post(reverse("control:premise_create"), {**NEW, "agency": world.other.agency.pk})
    assert response.status_code == 302
    with scopes_disabled():
        assert Premise.objects.get(code="jpn-ipoh").agency == world.other.agency
    assert client.post(reverse("control:premise_toggle", args=[world.other.branch.pk]), {"active": "0"}).status_code == 302
